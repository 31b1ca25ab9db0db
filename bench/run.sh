#!/usr/bin/env bash
# npm run bench: install the peers (bench/package.json, kept out of recur's own install) when missing or
# stale, build the core, dist/ (W8 imports the package as users do) and the f32x4 peak loops, run every
# bench file once per peer, each in its own node process, for BENCH_ROUNDS rounds (default 2; the peer
# order alternates between rounds so drift of the shared machine does not always favour the same peer),
# then write bench/RESULTS.md and the chart bench/RESULTS.svg.
set -euo pipefail
cd "$(dirname "$0")/.."

# npm keeps a copy of the installed tree's lockfile in node_modules/.package-lock.json; an older copy
# than bench/package-lock.json means the manifest changed since the last install.
installed=bench/node_modules/.package-lock.json
if [[ ! -f $installed || bench/package-lock.json -nt $installed ]]; then
  echo "bench: installing the peers (npm --prefix bench ci)"
  # Under `npm run`, PATH starts with node_modules/.bin, where any dependency may install an `npm` of its own
  # (before package.json's override of glob-promise, @as-pect/cli's pulled in npm 6, which cannot read this
  # lockfile). Use the npm that started the script.
  if [[ -n ${npm_execpath:-} ]]; then npm=("${npm_node_execpath:-node}" "$npm_execpath"); else npm=(npm); fi
  # onnxruntime-node's install script would download GPU binaries (unreachable here; its CPU binary ships in
  # the package): allowScripts in bench/package.json keeps it from running, and the variable below makes
  # the script a no-op under npm versions that ignore allowScripts. brain.js 1.6.1's gpu.js 1.x needs no
  # native addon.
  ONNXRUNTIME_NODE_INSTALL=skip "${npm[@]}" --prefix bench ci --silent --no-audit --no-fund
fi

echo "bench: building the core and dist/"
bash scripts/build-wasm.sh
node scripts/build-dist.mjs
# The peak loops (bench/peak/kernel.ts), bench-only, into the git-ignored bench/build/. Compiled from bench/peak/
# so that asc does not pick up the root asconfig.json (which would compile the core's entry along with it).
mkdir -p bench/build
(cd bench/peak && ../../node_modules/.bin/asc kernel.ts -O3 --noAssert --runtime stub --enable simd -o ../build/peak.wasm \
  && ../../node_modules/.bin/asc kernel.ts -O3 --noAssert --runtime stub --enable simd,relaxed-simd -o ../build/peak-fma.wasm)
# Relaxed SIMD is behind this flag in Node 20 (V8 11.3), on by default in later Nodes (which may no longer
# accept the flag) and in browsers and workerd. Every process gets it, so each library runs as it would in a
# browser: recur loads its relaxed-SIMD core, the peak's FMA loop runs, and any peer that can use relaxed
# SIMD may.
flags=()
if node --experimental-wasm-relaxed-simd -e 0 2>/dev/null; then flags=(--experimental-wasm-relaxed-simd); fi

rounds=${BENCH_ROUNDS:-2}
# BENCH_ONLY=w1 (a file-name prefix) runs only the matching bench files.
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "bench: BENCH_ROUNDS must be a positive integer, got '$rounds'" >&2; exit 2; }
# Every bench file is started once per peer; a file exits at once, printing nothing, for a peer it does not
# measure (W4 and sgemm: recur and tfjs only).
peers=(recur tfjs-cpu tfjs-wasm ort-web ort-node brain)
# The JSON lines of this run, kept (git-ignored) so report.ts can be rerun without measuring again:
#   node --import tsx bench/report.ts bench/results.jsonl <rounds> bench/RESULTS.md
raw=bench/results.jsonl
: >"$raw"
log=$(mktemp)
# Computed once per run and shared by the bench processes (common.ts oncePerRun: W6's and the sgemm grid's f64 references).
BENCH_CACHE=$(mktemp -d)
export BENCH_CACHE
trap 'rm -rf "$log" "$BENCH_CACHE"' EXIT

# (file, peer) pairs whose every case took over 1 s per call in round 1 (tfjs-cpu's and brain.js's slowest):
# measured in round 1 only, to keep `npm run bench` near 15 minutes. Their medians are over ≥ 5 samples.
# Except TensorFlow.js wasm, the peer the training targets are set against (W5, W6: 1–7 s per step): it
# runs every round (~40 s a round), so that its ratios are paired round by round like every other's.
slow=" "

for ((round = 1; round <= rounds; round++)); do
  order=("${peers[@]}")
  if ((round % 2 == 0)); then order=(brain ort-node ort-web tfjs-wasm tfjs-cpu recur); fi
  for file in bench/${BENCH_ONLY:-}*.bench.ts; do
    # W8 times 20 fresh processes per case, interleaved with bare node: a second round would only add samples.
    if [[ $file == */w8-* ]] && ((round > 1)); then continue; fi
    for peer in "${order[@]}"; do
      if [[ $slow == *" $file:$peer "* ]]; then continue; fi
      echo "bench: round $round/$rounds  $(basename "$file" .bench.ts)  $peer"
      # stdout is the JSON result line(s) (none for a peer the file does not measure; sgemm's recur process
      # prints the peak too); stderr (tfjs's banners) is shown only if the process fails.
      if ! out=$(BENCH_ROUND=$round node "${flags[@]}" --import tsx "$file" "$peer" 2>"$log"); then
        cat "$log" >&2
        echo "bench: $file $peer failed" >&2
        exit 1
      fi
      [[ -n $out ]] || continue
      echo "$out" >>"$raw"
      if ((round == 1)) && [[ $peer != tfjs-wasm ]] && node -e 'const rs = process.argv[1].split("\n").map((l) => JSON.parse(l)); process.exit(rs.every((r) => r.rows.length > 0 && r.rows.every((x) => x.ms > 1000)) ? 0 : 1)' "$out"; then
        slow+="$file:$peer "
      fi
    done
  done
done

node --import tsx bench/report.ts "$raw" "$rounds" bench/RESULTS.md
echo "bench: wrote bench/RESULTS.md and bench/RESULTS.svg"
