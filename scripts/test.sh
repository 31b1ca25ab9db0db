#!/usr/bin/env bash
# npm test: build both wasm targets and dist/, typecheck, run the AssemblyScript specs (as-pect), then every node:test
# suite through tsx. Node's test-runner summary is the last thing printed; any failure exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-wasm.sh
node scripts/build-dist.mjs     # dist/: what `import 'recur'` resolves to (the README example test uses it)
node_modules/.bin/tsc -p .
node_modules/.bin/asp --config as-pect.config.js
mapfile -t suites < <(find tests -name '*.test.ts' | sort)
node --import tsx --test --test-concurrency=2 "${suites[@]}"
