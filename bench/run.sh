#!/usr/bin/env bash
# npm run bench: install the peers (bench/package.json, kept out of recur's own install) when missing or
# stale, build the core, run every bench file once per peer, each in its own node process, for
# BENCH_ROUNDS rounds (default 2; the peer order alternates between rounds so drift of the shared
# machine does not always favour the same peer), then write bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."

# npm keeps a copy of the installed tree's lockfile in node_modules/.package-lock.json; an older copy
# than bench/package-lock.json means the manifest changed since the last install.
installed=bench/node_modules/.package-lock.json
if [[ ! -f $installed || bench/package-lock.json -nt $installed ]]; then
  echo "bench: installing the peers (npm --prefix bench ci)"
  # Under `npm run`, PATH starts with node_modules/.bin, which holds the npm 6 that @as-pect/cli pulls in
  # (via npm-install-peers); it cannot read this lockfile. Use the npm that started the script.
  if [[ -n ${npm_execpath:-} ]]; then npm=("${npm_node_execpath:-node}" "$npm_execpath"); else npm=(npm); fi
  "${npm[@]}" --prefix bench ci --silent --no-audit --no-fund
fi

echo "bench: building the core"
bash scripts/build-wasm.sh

rounds=${BENCH_ROUNDS:-2}
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "bench: BENCH_ROUNDS must be a positive integer, got '$rounds'" >&2; exit 2; }
peers=(recur tfjs-cpu tfjs-wasm)
raw=$(mktemp)
log=$(mktemp)
trap 'rm -f "$raw" "$log"' EXIT

for ((round = 1; round <= rounds; round++)); do
  order=("${peers[@]}")
  if ((round % 2 == 0)); then order=(tfjs-wasm tfjs-cpu recur); fi
  for file in bench/*.bench.ts; do
    for peer in "${order[@]}"; do
      echo "bench: round $round/$rounds  $(basename "$file" .bench.ts)  $peer"
      # stdout is the one JSON result line; stderr (tfjs's banners) is shown only if the process fails.
      if ! node --import tsx "$file" "$peer" >>"$raw" 2>"$log"; then
        cat "$log" >&2
        echo "bench: $file $peer failed" >&2
        exit 1
      fi
    done
  done
done

node --import tsx bench/report.ts "$raw" "$rounds" bench/RESULTS.md
echo "bench: wrote bench/RESULTS.md"
