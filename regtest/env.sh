# Sourced by every regtest script: paths and ports of the local stack.
# Every value can be overridden from the environment; the defaults keep clear of
# the usual system ports (5432, 8332/18443, 9092).
FORKLINE_ROOT="${FORKLINE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
RUN_DIR="${FORKLINE_RUN_DIR:-$FORKLINE_ROOT/.run}"

BITCOIND_RPC_PORT="${BITCOIND_RPC_PORT:-18543}"
BITCOIND_P2P_PORT="${BITCOIND_P2P_PORT:-18544}"
BITCOIND_ZMQ_PORT="${BITCOIND_ZMQ_PORT:-28532}"
BITCOIND_RPC_USER="${BITCOIND_RPC_USER:-forkline}"
BITCOIND_RPC_PASSWORD="${BITCOIND_RPC_PASSWORD:-forkline}"

PG_PORT="${PG_PORT:-25432}"
PG_USER="${PG_USER:-forkline}"
PG_PASSWORD="${PG_PASSWORD:-forkline}"
PG_ONLINE_DB="${PG_ONLINE_DB:-forkline_online}"
PG_VIEWS_DB="${PG_VIEWS_DB:-forkline_views}"
PG_TRADING_DB="${PG_TRADING_DB:-forkline_trading}"

KAFKA_PORT="${KAFKA_PORT:-19192}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19193}"
# Brokers of the local Kafka (make up KAFKA_NODES=3): by default the count last started.
KAFKA_NODES="${KAFKA_NODES:-$(cat "${FORKLINE_RUN_DIR:-$FORKLINE_ROOT/.run}/kafka/nodes" 2>/dev/null || echo 1)}"

BFF_PORT="${BFF_PORT:-28080}"
TRADING_PORT="${TRADING_PORT:-28084}"
# The trading database's relay serves /status and /metrics here.
TRADING_RELAY_METRICS_PORT="${TRADING_RELAY_METRICS_PORT:-28085}"

mkdir -p "$RUN_DIR"

log() { printf '[%s] %s\n' "$(basename "$0" .sh)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# wait_until <seconds> <description> <command...>: poll until the command succeeds.
wait_until() {
  local timeout=$1 what=$2; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then die "$what not ready after ${timeout}s"; fi
    sleep 0.5
  done
}

# proc_alive <pid>: true for a running process. A zombie counts as dead: a killed
# daemon may wait a while for PID 1 to reap it, and kill -0 still succeeds then.
proc_alive() {
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n $state && $state != Z && $state != X ]]
}

# pid_alive <pidfile>: true when the pidfile names a running process.
pid_alive() { [[ -f $1 ]] && proc_alive "$(cat "$1")"; }

# stop_pidfile <pidfile> <name> <seconds>: SIGTERM, wait, then SIGKILL.
stop_pidfile() {
  local pidfile=$1 name=$2 timeout=${3:-30}
  if ! pid_alive "$pidfile"; then rm -f "$pidfile"; return 0; fi
  local pid; pid=$(cat "$pidfile")
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + timeout))
  while proc_alive "$pid"; do
    if ((SECONDS >= deadline)); then log "$name did not stop in ${timeout}s, killing"; kill -KILL "$pid" 2>/dev/null || true; fi
    sleep 0.2
  done
  rm -f "$pidfile"
  log "$name stopped"
}
