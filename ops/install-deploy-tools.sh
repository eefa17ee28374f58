#!/usr/bin/env bash
# tests/test_deploy.py checks the single-server files with Debian's own tools: nginx -t and
# logrotate -d (and systemd-analyze verify where systemd is already installed: it is never
# installed here, it would take over the machine's init). Installs nginx and logrotate with apt
# when missing and we may; otherwise says what to install.
set -euo pipefail
missing=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v logrotate >/dev/null || [ -x /usr/sbin/logrotate ] || missing+=(logrotate)
[ ${#missing[@]} -eq 0 ] && exit 0
if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  echo "Installing ${missing[*]} for the deployment tests (apt-get install)..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi
cat >&2 <<MSG
The deployment tests need ${missing[*]}. Install them, then run the command again:
  Debian/Ubuntu:  sudo apt-get install ${missing[*]}
MSG
exit 1
