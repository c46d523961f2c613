#!/usr/bin/env bash
# PostgreSQL for the local stack: one cluster under .run/postgres holding the
# online, views and trading databases. Usage: postgres.sh install|start|stop|status|version
set -euo pipefail
source "$(dirname "$0")/env.sh"

PG_DIR="$RUN_DIR/postgres"

# As root, initdb and postgres run as the postgres user, who cannot enter a checkout in a
# folder only its owner may enter (under /root, a mktemp -d folder): the cluster then
# lives under the postgres user's home, and .run/postgres links to it.
place_cluster() {
  [[ $(id -u) -eq 0 && ! -L $PG_DIR ]] || return 0
  mkdir -p "$RUN_DIR"
  if runuser -u postgres -- test -d "$RUN_DIR" 2>/dev/null; then return 0; fi
  local home; home="$(getent passwd postgres | cut -d: -f6)/forkline/$(printf %s "$RUN_DIR" | sha256sum | cut -c1-16)"
  [[ -f $PG_DIR/data/PG_VERSION ]] && die "the cluster in $PG_DIR is out of the postgres user's reach; move the checkout or delete $PG_DIR"
  rm -rf "$PG_DIR"
  mkdir -p "$home"
  chown postgres:postgres "$home"
  ln -s "$home" "$PG_DIR"
  log "$RUN_DIR is out of the postgres user's reach: the cluster lives in $home ($PG_DIR links to it)"
}
place_cluster
# Resolved: the server itself must not have to pass through the checkout.
PG_DIR="$(readlink -f "$PG_DIR" 2>/dev/null || echo "$PG_DIR")"
PG_DATA="$PG_DIR/data"
PG_SOCKET_DIR="$PG_DIR/socket"

pg_bindir() {
  local d
  for d in /usr/lib/postgresql/*/bin; do [[ -x $d/initdb ]] && { echo "$d"; return 0; }; done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

# initdb and postgres refuse to run as root: as root, run them as the postgres user.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

install() {
  if pg_bindir >/dev/null; then return 0; fi
  [[ $(id -u) -eq 0 ]] || die "PostgreSQL is not installed; run: sudo apt-get install -y postgresql"
  log "installing PostgreSQL from Debian's packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  # The package starts a system cluster on 5432; ours runs apart on $PG_PORT.
  pg_bindir >/dev/null || die "PostgreSQL install failed"
}

sql() { PGPASSWORD="$PG_PASSWORD" psql -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d postgres -v ON_ERROR_STOP=1 -qAt "$@"; }

ready() { sql -c 'select 1' >/dev/null 2>&1; }

start() {
  install
  local bin; bin=$(pg_bindir)
  if ready; then ensure_databases; return 0; fi
  mkdir -p "$PG_DIR" "$PG_SOCKET_DIR"
  if [[ $(id -u) -eq 0 ]]; then chown postgres:postgres "$PG_DIR" "$PG_SOCKET_DIR"; fi
  if [[ ! -f $PG_DATA/PG_VERSION ]]; then
    log "initialising cluster in $PG_DATA"
    local pwfile="$PG_DIR/.pw"
    printf '%s\n' "$PG_PASSWORD" >"$pwfile"
    if [[ $(id -u) -eq 0 ]]; then chown postgres:postgres "$pwfile"; fi
    as_owner "$bin/initdb" -D "$PG_DATA" -U "$PG_USER" --pwfile="$pwfile" -A scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log"
    rm -f "$pwfile"
  fi
  log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
  # fsync off: the stack is for development and tests, where speed beats durability.
  # pg_stat_statements: the benches profile statements with it.
  as_owner "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_DIR/postgres.log" -w -t 60 start -o \
    "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PG_SOCKET_DIR -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=256MB -c shared_preload_libraries=pg_stat_statements" >/dev/null
  wait_until 60 "PostgreSQL" ready
  ensure_databases
}

ensure_databases() {
  local db
  for db in "$PG_ONLINE_DB" "$PG_VIEWS_DB" "$PG_TRADING_DB"; do
    if [[ -z $(sql -c "select 1 from pg_database where datname = '$db'") ]]; then
      sql -c "create database \"$db\"" && log "created database $db"
    fi
  done
}

stop() {
  [[ -f $PG_DATA/postmaster.pid ]] || return 0
  local bin; bin=$(pg_bindir)
  as_owner "$bin/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null 2>&1 || true
  log "PostgreSQL stopped"
}

# restart fast|immediate: the server restarted under its clients (fault tests); immediate
# is a crash (no checkpoint, recovery from the WAL at start).
restart() {
  local mode=${1:-fast} bin; bin=$(pg_bindir)
  [[ $mode == fast || $mode == immediate ]] || die "restart mode must be fast or immediate (got '$mode')"
  as_owner "$bin/pg_ctl" -D "$PG_DATA" -m "$mode" -w -t 60 stop >/dev/null
  log "PostgreSQL stopped ($mode)"
  start
}

status() {
  if ready; then echo "postgres  running  127.0.0.1:$PG_PORT  $(version)"; else echo "postgres  stopped"; return 3; fi
}

version() { sql -c 'show server_version' | sed 's/^/PostgreSQL /'; }

case "${1:-}" in
  install | start | stop | status | version) "$1" ;;
  restart) restart "${2:-fast}" ;;
  *) echo "usage: $0 install|start|stop|status|version|restart [fast|immediate]" >&2; exit 2 ;;
esac
