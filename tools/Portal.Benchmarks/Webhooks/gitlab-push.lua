-- wrk script: GitLab push deliveries, each with its own Idempotency-Key, as GitLab sends them.
-- Usage: wrk -s gitlab-push.lua <url> -- <body file> <webhook token> <run id>
-- Prints one line "WRKRESULT {json}" with the totals and latency percentiles (microseconds).

local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local body, token, run
local n = 0

function init(args)
  local file = assert(io.open(args[1], "r"))
  body = file:read("*a")
  file:close()
  token = args[2]
  run = args[3]
end

function request()
  n = n + 1
  local id = string.format("%s-%d-%d", run, tid, n)
  return wrk.format("POST", "/hooks/gitlab", {
    ["Content-Type"] = "application/json",
    ["User-Agent"] = "GitLab/17.6.0",
    ["X-Gitlab-Event"] = "Push Hook",
    ["X-Gitlab-Token"] = token,
    ["X-Gitlab-Instance"] = "https://gitlab.example.com",
    ["X-Gitlab-Webhook-UUID"] = id,
    ["X-Gitlab-Event-UUID"] = id,
    ["Idempotency-Key"] = id,
  }, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKRESULT {"requests":%d,"durationUs":%d,"non2xx":%d,"socketErrors":%d,"p50":%d,"p95":%d,"p99":%d,"max":%d}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
