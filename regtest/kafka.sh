#!/usr/bin/env bash
# KRaft Kafka for the regtest stack: one combined broker+controller by default, or a
# cluster of KAFKA_NODES (e.g. 3) on loopback for the replication and fault tests.
#
#   regtest/kafka.sh install|start|stop|status|version
#
# The broker jars come from Maven Central through regtest/kafka/pom.xml and are
# copied to .run/kafka/libs. One node keeps its config, data, log and pid in .run/kafka;
# node i of a cluster in .run/kafka/node-<i>. Node i listens on 127.0.0.1:KAFKA_PORT+10(i-1)
# (PLAINTEXT) and 127.0.0.1:KAFKA_CONTROLLER_PORT+10(i-1) (KRaft controller). The node
# count in use is kept in .run/kafka/nodes, so later commands need not repeat it.
set -euo pipefail
source "$(dirname "$0")/env.sh"

HERE="$FORKLINE_ROOT/regtest/kafka"
KAFKA_DIR="$RUN_DIR/kafka"
LIBS="$KAFKA_DIR/libs"
CLUSTER_ID_FILE="$KAFKA_DIR/cluster.id"
NODES_FILE="$KAFKA_DIR/nodes"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
NODES="$KAFKA_NODES"
[[ $NODES =~ ^[1-9]$ ]] || { echo "KAFKA_NODES must be 1 to 9 (got '$NODES')" >&2; exit 2; }

# Where node $1 lives and listens.
node_dir() { if ((NODES == 1)); then echo "$KAFKA_DIR"; else echo "$KAFKA_DIR/node-$1"; fi; }
node_port() { echo $((KAFKA_PORT + 10 * ($1 - 1))); }
node_cport() { echo $((KAFKA_CONTROLLER_PORT + 10 * ($1 - 1))); }
props_of() { echo "$(node_dir "$1")/server.properties"; }
pidfile_of() { echo "$(node_dir "$1")/kafka.pid"; }
logfile_of() { echo "$(node_dir "$1")/kafka.log"; }

if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi

usage() { echo "usage: $0 install|start|stop|status|version" >&2; exit 2; }

installed_jar() { compgen -G "$LIBS/kafka_2.13-*.jar" | head -n1 || true; }

# install: copy the broker jars into .run/kafka/libs (no-op when the pom is unchanged).
install() {
  local stamp; stamp=$(sha256sum "$HERE/pom.xml" | cut -d' ' -f1)
  if [[ -f $LIBS/.stamp && $(cat "$LIBS/.stamp") == "$stamp" && -n $(installed_jar) ]]; then
    return 0
  fi
  if [[ -n $(our_pids) ]]; then
    die "regtest/kafka/pom.xml changed while kafka is running: run '$0 stop' first"
  fi
  command -v mvn >/dev/null || die "mvn not found (install Maven)"
  command -v "$JAVA" >/dev/null || die "java not found (install a JDK 17)"
  log "installing Kafka jars into $LIBS"
  mkdir -p "$KAFKA_DIR"
  local tmp="$KAFKA_DIR/libs.tmp"
  rm -rf "$tmp"
  # outputDirectory must be absolute: Maven resolves a relative one against the pom's folder.
  # shellcheck disable=SC2086  # KAFKA_MVN_ARGS is a word list (e.g. -o, -Dmaven.repo.local=...)
  mvn -B -q -Dstyle.color=never -f "$HERE/pom.xml" ${KAFKA_MVN_ARGS:-} dependency:copy-dependencies \
    -DoutputDirectory="$tmp" -DincludeScope=runtime >"$KAFKA_DIR/install.log" 2>&1 \
    || { tail -n 30 "$KAFKA_DIR/install.log" >&2; die "mvn dependency:copy-dependencies failed (see $KAFKA_DIR/install.log)"; }
  compgen -G "$tmp/kafka_2.13-*.jar" >/dev/null || die "no kafka_2.13 jar after mvn"
  echo "$stamp" >"$tmp/.stamp"
  rm -rf "$LIBS"
  mv "$tmp" "$LIBS"
  log "installed $(ls "$LIBS"/*.jar | wc -l) jars (Kafka $(version))"
}

