#!/usr/bin/env bash
# Create the virtual environment with Python 3.10 (Rasa 3.6 refuses 3.11+) and install the
# pinned dependencies. Usage: ops/make-venv.sh VENV_DIR
set -euo pipefail
venv=${1:-.venv}

find_python() {
  local candidates=("${PYTHON:-}" python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10)
  if command -v pyenv >/dev/null 2>&1; then
    local version
    for version in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.|$)' || true); do
      candidates+=("$(pyenv root)/versions/$version/bin/python3.10")
    done
  fi
  local candidate
  for candidate in "${candidates[@]}"; do
    [ -n "$candidate" ] || continue
    if "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if ! python=$(find_python); then
  cat >&2 <<'MSG'
Python 3.10 was not found. Rasa Open Source 3.6 runs only on Python 3.8-3.10.
Install it, then run the command again, for example:
  Debian/Ubuntu:  apt-get install python3.10 python3.10-venv   (where your release has it)
  pyenv:          pyenv install 3.10.13
  or point to one: make run PYTHON=/path/to/python3.10
MSG
  exit 1
fi

if [ ! -x "$venv/bin/python" ]; then
  echo "Creating $venv with $python"
  "$python" -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-warn-script-location \
  -r requirements/base.txt -c requirements/constraints.txt 2> >(grep -v 'is ignored: it is neither' >&2)
"$venv/bin/pip" check
