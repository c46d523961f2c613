#!/usr/bin/env bash
# One line per server and one for forkline's processes; exit 0 only when the three
# servers are running (forkline's processes run only after `make demo` or `services.sh start`).
set -uo pipefail
source "$(dirname "$0")/env.sh"
here=$(dirname "$0")
rc=0
"$here/bitcoind.sh" status || rc=3
"$here/postgres.sh" status || rc=3
"$here/kafka.sh" status || rc=3
"$here/services.sh" status || true
exit $rc
