#!/usr/bin/env bash
# forkline's own processes (crawler, relay, projector, bff, trading, trading-relay) in the background, under
# `forkline run` (which restarts one that crashes). Usage: services.sh start|stop|status
set -euo pipefail
source "$(dirname "$0")/env.sh"

PIDFILE="$RUN_DIR/forkline.pid"
LOGFILE="$RUN_DIR/forkline.log"
STAMPFILE="$RUN_DIR/forkline.code"

healthy() {
  set -a; source "$RUN_DIR/stack.env"; set +a
  curl -fsS -m 2 "$BFF_URL/readyz" >/dev/null 2>&1
}

# What the running processes were started from: the commit and any uncommitted change.
# Processes of older code against a database migrated for newer code fail in odd ways.
code_stamp() {
  (cd "$FORKLINE_ROOT" && { git rev-parse HEAD && git diff HEAD; } 2>/dev/null | cksum) || true
}

start() {
  [[ -f $RUN_DIR/stack.env ]] || die "the stack is not up: run make up first"
  if pid_alive "$PIDFILE"; then
    if [[ "$(cat "$STAMPFILE" 2>/dev/null)" == "$(code_stamp)" ]]; then
      wait_until 60 "the BFF" healthy
      return 0
    fi
    log "the code changed since forkline's processes started: restarting them"
    stop
  fi
  code_stamp >"$STAMPFILE"
  log "starting crawler, relay, projector, bff, trading and trading-relay (log: $LOGFILE)"
  (
    cd "$FORKLINE_ROOT"
    set -a; source "$RUN_DIR/stack.env"; set +a
    # setsid: the supervisor and its children outlive this shell, in their own group.
    setsid nohup node regtest/bin/forkline.mjs run >>"$LOGFILE" 2>&1 </dev/null &
    echo $! >"$PIDFILE"
  )
  wait_until 90 "the BFF" healthy
  log "forkline is running; BFF at $(grep '^BFF_URL=' "$RUN_DIR/stack.env" | cut -d= -f2)"
}

stop() {
  # SIGTERM to the supervisor stops its children gracefully before it exits.
  stop_pidfile "$PIDFILE" "forkline processes" 30
}

status() {
  if pid_alive "$PIDFILE" && healthy; then
    echo "forkline  running  pid $(cat "$PIDFILE"), log $LOGFILE"
  elif pid_alive "$PIDFILE"; then
    echo "forkline  starting or unhealthy  pid $(cat "$PIDFILE"), log $LOGFILE"
  else
    echo "forkline  stopped"; return 3
  fi
}

case "${1:-}" in
  start | stop | status) "$1" ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
