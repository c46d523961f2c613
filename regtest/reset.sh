#!/usr/bin/env bash
# Stops the stack and deletes its state: the regtest chain and wallets, both databases,
# the Kafka topics. Downloads, secrets and logs stay; the next `up` starts from nothing.
# Regtest's block reward halves every 150 blocks, so a chain mined for long enough no
# longer funds its wallet: this is the way out.
set -euo pipefail
source "$(dirname "$0")/env.sh"
"$(dirname "$0")/down.sh"
rm -rf "$RUN_DIR/bitcoind/data" "$RUN_DIR/postgres/data" \
  "$RUN_DIR/kafka/data" "$RUN_DIR"/kafka/node-*/data "$RUN_DIR/kafka/cluster.id"
echo "[reset] chain, wallets, databases and topics deleted under $RUN_DIR; \`make up\` starts afresh"
