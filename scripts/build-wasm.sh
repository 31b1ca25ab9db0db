#!/usr/bin/env bash
# Builds the numeric core (assembly/) into build/{release,debug}.wasm and their .wat text, per asconfig.json.
set -euo pipefail
cd "$(dirname "$0")/.."
asc=node_modules/.bin/asc
"$asc" --config asconfig.json --target release
"$asc" --config asconfig.json --target debug
