#!/usr/bin/env bash
# npm test: build the wasm targets and dist/, typecheck, run the AssemblyScript specs (as-pect), then every node:test
# suite through tsx. Node's test-runner summary is the last thing printed; any failure exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-wasm.sh
node scripts/build-dist.mjs     # dist/: what `import 'recur'` resolves to (the README example test uses it)
node_modules/.bin/tsc -p .
node_modules/.bin/asp --config as-pect.config.js
mapfile -t suites < <(find tests -name '*.test.ts' | sort)
# Node 20 runs the relaxed-SIMD core only behind this flag (later Node versions by default, and may not know
# the flag): with it, init() loads the relaxed core, as browsers and workerd do, and the kernel tests cover
# both builds.
flags=()
if node --experimental-wasm-relaxed-simd -e 0 2>/dev/null; then flags=(--experimental-wasm-relaxed-simd); fi
node "${flags[@]}" --import tsx --test --test-concurrency=2 "${suites[@]}"
