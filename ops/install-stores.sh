#!/usr/bin/env bash
# PostgreSQL and Redis for `make run-cluster` and the cluster tests (tests/test_cluster.py):
# nothing to do when both answer on their usual local ports. Otherwise installs Debian's
# packages (as root) and starts them, with data in their Debian default places, and gives the
# local `postgres` user the password ops/stores.py uses by default.
set -euo pipefail
postgres_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }
postgres_up && redis_up && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "PostgreSQL and Redis are needed on 127.0.0.1:5432 and :6379 (or set DATABASE_URL and" >&2
  echo "REDIS_URL): sudo apt-get install postgresql redis-server" >&2
  exit 1
fi
if ! command -v pg_ctlcluster >/dev/null || ! command -v redis-server >/dev/null; then
  echo "Installing PostgreSQL and Redis (apt-get install postgresql redis-server)..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    postgresql redis-server >/dev/null
fi
if ! postgres_up; then
  version=$(ls /etc/postgresql | sort -n | tail -1)
  pg_ctlcluster "$version" main start
  for _ in $(seq 30); do postgres_up && break; sleep 1; done
  su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'guidance-local'\""
fi
if ! redis_up; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no
  for _ in $(seq 30); do redis_up && break; sleep 1; done
fi
postgres_up && redis_up
