#!/usr/bin/env bash
# Brings the local stack up (idempotent): PostgreSQL, Kafka and bitcoind, then the
# migrations, then writes .run/stack.env for the services, the tests and the CLI.
set -euo pipefail
source "$(dirname "$0")/env.sh"
here=$(dirname "$0")

# The three servers start in parallel: Kafka's JVM is the slowest.
pids=()
"$here/postgres.sh" start & pids+=($!)
"$here/kafka.sh" start & pids+=($!)
"$here/bitcoind.sh" start & pids+=($!)
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
((failed == 0)) || die "the stack did not come up (see the messages above and the logs under $RUN_DIR)"

"$here/write-stack-env.sh"
set -a; source "$RUN_DIR/stack.env"; set +a
(cd "$FORKLINE_ROOT" && npx tsx regtest/src/migrateMain.ts)
log "stack is up; environment in $RUN_DIR/stack.env"
