#!/usr/bin/env bash
# One line per server; exit 0 only when all three are running.
set -uo pipefail
source "$(dirname "$0")/env.sh"
here=$(dirname "$0")
rc=0
"$here/bitcoind.sh" status || rc=3
"$here/postgres.sh" status || rc=3
"$here/kafka.sh" status || rc=3
exit $rc
