#!/usr/bin/env bash
# Runs the portal on http://127.0.0.1:5080 with a local Postgres cluster, the AWS emulator and the GitLab stand-in beside it.
# Ctrl-C (SIGINT) or SIGTERM stops everything this script started; a backgrounded run.sh is stopped with `kill -TERM`.
# Set ConnectionStrings__Portal to use your own Postgres instead.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

PORTAL_URL=${PORTAL_URL:-http://127.0.0.1:5080}
EMULATOR_URL=${EMULATOR_URL:-http://127.0.0.1:4566}
GITLAB_URL=${GITLAB_URL:-http://127.0.0.1:8929}
# The GitLab stand-in's repositories report pushes through a post-receive hook that uses curl.
if ! command -v curl >/dev/null || ! command -v git >/dev/null; then
  if [[ $(id -u) -eq 0 ]]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl git >/dev/null
  else sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive sudo apt-get install -y -qq curl git >/dev/null; fi
fi
PG_PORT=${PORTAL_PG_PORT:-5433}
mkdir -p .local

# The cluster's data must be reachable by its owner: as root that is the postgres user, who may not enter this clone
# (root's home is mode 700), so root keeps it under /var/tmp, one folder per clone.
default_pg_data() {
  if [[ $(id -u) -eq 0 ]]; then
    echo "/var/tmp/portal-pg-$(printf '%s' "$repo" | sha256sum | cut -c1-12)/pgdata"
  else
    echo "$repo/.local/pgdata"
  fi
}
PG_DATA=${PORTAL_PG_DATA:-$(default_pg_data)}

started_cluster=""
emulator_pid=""
gitlab_pid=""
portal_pid=""
build_pid=""
cleanup() {
  trap - INT TERM EXIT
  for pid in $build_pid $portal_pid $emulator_pid $gitlab_pid; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in $build_pid $portal_pid $emulator_pid $gitlab_pid; do wait "$pid" 2>/dev/null || true; done
  if [[ -n "$started_cluster" ]]; then scripts/postgres.sh stop "$PG_DATA"; fi
  echo "run.sh: stopped."
}
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
trap cleanup EXIT

if [[ -z "${ConnectionStrings__Portal:-}" ]]; then
  mkdir -p "$(dirname "$PG_DATA")"
  started_cluster=yes
  scripts/postgres.sh start "$PG_DATA" "$PG_PORT"
  psql_bin=$(dirname "$(readlink -f "$(command -v pg_ctl || ls /usr/lib/postgresql/*/bin/pg_ctl | head -1)")")/psql
  [[ -x "$psql_bin" ]] || psql_bin=psql
  if ! "$psql_bin" -h 127.0.0.1 -p "$PG_PORT" -U postgres -Atc "select 1 from pg_database where datname = 'portal'" | grep -q 1; then
    "$psql_bin" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "create database portal"
  fi
  export ConnectionStrings__Portal="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=portal"
fi

# In the background and waited for, so that a signal stops the build at once; no build servers stay behind.
dotnet build Portal.sln -nologo -clp:ErrorsOnly -v:q --disable-build-servers &
build_pid=$!
wait "$build_pid"
build_pid=""

# The built programs run directly (not through `dotnet run`), so the signals below reach them and not a launcher.
# The emulator keeps its state beside the clone, so hosts survive a restart of the demo.
(cd tools/Portal.AwsEmulator && exec dotnet bin/Debug/net10.0/Portal.AwsEmulator.dll --urls "$EMULATOR_URL" \
  --Emulator:StatePath="$repo/.local/emulator-state.json") > .local/emulator.log 2>&1 &
emulator_pid=$!
# The GitLab stand-in, seeded with a demo user, two empty projects and an api token (scripts/demo-gitlab.json).
(cd tools/Portal.GitLabStandIn && exec dotnet bin/Debug/net10.0/Portal.GitLabStandIn.dll --urls "$GITLAB_URL" \
  --StandIn:DataPath="$repo/.local/gitlab" --StandIn:SeedPath="$repo/scripts/demo-gitlab.json") > .local/gitlab.log 2>&1 &
gitlab_pid=$!

cat <<INFO

  Portal:        $PORTAL_URL
  AWS emulator:  $EMULATOR_URL (log: .local/emulator.log)
  GitLab:        $GITLAB_URL (log: .local/gitlab.log); projects demo/shop and demo/api,
                 token glpat-demo-portal-000000000000 (order with it; git push with http://demo:<token>@…)
  Postgres:      127.0.0.1:$PG_PORT, data in $PG_DATA
  Demo customer: customer@demo.portal / Customer#2026!
  Demo operator: operator@demo.portal / Operator#2026!
  Ctrl-C (or kill -TERM $$) stops the portal, the emulator, the stand-in and the local Postgres cluster.

INFO

(cd src/Portal.Web && ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development} \
  Aws__ServiceUrl=${Aws__ServiceUrl:-$EMULATOR_URL} GitLab__Url=${GitLab__Url:-$GITLAB_URL} \
  exec dotnet bin/Debug/net10.0/Portal.Web.dll --urls "$PORTAL_URL") &
portal_pid=$!
# Waiting (rather than running in the foreground) lets the traps stop everything on Ctrl-C or TERM at once.
wait "$portal_pid" || true
