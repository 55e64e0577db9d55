#!/usr/bin/env bash
# The app's production bundle served by the backend's app plugin on :7007:
# builds the bundle when it is missing or older than the frontend's sources,
# then starts the backend. Used by scripts/demo.sh and the browser test.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/bootstrap.sh" >/dev/null
cd "$ROOT"

BUILT="$ROOT/packages/app/dist/index.html"
if [[ ! -f $BUILT || -n "$(find "$ROOT/packages/app/src" "$ROOT/plugins" \
    "$ROOT/app-config.yaml" -path '*/node_modules' -prune -o -newer "$BUILT" \
    \( -name '*.ts' -o -name '*.tsx' -o -name '*.yaml' -o -name 'package.json' \) \
    -print -quit)" ]]; then
  echo "serve-bundle: building the app's production bundle (a few minutes, once)"
  yarn workspace app build
fi
# Further arguments (e.g. `--config <file>` of the browser test) go to the backend.
exec yarn workspace backend start \
  --config "$ROOT/app-config.yaml" --config "$ROOT/app-config.demo-bundle.yaml" "$@"
