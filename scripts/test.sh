#!/usr/bin/env bash
# Runs every test: installs what is missing (Postgres, Chromium, the npm packages the tests use), then dotnet test.
# Extra arguments go to dotnet test, e.g. ./scripts/test.sh --filter FullyQualifiedName~SignIn
set -euo pipefail
cd "$(dirname "$0")/.."

sudo_if_needed() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

scripts/postgres.sh ensure
# The GitLab stand-in's repositories report pushes through a post-receive hook that uses curl.
if ! command -v curl >/dev/null || ! command -v git >/dev/null; then
  sudo_if_needed apt-get update -qq
  DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -qq curl git >/dev/null
fi
if [[ ! -x /usr/bin/chromium && -z "${PORTAL_CHROMIUM:-}" ]]; then
  echo "test.sh: installing Debian's chromium for the browser tests" >&2
  sudo_if_needed apt-get update -qq
  DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -qq chromium fonts-liberation >/dev/null
fi
for dir in tests/*/; do
  if [[ -f "$dir/package.json" && ! -d "$dir/node_modules" ]]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
set +e
dotnet test Portal.sln --logger trx --results-directory "$results" "$@"
status=$?
set -e

# One closing line for every runner that reads it: totals over all test projects.
sum() { grep -ho "<Counters [^>]*" "$results"/*.trx 2>/dev/null | grep -o " $1=\"[0-9]*\"" | grep -o "[0-9]*" | awk '{ n += $1 } END { print n + 0 }'; }
if ls "$results"/*.trx >/dev/null 2>&1; then
  passed=$(sum passed); failed=$(sum failed); total=$(sum total); executed=$(sum executed)
  echo "${passed:-0} passed, ${failed:-0} failed, $(( ${total:-0} - ${executed:-0} )) skipped"
fi
exit $status
