#!/usr/bin/env bash
# Builds the numeric core (assembly/) per asconfig.json: build/<target>.wasm and its .wat text for each
# target named (default: release, relaxed and debug).
set -euo pipefail
cd "$(dirname "$0")/.."
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(release relaxed debug)
for target in "${targets[@]}"; do
  node_modules/.bin/asc --config asconfig.json --target "$target"
done
