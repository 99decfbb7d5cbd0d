#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine: Chromium for the real-browser test.
# Idempotent: does nothing when it is already there.
set -euo pipefail

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)

if [ ${#need[@]} -gt 0 ]; then
  echo "Installing test dependencies: ${need[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
echo "Test dependencies present: chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}')"
