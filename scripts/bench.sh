#!/usr/bin/env bash
# Runs a benchmark that prints figures (Release build). Without a name it lists them; "all" runs every one.
#   ./scripts/bench.sh host-list
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/postgres.sh ensure
sudo_if_needed() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
# live-pages drives Debian's chromium, webhook-load drives wrk: install them when a run needs them and they are missing.
missing=()
[[ "${1:-}" =~ ^(all|live-pages)$ && ! -x /usr/bin/chromium && -z "${PORTAL_CHROMIUM:-}" ]] && missing+=(chromium fonts-liberation)
[[ "${1:-}" =~ ^(all|webhook-load)$ ]] && ! command -v wrk >/dev/null && missing+=(wrk)
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "bench.sh: installing ${missing[*]}" >&2
  sudo_if_needed apt-get update -qq
  DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -qq "${missing[@]}" >/dev/null
fi
exec dotnet run -c Release --project tools/Portal.Benchmarks -- "$@"