version() {
  local jar; jar=$(installed_jar)
  if [[ -n $jar ]]; then
    jar=$(basename "$jar" .jar); echo "${jar#kafka_2.13-}"
  else
    # not installed yet: the version the pom pins
    sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$HERE/pom.xml"
  fi
}

# run a Kafka command-line class (quiet logging, quick JVM start).
kafka_tool() {
  "$JAVA" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$HERE/tools-log4j.properties" \
    -cp "$LIBS/*" "$@"
}

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# metadata_ok <node>: the broker answers a metadata request (list topics).
metadata_ok() {
  [[ -f $KAFKA_DIR/tools.properties ]] ||
    printf 'request.timeout.ms=10000\ndefault.api.timeout.ms=20000\n' >"$KAFKA_DIR/tools.properties"
  timeout 30 "$JAVA" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$HERE/tools-log4j.properties" -cp "$LIBS/*" \
    org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$(node_port "$1")" --list \
    --command-config "$KAFKA_DIR/tools.properties" >/dev/null
}

# pids of broker JVMs started from our server.properties, of any node (also those whose
# pidfile got lost); our_pids_of <node>: of that node only.
our_pids() { pgrep -f -- "kafka\\.Kafka $KAFKA_DIR/(node-[0-9]/)?server\\.properties\$" || true; }
our_pids_of() { pgrep -f -- "kafka\\.Kafka $(props_of "$1")\$" || true; }

# The nodes the cluster's controllers vote among: 1@host:port,2@host:port,…
voters() {
  local i out=""
  for ((i = 1; i <= NODES; i++)); do out+="${out:+,}$i@127.0.0.1:$(node_cport "$i")"; done
  echo "$out"
}

# write_props <node>. Replicated internal topics and min.insync.replicas 2 from 3 nodes on.
write_props() {
  local i=$1 rf=$((NODES < 3 ? NODES : 3)) isr=$((NODES < 3 ? 1 : 2))
  mkdir -p "$(node_dir "$i")"
  cat >"$(props_of "$i")" <<EOF
# generated by regtest/kafka.sh: edits are overwritten on every start
process.roles=broker,controller
node.id=$i
controller.quorum.voters=$(voters)
listeners=PLAINTEXT://127.0.0.1:$(node_port "$i"),CONTROLLER://127.0.0.1:$(node_cport "$i")
advertised.listeners=PLAINTEXT://127.0.0.1:$(node_port "$i")
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
log.dirs=$(node_dir "$i")/data

num.partitions=6
default.replication.factor=$rf
min.insync.replicas=$isr
unclean.leader.election.enable=false
auto.create.topics.enable=false
delete.topic.enable=true
offsets.topic.replication.factor=$rf
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=$rf
transaction.state.log.min.isr=$isr
transaction.state.log.num.partitions=6
group.initial.rebalance.delay.ms=0

log.retention.ms=-1
log.retention.bytes=-1
log.segment.bytes=67108864
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
EOF
}

format_storage() {
  local i=$1 data; data="$(node_dir "$1")/data"
  [[ -f $data/meta.properties ]] && return 0
  local cid
  if [[ -s $CLUSTER_ID_FILE ]]; then cid=$(cat "$CLUSTER_ID_FILE")
  else
    cid=$(kafka_tool kafka.tools.StorageTool random-uuid | tail -n1) || die "StorageTool random-uuid failed"
    [[ $cid =~ ^[A-Za-z0-9_-]{22}$ ]] || die "StorageTool random-uuid gave '$cid'"
    echo "$cid" >"$CLUSTER_ID_FILE"
  fi
  log "formatting $data (cluster id $cid)"
  mkdir -p "$data"
  kafka_tool kafka.tools.StorageTool format --cluster-id="$cid" --config "$(props_of "$i")" \
    >>"$(node_dir "$i")/format.log" 2>&1 \
    || { tail -n 20 "$(node_dir "$i")/format.log" >&2; die "storage format of node $i failed"; }
}

wait_ready() {
  local i=$1 deadline=$((SECONDS + START_TIMEOUT)) pid port logfile
  pid=$(cat "$(pidfile_of "$i")"); port=$(node_port "$i"); logfile=$(logfile_of "$i")
  # 1) the listener accepts connections
  until port_open "$port"; do
    kill -0 "$pid" 2>/dev/null || { tail -n 30 "$logfile" >&2; die "kafka exited during startup (see $logfile)"; }
    ((SECONDS < deadline)) || die "kafka port $port not open after ${START_TIMEOUT}s (see $logfile)"
    sleep 0.3
  done
  # 2) the broker says it has started (the port is bound before requests are served);
  #    cheap to poll, and saves JVM launches of the probe below
  until grep -q 'Kafka Server started' "$logfile"; do
    kill -0 "$pid" 2>/dev/null || { tail -n 30 "$logfile" >&2; die "kafka exited during startup (see $logfile)"; }
    ((SECONDS < deadline)) || die "kafka not started after ${START_TIMEOUT}s (see $logfile)"
    sleep 0.3
  done
  # 3) a metadata request is answered
  until metadata_ok "$i"; do
    kill -0 "$pid" 2>/dev/null || { tail -n 30 "$logfile" >&2; die "kafka exited during startup (see $logfile)"; }
    ((SECONDS < deadline)) || die "kafka metadata not answering after ${START_TIMEOUT}s (see $logfile)"
    sleep 1
  done
}

# start_node <node>: starts that node's JVM unless it runs already (no waiting).
start_node() {
  local i=$1 pidfile logfile p
  pidfile=$(pidfile_of "$i"); logfile=$(logfile_of "$i")
  if pid_alive "$pidfile"; then return 0; fi
  rm -f "$pidfile"
  for p in "$(node_port "$i")" "$(node_cport "$i")"; do
    ! port_open "$p" || die "port $p is already in use by another process"
  done
  write_props "$i"
  format_storage "$i"
  [[ -f $logfile ]] && mv -f "$logfile" "$logfile.1"
  # A relay batch reaches a broker as one produce request of up to ~2 MB, read into one
  # buffer. G1's regions of a 512 MB heap are 1 MB, and a buffer over half a region is a
  # humongous object: whole regions outside the young generation, counted as old-generation
  # occupancy, which starts the collector's concurrent cycles. With 16 MB regions they are
  # ordinary young objects (the three-broker relay bench: the brokers' CPU per 40,000
  # events fell from 4.8–6.5 to 2.8–3.9 s).
  # Several nodes share this machine's cores: C2, the optimising JIT, then took half of the
  # brokers' CPU over the three-broker relay bench (21 of 45 CPU-s, by thread), compiling
  # still after 150,000 messages. C1 alone compiles at a fraction of the cost, and the
  # brokers' work here is mostly copying: 22 CPU-s over the same bench, 4 of them the JIT.
  local jit=""
  if ((NODES > 1)); then jit="-XX:TieredStopAtLevel=1"; fi
  # shellcheck disable=SC2086  # KAFKA_HEAP_OPTS / KAFKA_JVM_OPTS / jit are word lists
  nohup "$JAVA" $KAFKA_HEAP_OPTS $jit -XX:+UseG1GC -XX:G1HeapRegionSize=16m -XX:MaxGCPauseMillis=20 \
    -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent \
    -Djava.awt.headless=true -Dlog4j.configuration="file:$HERE/log4j.properties" \
    -Dkafka.logs.dir="$(node_dir "$i")" ${KAFKA_JVM_OPTS:-} \
    -cp "$LIBS/*" kafka.Kafka "$(props_of "$i")" >"$logfile" 2>&1 </dev/null &
  echo $! >"$pidfile"
  log "starting Kafka $(version) node $i of $NODES (pid $!), log $logfile"
}

start() {
  install
  # Another layout (a node count other than the one asked for) would hold the ports.
  local running; running=$(cat "$NODES_FILE" 2>/dev/null || echo 1)
  if [[ $running != "$NODES" && -n $(our_pids) ]]; then
    die "Kafka runs with $running node(s), $NODES asked for: stop it first (make down)"
  fi
  mkdir -p "$KAFKA_DIR"
  echo "$NODES" >"$NODES_FILE"
  local i stray t0=$SECONDS
  # Adopt the nodes of ours whose pidfile got lost, then end any other broker of ours.
  for ((i = 1; i <= NODES; i++)); do
    stray=$(our_pids_of "$i" | head -n1)
    if ! pid_alive "$(pidfile_of "$i")" && [[ -n $stray ]]; then echo "$stray" >"$(pidfile_of "$i")"; fi
  done
  stop_orphans
  for ((i = 1; i <= NODES; i++)); do start_node "$i"; done
  # The controllers need a quorum before any broker serves: all are started, then waited for.
  for ((i = 1; i <= NODES; i++)); do wait_ready "$i"; done
  log "running on $(brokers) after $((SECONDS - t0))s"
}

# brokers: the bootstrap list, host:port,host:port,…
brokers() {
  local i out=""
  for ((i = 1; i <= NODES; i++)); do out+="${out:+,}127.0.0.1:$(node_port "$i")"; done
  echo "$out"
}

# stop_orphans: end broker JVMs of ours that no node's pidfile names.
stop_orphans() {
  local pids pid deadline named="" i
  for ((i = 1; i <= NODES; i++)); do
    if pid_alive "$(pidfile_of "$i")"; then named+=" $(cat "$(pidfile_of "$i")")"; fi
  done
  pids=$(for pid in $(our_pids); do [[ " $named " == *" $pid "* ]] || echo "$pid"; done)
  [[ -z $pids ]] && return 0
  log "stopping stray kafka process(es): $(echo $pids)"
  # shellcheck disable=SC2086
  kill -TERM $pids 2>/dev/null || true
  deadline=$((SECONDS + STOP_TIMEOUT))
  for pid in $pids; do
    while kill -0 "$pid" 2>/dev/null; do
      if ((SECONDS >= deadline)); then kill -KILL "$pid" 2>/dev/null || true; fi
      sleep 0.2
    done
  done
}

stop() {
  # All nodes at once: stopped one by one, the last ones lose their controller quorum and
  # hang in their controlled shutdown.
  local i pid pids="" deadline=$((SECONDS + STOP_TIMEOUT))
  for ((i = 1; i <= NODES; i++)); do
    if pid_alive "$(pidfile_of "$i")"; then pids+=" $(cat "$(pidfile_of "$i")")"; fi
  done
  # shellcheck disable=SC2086
  [[ -z $pids ]] || kill -TERM $pids 2>/dev/null || true
  for pid in $pids; do
    while proc_alive "$pid"; do
      if ((SECONDS >= deadline)); then log "kafka pid $pid did not stop in ${STOP_TIMEOUT}s, killing"; kill -KILL "$pid" 2>/dev/null || true; fi
      sleep 0.2
    done
  done
  for ((i = 1; i <= NODES; i++)); do rm -f "$(pidfile_of "$i")"; done
  [[ -z $pids ]] || log "kafka stopped"
  # Whatever else of ours still runs (another layout's) goes too.
  NODES=0 stop_orphans
}

status() {
  local i stray rc=0 pidfile port name
  for ((i = 1; i <= NODES; i++)); do
    pidfile=$(pidfile_of "$i"); port=$(node_port "$i")
    name="kafka"; ((NODES == 1)) || name="kafka node $i"
    stray=$(our_pids_of "$i" | head -n1)
    if ! pid_alive "$pidfile" && [[ -n $stray ]]; then echo "$stray" >"$pidfile"; fi
    if pid_alive "$pidfile"; then
      if port_open "$port"; then
        echo "$name running (pid $(cat "$pidfile"), 127.0.0.1:$port, version $(version))"; continue
      fi
      echo "$name stopped (pid $(cat "$pidfile") alive but 127.0.0.1:$port not answering)"; rc=3
    else
      echo "$name stopped"; rc=3
    fi
  done
  return $rc
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  version) version ;;
  *) usage ;;
esac
