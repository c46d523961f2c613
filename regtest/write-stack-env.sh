#!/usr/bin/env bash
# Writes .run/stack.env: shell-sourceable settings of the running stack, read by the
# services, the tests and the CLI. Secrets are generated once and kept.
set -euo pipefail
source "$(dirname "$0")/env.sh"

secret_file="$RUN_DIR/secrets.env"
if [[ ! -f $secret_file ]]; then
  umask 077
  {
    echo "FORKLINE_ADMIN_TOKEN=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    echo "FORKLINE_JWT_SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  } >"$secret_file"
fi
source "$secret_file"

# The brokers of the local cluster; from 3 on, the events topic is replicated as production's.
kafka_brokers=127.0.0.1:$KAFKA_PORT
for ((i = 2; i <= KAFKA_NODES; i++)); do kafka_brokers+=",127.0.0.1:$((KAFKA_PORT + 10 * (i - 1)))"; done
kafka_rf=$((KAFKA_NODES < 3 ? KAFKA_NODES : 3))
kafka_isr=$((KAFKA_NODES < 3 ? 1 : 2))

cat >"$RUN_DIR/stack.env" <<ENV
BITCOIN_NETWORK=regtest
BITCOIND_RPC_URL=http://$BITCOIND_RPC_USER:$BITCOIND_RPC_PASSWORD@127.0.0.1:$BITCOIND_RPC_PORT
BITCOIND_ZMQ_SEQUENCE=tcp://127.0.0.1:$BITCOIND_ZMQ_PORT
BITCOIND_WALLET=forkline
ONLINE_DATABASE_URL=postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_ONLINE_DB
VIEWS_DATABASE_URL=postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_VIEWS_DB
TRADING_DATABASE_URL=postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_TRADING_DB
KAFKA_BROKERS=$kafka_brokers
KAFKA_REPLICATION_FACTOR=$kafka_rf
KAFKA_MIN_INSYNC_REPLICAS=$kafka_isr
BFF_PORT=$BFF_PORT
BFF_URL=http://127.0.0.1:$BFF_PORT
TRADING_PORT=$TRADING_PORT
TRADING_URL=http://127.0.0.1:$TRADING_PORT
TRADING_RELAY_METRICS_PORT=$TRADING_RELAY_METRICS_PORT
FORKLINE_ADMIN_TOKEN=$FORKLINE_ADMIN_TOKEN
FORKLINE_JWT_SECRET=$FORKLINE_JWT_SECRET
ENV
chmod 600 "$RUN_DIR/stack.env"
