#!/usr/bin/env bash
# One command from a fresh clone to the whole test suite: type check, lint,
# unit and integration tests (SQLite, and PostgreSQL and Redis where this
# machine has them), and the browser test against the running demo.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
set -e
. "$ROOT/scripts/bootstrap.sh"
. "$ROOT/scripts/services.sh"
set +e
cd "$ROOT"

LOG_DIR="$ROOT/node_modules/.cache/test-logs"
mkdir -p "$LOG_DIR"
failed_steps=()
step() {
  local name="$1"; shift
  echo
  echo "=== $name: $*"
  # Each step's time, so that what a step adds to CI can be read off its output.
  local started=$SECONDS
  if "$@" 2>&1 | tee "$LOG_DIR/$name.log"; then
    echo "=== $name: ok ($((SECONDS - started)) s)"
  else
    echo "=== $name: FAILED ($((SECONDS - started)) s)"
    failed_steps+=("$name")
  fi
}

step typecheck yarn tsc
step prettier yarn prettier --check .
step lint yarn lint:all
# The checked-in API reports (report*.api.md, cli-report.md) match the code.
step api-reports yarn build:api-reports --ci
# The replicas test has its own step below: not twice.
step unit env CI=true yarn test --ci --testPathIgnorePatterns 'src/trust/replicas\.test\.ts$'
# Two real backend processes of the demo on one PostgreSQL and one Redis
# (src/trust/replicas.test.ts; ports 27100-27999, several minutes; skipped with a
# printed reason where there is no PostgreSQL or Redis).
step replicas env -C plugins/environment-ladder-backend ENVIRONMENT_LADDER_REPLICAS_TEST=1 CI=true NODE_OPTIONS=--experimental-vm-modules yarn backstage-cli package test --ci --maxWorkers=1 src/trust/replicas
step browser yarn test:e2e
# The benchmark's quick mode: same scenarios, seconds of load, no targets
# enforced; fails only when it cannot measure (own ports: 7407, 7501-7504,
# or free ones when taken).
step bench yarn bench --quick
# Packs the suite and installs it into a new create-app app by following the
# README (own ports: 7207, 7201-7204, 7220; see the script).
step fresh-app ./scripts/fresh-app-test.sh

# One closing line in the plain form, counting test cases across runners.
passed=0; failed=0; skipped=0
read -r p f s < <(node "$ROOT/scripts/count-tests.js" "$LOG_DIR/unit.log" "$LOG_DIR/replicas.log" "$LOG_DIR/browser.log")
passed=$p; failed=$f; skipped=$s
echo
if [ ${#failed_steps[@]} -gt 0 ]; then
  echo "failed steps: ${failed_steps[*]}"
fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ ${#failed_steps[@]} -eq 0 ]
