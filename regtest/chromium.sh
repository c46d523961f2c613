#!/usr/bin/env bash
# The browser the page's end-to-end spec drives: Debian's own chromium package.
#
#   regtest/chromium.sh install    apt-get install chromium when /usr/bin/chromium is missing
#   regtest/chromium.sh version    e.g. "Chromium 150.0.7871.100 built on Debian ..."
#
# The spec starts it through playwright-core with an executable path; no browser build is
# ever downloaded. apt-get needs root; its output goes to .run/chromium/apt.log.
set -euo pipefail
source "$(dirname "$0")/env.sh"

CHROMIUM=/usr/bin/chromium
APT_DIR="$RUN_DIR/chromium"
APT_LOG="$APT_DIR/apt.log"

cmd_install() {
  if [[ -x $CHROMIUM ]]; then return 0; fi
  ((EUID == 0)) || die "need root to apt-get install chromium (or install Debian's chromium package yourself)"
  mkdir -p "$APT_DIR"
  log "apt-get install chromium (system; log: $APT_LOG)"
  export DEBIAN_FRONTEND=noninteractive
  local wait=-oDPkg::Lock::Timeout=300
  # The package lists may be stale or absent on a fresh machine: update once on failure.
  apt-get install "$wait" -y -q --no-install-recommends chromium >"$APT_LOG" 2>&1 ||
    { apt-get update "$wait" -q >>"$APT_LOG" 2>&1 &&
      apt-get install "$wait" -y -q --no-install-recommends chromium >>"$APT_LOG" 2>&1; } ||
    die "apt-get install chromium failed, see $APT_LOG"
  [[ -x $CHROMIUM ]] || die "chromium installed but $CHROMIUM is missing, see $APT_LOG"
  log "installed $("$CHROMIUM" --version 2>/dev/null | head -1)"
}

cmd_version() {
  [[ -x $CHROMIUM ]] || die "$CHROMIUM is missing: run $0 install"
  "$CHROMIUM" --version
}

case "${1:-}" in
  install) cmd_install ;;
  version) cmd_version ;;
  *) echo "usage: $0 install|version" >&2; exit 2 ;;
esac
