#!/usr/bin/env bash
# The runtime tests (after `npm run build`; npm test builds dist/ too): type-check the examples, then run
# tests/runtimes/*.test.mjs one file at a time (two of them drive Chromium, and a timing check should not
# share the 2 cores): the package installed from its tarball (Node, Chromium, workerd, CLI, types), the
# browser example in headless Chromium, the example Worker in workerd. Needs /usr/bin/chromium
# (apt-get install -y chromium). Ends with "runtimes: N passed, M failed"; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
[ -f dist/core.wasm ] || { echo "dist/ is missing: run npm run build first"; exit 1; }
status=0
for example in browser worker; do node_modules/.bin/tsc -p "examples/$example/tsconfig.json" || { echo "examples/$example: type errors"; status=1; }; done
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# Chromium and workerd run recur's relaxed-SIMD core; Node 20 does only with this flag (see scripts/test.sh),
# which the tests compare them with.
flags=()
if node --experimental-wasm-relaxed-simd -e 0 2>/dev/null; then flags=(--experimental-wasm-relaxed-simd); fi
# Arguments pick suites by name (package, browser, worker: npm run test:package etc.); default all.
suites=()
for name in "$@"; do suites+=("tests/runtimes/$name.test.mjs"); done
[ ${#suites[@]} -gt 0 ] || suites=(tests/runtimes/*.test.mjs)
node "${flags[@]}" --test --test-concurrency=1 --test-reporter=spec "${suites[@]}" 2>&1 | tee "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
passed=$(sed -n 's/^ℹ pass \([0-9]*\)$/\1/p' "$log" | tail -1)
failed=$(sed -n 's/^ℹ fail \([0-9]*\)$/\1/p' "$log" | tail -1)
[ -n "$passed" ] && [ -n "$failed" ] || { passed=${passed:-0}; failed=${failed:-?}; status=1; }
[ "$failed" = 0 ] || status=1
echo "runtimes: ${passed} passed, ${failed} failed"
exit "$status"
