#!/usr/bin/env bash
# One command from a fresh clone to the running demo:
# fixture clusters (127.0.0.1:7101-7104), a GitHub stand-in holding the GitOps
# repository (127.0.0.1:7110), an OCI registry with the images' signatures
# standing in for ghcr.io (127.0.0.1:7120), SQLite in memory, guest sign-in.
#
#   scripts/demo.sh        the app as a production bundle, served by the
#                          backend's app plugin: open http://localhost:7007
#                          (built once, rebuilt when the frontend's sources change)
#   scripts/demo.sh --dev  `yarn start`: webpack dev server on :3000 that
#                          reloads on every edit, backend on :7007
#
# The bundle is what a user should see: a full page load shows the tab several
# times sooner than with the development bundle (README, "Demo").
# Ctrl-C stops everything.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/bootstrap.sh"
cd "$ROOT"

MODE=bundle
case "${1:-}" in
  --dev) MODE=dev ;;
  "") ;;
  *) echo "usage: scripts/demo.sh [--dev]" >&2; exit 2 ;;
esac

yarn fixture-cluster --config "$ROOT/examples/clusters/clusters.yaml" &
FIXTURE_PID=$!
yarn fixture-github --repositories "$ROOT/examples/gitops" --port 7110 &
GITHUB_PID=$!
yarn fixture-registry --dir "$ROOT/examples/registry" --port 7120 &
REGISTRY_PID=$!
trap 'kill $FIXTURE_PID $GITHUB_PID $REGISTRY_PID 2>/dev/null || true' EXIT INT TERM

if [[ $MODE == dev ]]; then
  echo "demo: open http://localhost:3000 and choose 'Enter' as guest"
  yarn start
  exit
fi

echo "demo: open http://localhost:7007 and choose 'Enter' as guest"
bash "$ROOT/scripts/serve-bundle.sh"
