#!/usr/bin/env bash
# Stops everything the stack started, newest first; leaves the data under .run/.
set -uo pipefail
source "$(dirname "$0")/env.sh"
here=$(dirname "$0")
"$here/services.sh" stop
"$here/bitcoind.sh" stop
"$here/kafka.sh" stop
"$here/postgres.sh" stop
