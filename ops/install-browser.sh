#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (browser downloads are not possible offline).
# Installs it with apt when missing and we may; otherwise says what to install.
set -euo pipefail
for candidate in "${CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then exit 0; fi
done
if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  echo "Installing Chromium for the browser tests (apt-get install chromium)..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
cat >&2 <<'MSG'
The browser tests need Chromium. Install it, then run the command again:
  Debian/Ubuntu:  sudo apt-get install chromium
  or point to one: make test CHROMIUM=/path/to/chromium
MSG
exit 1
