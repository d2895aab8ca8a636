#!/usr/bin/env bash
# One place for running a local, throwaway-or-dev Postgres cluster with the machine's initdb/pg_ctl.
#   scripts/postgres.sh ensure                      install Debian's postgresql when initdb/pg_ctl are missing
#   scripts/postgres.sh start DATADIR PORT [--fast] initdb when empty, start on 127.0.0.1:PORT, wait until ready
#   scripts/postgres.sh stop DATADIR                stop the cluster (no-op when not running)
# --fast turns off fsync and synchronous commit: for test clusters only, never for data you keep.
# As root the cluster runs as the postgres system user, so DATADIR and every folder above it must be reachable by that
# user (root's home and `mktemp -d` folders are mode 700: use /var/tmp, as scripts/run.sh does).
set -euo pipefail

find_bin_dir() {
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v pg_ctl)")"
    return 0
  fi
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [[ -x "$dir/pg_ctl" && -x "$dir/initdb" ]]; then echo "$dir"; return 0; fi
  done
  return 1
}

ensure_installed() {
  if find_bin_dir >/dev/null; then return 0; fi
  echo "postgres.sh: initdb/pg_ctl not found; installing Debian's postgresql" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Installing must not leave the distribution's own cluster running on 5432.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  apt-get install -y -qq postgresql >/dev/null
  rm -f /usr/sbin/policy-rc.d
  find_bin_dir >/dev/null || { echo "postgres.sh: postgresql installed but pg_ctl still not found" >&2; exit 1; }
}

ensure_postgres_user() {
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
}

# Postgres refuses to run as root: run its binaries as the postgres system user then, from / (the caller's working
# directory may be one that user cannot enter, and initdb and pg_ctl stop on that).
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    ensure_postgres_user
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# As root: refuse, with the reason, a data directory the postgres user cannot reach, before initdb fails obscurely.
require_reachable_by_owner() {
  local datadir=$1 parent
  parent=$(dirname "$datadir")
  [[ $(id -u) -eq 0 ]] || return 0
  if ! (cd / && runuser -u postgres -- test -x "$parent"); then
    echo "postgres.sh: the postgres user cannot reach $parent (a folder above it is not searchable by others," \
         "e.g. root's home or a mktemp -d folder). Put the data directory elsewhere, e.g. under /var/tmp." >&2
    exit 1
  fi
}

start_cluster() {
  local datadir=$1 port=$2 fast=${3:-}
  local bin; bin=$(find_bin_dir)
  mkdir -p "$datadir"
  datadir=$(cd "$datadir" && pwd)
  if [[ $(id -u) -eq 0 ]]; then
    ensure_postgres_user
    require_reachable_by_owner "$datadir"
    chown postgres "$datadir"
    chmod 700 "$datadir"
  fi
  if [[ ! -f "$datadir/PG_VERSION" ]]; then
    as_owner "$bin/initdb" -D "$datadir" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null
  fi
  local options="-c listen_addresses=127.0.0.1 -p $port -k $datadir -c max_connections=300"
  [[ "$fast" == "--fast" ]] && options+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  as_owner "$bin/pg_ctl" -D "$datadir" -o "$options" -l "$datadir/server.log" -w -t 60 start >/dev/null \
    || { echo "postgres.sh: the cluster did not start; its log:" >&2; tail -20 "$datadir/server.log" >&2; exit 1; }
}

stop_cluster() {
  local datadir=$1
  [[ -f "$datadir/postmaster.pid" ]] || return 0
  local bin; bin=$(find_bin_dir)
  as_owner "$bin/pg_ctl" -D "$datadir" -m fast -w stop >/dev/null 2>&1 || true
}

case "${1:-}" in
  ensure) ensure_installed ;;
  start)  [[ $# -ge 3 ]] || { echo "usage: $0 start DATADIR PORT [--fast]" >&2; exit 2; }; ensure_installed; start_cluster "$2" "$3" "${4:-}" ;;
  stop)   [[ $# -ge 2 ]] || { echo "usage: $0 stop DATADIR" >&2; exit 2; }; stop_cluster "$2" ;;
  *) echo "usage: $0 ensure | start DATADIR PORT [--fast] | stop DATADIR" >&2; exit 2 ;;
esac
