#!/usr/bin/env bash
# Runs the portal on http://127.0.0.1:5080 with a local Postgres cluster and the AWS emulator beside it.
# Ctrl-C stops everything this script started. Set ConnectionStrings__Portal to use your own Postgres instead.
set -euo pipefail
cd "$(dirname "$0")/.."

PORTAL_URL=${PORTAL_URL:-http://127.0.0.1:5080}
EMULATOR_URL=${EMULATOR_URL:-http://127.0.0.1:4566}
PG_PORT=${PORTAL_PG_PORT:-5433}
PG_DATA=.local/pgdata
mkdir -p .local

started_cluster=""
emulator_pid=""
portal_pid=""
cleanup() {
  trap - INT TERM EXIT
  for pid in $portal_pid $emulator_pid; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in $portal_pid $emulator_pid; do wait "$pid" 2>/dev/null || true; done
  [[ -n "$started_cluster" ]] && scripts/postgres.sh stop "$PG_DATA"
  echo "run.sh: stopped."
}
trap cleanup INT TERM EXIT

if [[ -z "${ConnectionStrings__Portal:-}" ]]; then
  scripts/postgres.sh start "$PG_DATA" "$PG_PORT"
  started_cluster=yes
  psql_bin=$(dirname "$(readlink -f "$(command -v pg_ctl || ls /usr/lib/postgresql/*/bin/pg_ctl | head -1)")")/psql
  [[ -x "$psql_bin" ]] || psql_bin=psql
  if ! "$psql_bin" -h 127.0.0.1 -p "$PG_PORT" -U postgres -Atc "select 1 from pg_database where datname = 'portal'" | grep -q 1; then
    "$psql_bin" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "create database portal"
  fi
  export ConnectionStrings__Portal="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=portal"
fi

dotnet build Portal.sln -nologo -clp:ErrorsOnly -v:q

# The emulator keeps its state beside the database, so hosts survive a restart of the demo.
dotnet run --no-build --project tools/Portal.AwsEmulator --urls "$EMULATOR_URL" --Emulator:StatePath="$PWD/.local/emulator-state.json" > .local/emulator.log 2>&1 &
emulator_pid=$!

cat <<INFO

  Portal:        $PORTAL_URL
  AWS emulator:  $EMULATOR_URL (log: .local/emulator.log)
  Demo customer: customer@demo.portal / Customer#2026!
  Demo operator: operator@demo.portal / Operator#2026!
  Ctrl-C stops the portal, the emulator and the local Postgres cluster.

INFO

ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development} \
Aws__ServiceUrl=${Aws__ServiceUrl:-$EMULATOR_URL} \
  dotnet run --no-build --project src/Portal.Web --urls "$PORTAL_URL" &
portal_pid=$!
# Waiting (rather than running in the foreground) lets the trap stop everything on Ctrl-C or TERM.
wait "$portal_pid" || true
