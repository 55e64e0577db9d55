#!/usr/bin/env bash
# The API reports, one package per run of repo-tools: in one run the packages share one
# TypeScript program, and the order in which they are analysed changes how unions are
# printed (e.g. the group union of EntityContentBlueprint), so a report could differ from
# one run to the next. Extra arguments (e.g. --ci) are passed on.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
status=0
for package in plugins/environment-ladder plugins/environment-ladder-backend \
  plugins/environment-ladder-common plugins/scaffolder-backend-module-environment-ladder \
  packages/cli; do
  yarn backstage-repo-tools api-reports --allow-all-warnings \
    -o ae-wrong-input-file-type "$@" "$package" || status=1
done
exit $status
