#!/usr/bin/env bash
# Runs a benchmark that prints figures (Release build). Without a name it lists them; "all" runs every one.
#   ./scripts/bench.sh host-list
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/postgres.sh ensure
exec dotnet run -c Release --project tools/Portal.Benchmarks -- "$@"
