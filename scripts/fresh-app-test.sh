#!/usr/bin/env bash
# Proves that the suite installs into a new Backstage app as the README says:
#   1. builds and packs every publishable package (`yarn pack`, which turns
#      workspace:^ into real ranges) and checks each tarball ships only built
#      entry points;
#   2. serves the tarballs from a local registry for the @environment-ladder
#      scope only (everything else comes from the npm registry, as for a user);
#   3. creates an app with @backstage/create-app (pinned to the release line the
#      suite targets) and installs it;
#   4. applies the install steps marked in README.md (scripts/fresh-app/apply-readme.js);
#   5. runs the app's `yarn tsc` and builds the app;
#   6. starts the backend (which serves the built app) against the fixture
#      clusters and checks in Chromium that the Environments tab and the
#      scaffolder action are there (scripts/fresh-app/check-app.js);
#   7. runs `environment-ladder inspect` from an npm install of @environment-ladder/cli
#      with production dependencies only.
# Ports (not the demo's, so that it runs next to a running demo): registry 7220,
# backend 7207, fixture clusters 7201-7204. The install steps need the npm registry.
#
# Usage: scripts/fresh-app-test.sh [work folder, default: a new folder in /tmp]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/bootstrap.sh" >/dev/null
cd "$ROOT"

CREATE_APP_VERSION=0.9.2
REGISTRY_PORT=7220
BACKEND_PORT=7207
CLUSTER_PORT_OFFSET=100
WORK="${1:-$(mktemp -d /tmp/environment-ladder-fresh-app.XXXXXX)}"
mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"
PACKS="$WORK/packs"
APP="$WORK/app"
PACKAGES=(
  plugins/environment-ladder-common
  plugins/environment-ladder
  plugins/environment-ladder-backend
  plugins/scaffolder-backend-module-environment-ladder
  packages/cli
)

# Each background job runs in a session of its own (setsid), so that cleanup stops
# its whole process group: `yarn start` leaves backstage-cli and the backend's node
# behind when only yarn is killed, and a backend left on the port fails the next run.
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

START=$(date +%s)
LAST=$START
timing() {
  local now; now=$(date +%s)
  echo "=== fresh-app: $1 took $((now - LAST)) s (total $((now - START)) s)"
  LAST=$now
}

echo "=== fresh-app: work folder $WORK"

# 1. Build and pack. The type declarations come from the repository's `yarn tsc`
# (dist-types), as for every Backstage package build.
# FRESH_APP_REUSE_PACKS=1 reuses the tarballs of an earlier run in the same folder.
if [ "${FRESH_APP_REUSE_PACKS:-}" != 1 ] || ! ls "$PACKS"/*.tgz >/dev/null 2>&1; then
  yarn tsc
  for dir in "${PACKAGES[@]}"; do
    (cd "$dir" && yarn build)
  done
  timing "build"
  rm -rf "$PACKS" && mkdir -p "$PACKS"
  for dir in "${PACKAGES[@]}"; do
    (cd "$dir" && yarn pack --out "$PACKS/%s-%v.tgz" >/dev/null)
  done
fi
node scripts/fresh-app/check-tarballs.js "$PACKS"
timing "pack"

# 2. The registry for the @environment-ladder scope.
setsid node scripts/fresh-app/registry.js "$PACKS" "$REGISTRY_PORT" &
pids+=($!)
for _ in $(seq 1 50); do
  curl -sf "http://127.0.0.1:$REGISTRY_PORT/@environment-ladder/cli" >/dev/null && break
  sleep 0.2
done

# 3. A new app. create-app cannot fetch its yarn.lock seed from GitHub here, so
# the seed it would have used is scripts/fresh-app/seed-yarn.lock (recorded from
# a first good install). backend-defaults is raised to ^0.19.0: with 0.18 the
# newest plugin-signals-backend crashes at start-up (TOOLCHAIN.md).
rm -rf "$APP"
(cd "$WORK" && BACKSTAGE_APP_NAME=fresh-app npx -y "@backstage/create-app@$CREATE_APP_VERSION" --skip-install --path app)
cp scripts/fresh-app/seed-yarn.lock "$APP/yarn.lock"
sed -i 's#"@backstage/backend-defaults": "^0.18.0"#"@backstage/backend-defaults": "^0.19.0"#' "$APP/packages/backend/package.json"
cat >> "$APP/.yarnrc.yml" <<YAML
npmScopes:
  environment-ladder:
    npmRegistryServer: "http://127.0.0.1:$REGISTRY_PORT"
unsafeHttpWhitelist:
  - 127.0.0.1
YAML
(cd "$APP" && yarn install)
timing "create-app and install"

# 4. The README's install steps.
node scripts/fresh-app/apply-readme.js README.md "$APP"
timing "README install steps"

# 5. Type check and build, as the app's own scripts do.
(cd "$APP" && yarn tsc && yarn workspace app build)
timing "tsc and app build"

# 6. The backend against the fixture clusters, and the browser check.
node scripts/fresh-app/app-config.js "$ROOT" "$APP" "$BACKEND_PORT" "$CLUSTER_PORT_OFFSET"
# --no-gitops: this app has no GitHub stand-in; the demo's, if one runs, is not its to follow.
setsid yarn fixture-cluster --port-offset "$CLUSTER_PORT_OFFSET" --no-gitops >"$WORK/fixture-cluster.log" 2>&1 &
pids+=($!)
setsid bash -c 'cd "$1" && exec yarn start' bash "$APP/packages/backend" >"$WORK/backend.log" 2>&1 &
pids+=($!)
if ! node scripts/fresh-app/check-app.js "http://localhost:$BACKEND_PORT"; then
  echo "--- backend log (last 80 lines)"; tail -n 80 "$WORK/backend.log"
  exit 1
fi
timing "backend start and browser check"

# 7. The CLI from an install with production dependencies only.
mkdir -p "$WORK/cli"
echo "@environment-ladder:registry=http://127.0.0.1:$REGISTRY_PORT/" >"$WORK/cli/.npmrc"
(cd "$WORK/cli" && npm init -y >/dev/null && npm install --omit=dev --no-audit --no-fund @environment-ladder/cli >/dev/null)
(cd "$WORK/cli" && npx --no-install environment-ladder inspect "$ROOT/examples/clusters/prod") >"$WORK/inspect.json"
node -e '
  const out = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const payments = out.rollouts.find(r => r.name === "payments");
  if (!payments || payments.step !== "3/8") throw new Error("inspect did not read the payments rollout");
  console.log("ok: npx environment-ladder inspect, installed with production dependencies only, read " + out.rollouts.length + " rollouts");
' "$WORK/inspect.json"
timing "CLI from npm install --omit=dev"

echo "=== fresh-app: passed in $(( $(date +%s) - START )) s"
