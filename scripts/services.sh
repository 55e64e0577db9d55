#!/usr/bin/env bash
# What the tests need beyond Node: Debian's Chromium for the browser test, and
# the machine's PostgreSQL and Redis for the database and cache variants.
# Sourced by scripts/test.sh. Nothing here fails the run: a service that cannot
# be had makes its tests skip with a printed reason.

if [ ! -x /usr/bin/chromium ]; then
  echo "services: installing Debian's chromium for the browser test"
  SUDO=""; [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && SUDO="sudo"
  ($SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium) >/dev/null 2>&1 \
    || echo "services: could not install chromium; the browser test will fail"
fi

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if ! port_open 5432 && command -v pg_ctlcluster >/dev/null; then
  echo "services: starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start >/dev/null 2>&1 || true
fi
if ! port_open 6379 && command -v redis-server >/dev/null; then
  echo "services: starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no >/dev/null 2>&1 || true
fi
sleep 1

# No Docker here: Backstage's TestDatabases/TestCaches use these servers instead.
export BACKSTAGE_TEST_DISABLE_DOCKER=1
if port_open 5432; then
  export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-postgresql://postgres@127.0.0.1:5432}"
else
  echo "services: no PostgreSQL on 127.0.0.1:5432 - PostgreSQL variants will be skipped"
fi
if port_open 6379; then
  export BACKSTAGE_TEST_CACHE_REDIS7_CONNECTION_STRING="${BACKSTAGE_TEST_CACHE_REDIS7_CONNECTION_STRING:-redis://127.0.0.1:6379}"
else
  echo "services: no Redis on 127.0.0.1:6379 - Redis variants will be skipped"
fi
