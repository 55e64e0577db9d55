#!/usr/bin/env bash
# One command from a fresh clone to the running demo:
# fixture clusters (127.0.0.1:7101-7104), a GitHub stand-in holding the GitOps
# repository (127.0.0.1:7110), an OCI registry with the images' signatures
# standing in for ghcr.io (127.0.0.1:7120), backend on :7007, app on :3000,
# SQLite in memory, guest sign-in. Ctrl-C stops everything.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/bootstrap.sh"
cd "$ROOT"

yarn fixture-cluster --config "$ROOT/examples/clusters/clusters.yaml" &
FIXTURE_PID=$!
yarn fixture-github --repositories "$ROOT/examples/gitops" --port 7110 &
GITHUB_PID=$!
yarn fixture-registry --dir "$ROOT/examples/registry" --port 7120 &
REGISTRY_PID=$!
trap 'kill $FIXTURE_PID $GITHUB_PID $REGISTRY_PID 2>/dev/null || true' EXIT INT TERM

echo "demo: open http://localhost:3000 and choose 'Enter' as guest"
yarn start
