#!/usr/bin/env bash
# npm test: build both wasm targets, typecheck, run the AssemblyScript specs (as-pect), then every node:test
# suite through tsx. Node's test-runner summary is the last thing printed; any failure exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-wasm.sh
node_modules/.bin/tsc -p .
node_modules/.bin/asp --config as-pect.config.js
mapfile -t suites < <(find tests -name '*.test.ts' | sort)
node --import tsx --test --test-concurrency=2 "${suites[@]}"
