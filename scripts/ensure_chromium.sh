#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (never a downloaded Playwright build): install the
# package when /usr/bin/chromium is missing. Needs root (or sudo) on a Debian/Ubuntu machine.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
echo "== installing Debian's chromium for the browser tests"
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium
