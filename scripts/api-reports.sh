#!/usr/bin/env bash
# The API reports (report*.api.md, cli-report.md), one package per run of repo-tools.
# With --ci the checked-in reports must match the code. TypeScript prints the members of
# some unions in the order it met their types (e.g. the `group` param of catalog-react's
# EntityContentBlueprint in the frontend's alpha report), and that order changes with the
# order in which the file system lists files: a fresh clone can print another order than
# the checkout that wrote the report. So --ci compares the reports with the members of
# string-literal unions sorted (one per line, or several on one line); any other
# difference fails.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PACKAGES=(plugins/environment-ladder plugins/environment-ladder-backend
  plugins/environment-ladder-common plugins/scaffolder-backend-module-environment-ladder
  packages/cli)
ci=false
args=()
for arg in "$@"; do
  if [ "$arg" = --ci ]; then ci=true; else args+=("$arg"); fi
done
reports() { find "${PACKAGES[@]}" -maxdepth 1 \( -name 'report*.api.md' -o -name 'cli-report.md' \); }

if $ci; then
  kept=$(mktemp -d)
  reports | while read -r file; do mkdir -p "$kept/$(dirname "$file")"; cp "$file" "$kept/$file"; done
fi
for package in "${PACKAGES[@]}"; do
  yarn backstage-repo-tools api-reports --allow-all-warnings \
    -o ae-wrong-input-file-type ${args[@]+"${args[@]}"} "$package"
done
$ci || exit 0

status=0
normalise='
  const lines = require("fs").readFileSync(0, "utf8").split("\n");
  const out = [];
  for (let i = 0; i < lines.length; ) {
    const run = [];
    while (i < lines.length && /^\s*\| \x27[^\x27]*\x27$/.test(lines[i])) run.push(lines[i++]);
    if (run.length) out.push(...run.sort());
    else out.push(lines[i++].replace(/\x27[^\x27]*\x27(?: \| \x27[^\x27]*\x27)+/g,
      union => union.split(" | ").sort().join(" | ")));
  }
  process.stdout.write(out.join("\n"));'
while read -r file; do
  if [ ! -f "$kept/$file" ] || ! diff -u <(node -e "$normalise" < "$kept/$file") \
      <(node -e "$normalise" < "$file") > /dev/null; then
    echo "api-reports: $file does not match the code; run yarn build:api-reports and commit it"
    diff -u "$kept/$file" "$file" || true
    status=1
  fi
  cp "$kept/$file" "$file"
done < <(reports)
exit $status
