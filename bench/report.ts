// Assembles bench/RESULTS.md, and next to it the chart RESULTS.svg, from the JSON lines the bench processes
// printed (bench/run.sh collects them).
//
//   node --import tsx bench/report.ts <results.jsonl> <rounds> <RESULTS.md>
//
// With several rounds a (bench, peer, case) was measured several times, in separate processes; the report
// keeps the fastest round's median, because load from other tenants of this shared machine only ever
// slows a run down. Ratios compare recur and a peer from the same invocation of `npm run bench`. The
// fastest rounds of two libraries may fall in different moments of the run, so the report also pairs
// them round by round (recur and the peer ran minutes apart in each): the median and range of those ratios.

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { PEERS, median, quantile, type HeadToHead, type Peer, type Report, type Row } from './common.ts';
import { PEAK_BENCH, PEAK_CASES } from './peak/index.ts';

const [inputPath, rounds, outputPath] = process.argv.slice(2);
if (!inputPath || !rounds || !outputPath) {
  console.error('usage: node --import tsx bench/report.ts <results.jsonl> <rounds> <RESULTS.md>');
  process.exit(2);
}

const reports = readFileSync(inputPath, 'utf8').split('\n').filter((line) => line.startsWith('{'))
  .map((line) => JSON.parse(line) as Report);

interface Bench {
  name: string;
  itemName?: string;
  unit: 'ms' | 'µs';
  info: Map<Peer, string>;
  best: Map<string, Row>;
  /** peer\0case → round → that round's row (reports that carry a round). */
  byRound: Map<string, Map<number, Row>>;
  /** peer\0case → why that peer was not measured. */
  skipped: Map<string, string>;
  /** peer\0case → its head-to-head measurements against recur, one per round (Row.headToHead). */
  headToHead: Map<string, HeadToHead[]>;
  /** Cases in the order they were first reported. */
  cases: string[];
}
const benches = new Map<string, Bench>();
for (const r of reports) {
  let b = benches.get(r.bench);
  if (!b) benches.set(r.bench, b = { name: r.bench, itemName: r.itemName, unit: r.unit ?? 'ms', info: new Map(), best: new Map(), byRound: new Map(), skipped: new Map(), headToHead: new Map(), cases: [] });
  b.info.set(r.peer, r.info);
  const addCase = (c: string): void => { if (!b.cases.includes(c)) b.cases.push(c); };
  for (const row of r.rows) {
    addCase(row.case);
    const key = `${r.peer}\u0000${row.case}`;
    const held = b.best.get(key);
    if (!held || row.ms < held.ms) b.best.set(key, row);
    if (row.headToHead) b.headToHead.set(key, [...b.headToHead.get(key) ?? [], row.headToHead]);
    if (r.round !== undefined) {
      let rounds = b.byRound.get(key);
      if (!rounds) b.byRound.set(key, rounds = new Map());
      rounds.set(r.round, row);
    }
  }
  for (const s of r.skipped ?? []) {
    addCase(s.case);
    b.skipped.set(`${r.peer}\u0000${s.case}`, s.reason);
  }
}

const gflops = (row: Row): number => row.flop / row.ms / 1e6;
/** GFLOP/s to show; '—' for rows that count no FLOPs (W8's start-up times). */
const gflopsCell = (row: Row): string => (row.flop > 0 ? gflops(row).toFixed(2) : '—');
const fixed = (x: number, digits: number): string => x.toFixed(digits);
const ms = (x: number): string => (x < 0.1 ? x.toFixed(4) : x < 10 ? x.toFixed(3) : x.toFixed(1));
/** "12.3× faster" when recur takes less time than the peer, "1.5× slower" otherwise. */
function versus(recur: Row, peer: Row): string {
  const r = peer.ms / recur.ms;
  return r >= 1 ? `${fixed(r, r < 10 ? 2 : 1)}× faster` : `${fixed(1 / r, 1 / r < 10 ? 2 : 1)}× slower`;
}

function cpuModel(): string {
  const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
  return line ? line.slice(line.indexOf(':') + 1).trim() : 'unknown';
}

function commit(): string {
  try {
    const hash = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim();
    return dirty ? `${hash} + uncommitted changes` : hash;
  } catch {
    return 'unknown';
  }
}

/**
 * The run's f32x4 mul + add peak in GFLOP/s (its fastest round, as for every row), the denominator of the
 * workloads' "% of peak". Those rows ran in other processes at other moments of the run; sgemm's rows carry
 * a peak measured next to them instead (Row.peakGflops).
 */
const peakRow = benches.get(PEAK_BENCH)?.best.get(`recur\u0000${PEAK_CASES.mulAdd}`);
const runPeak = peakRow ? gflops(peakRow) : undefined;
const fmaRow = benches.get(PEAK_BENCH)?.best.get(`recur\u0000${PEAK_CASES.fma}`);
const fmaPeak = fmaRow ? gflops(fmaRow) : undefined;
/**
 * The peak a workload row is measured against: recur's relaxed-SIMD core fuses its multiply-adds, so its
 * rows are over the fused loop's peak; every other row (and a plain recur core) over the mul + add loop's.
 */
const peakOf = (b: Bench, peer: Peer): number | undefined =>
  (peer === 'recur' && b.info.get('recur')?.includes('relaxed-SIMD') ? fmaPeak : runPeak);
const percent = (part: number, whole: number | undefined): string => (whole ? `${fixed(100 * part / whole, 0)}%` : '—');

/** The standard workloads: per case, one row per peer, with recur's ratio to each peer. */
function perPeerTables(b: Bench): string[] {
  const lines: string[] = [];
  const unit = b.unit;
  // Columns that would be all '—' are left out (W8 counts neither items nor FLOPs).
  const withItems = [...b.best.values()].some((row) => row.items !== undefined);
  const withFlop = [...b.best.values()].some((row) => row.flop > 0);
  const withPeak = runPeak !== undefined && withFlop;
  const optional = (show: boolean, cell: string): string => (show ? ` ${cell} |` : '');
  const scale = unit === 'µs' ? 1e3 : 1;
  const time = (x: number): string => (unit === 'µs' ? (x * scale).toFixed(x * scale < 10 ? 2 : 1) : ms(x));
  for (const caseName of b.cases) {
    const recur = b.best.get(`recur\u0000${caseName}`);
    lines.push(
      `Case: ${caseName}.`, '',
      `| peer | ${unit}${withItems || withFlop ? '/call' : ''} (median) |${optional(withItems, `${b.itemName ?? 'items'}/s`)}${optional(withFlop, 'GFLOP/s')}${optional(withPeak, '% of peak')} spread | samples | checked against (max abs err) | recur vs peer |`,
      `|---|---:|${optional(withItems, '---:')}${optional(withFlop, '---:')}${optional(withPeak, '---:')}---:|---:|---|---|`,
    );
    for (const peer of PEERS) {
      const key = `${peer}\u0000${caseName}`;
      const row = b.best.get(key);
      const reason = b.skipped.get(key);
      if (!row) {
        if (reason) lines.push(`| ${peer} | — |${optional(withItems, '—')}${optional(withFlop, '—')}${optional(withPeak, '—')} — | — | — | not measured: ${reason} |`);
        continue;
      }
      const throughput = row.items === undefined ? '—' : fixed(row.items / row.ms * 1e3, 0);
      const ratio = peer === 'recur' || !recur ? '—' : `recur is **${versus(recur, row)}** than ${peer}`;
      // maxErr is NaN (null in JSON) when there was no reference to compare with.
      const err = Number.isFinite(row.maxErr) ? ` (${row.maxErr.toExponential(1)})` : '';
      const ofPeak = row.flop > 0 ? percent(gflops(row), peakOf(b, peer)) : '—';
      lines.push(`| ${peer} | ${time(row.ms)} |${optional(withItems, throughput)}${optional(withFlop, gflopsCell(row))}${optional(withPeak, ofPeak)} ${fixed(row.spread * 100, 0)}% | ${row.samples} | ${row.check ?? 'f64 reference'}${err} | ${ratio} |`);
    }
    lines.push('');
  }
  return lines.slice(0, -1);
}

/** Many cases: one row per case, GFLOP/s per peer, then recur's ratio to each peer. */
function perCaseTable(b: Bench): string[] {
  const cases = [...new Set([...b.best.keys()].map((k) => k.split('\u0000')[1]))];
  const peers = PEERS.filter((p) => cases.some((c) => b.best.has(`${p}\u0000${c}`)));
  const others = peers.filter((p) => p !== 'recur');
  const withPeak = cases.some((c) => b.best.get(`recur\u0000${c}`)?.peakGflops !== undefined);
  const peakColumn = (cell: string): string[] => (withPeak ? [cell] : []);
  const tableRow = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  const lines = [
    tableRow(['case (op M×N×K)', 'recur ms', ...peers.map((p) => `${p} GFLOP/s`), ...peakColumn('recur % of peak'), ...others.map((p) => `recur vs ${p}`)]),
    `|${['---', '---:', ...peers.map(() => '---:'), ...peakColumn('---:'), ...others.map(() => '---')].join('|')}|`,
  ];
  const logRatios = new Map<Peer, number[]>(others.map((p) => [p, []]));
  for (const c of cases) {
    const rows = peers.map((p) => b.best.get(`${p}\u0000${c}`));
    const recur = b.best.get(`recur\u0000${c}`);
    const ratios = others.map((p) => {
      const row = b.best.get(`${p}\u0000${c}`);
      if (!recur || !row) return '—';
      logRatios.get(p)?.push(Math.log(row.ms / recur.ms));
      return versus(recur, row);
    });
    const ofPeak = peakColumn(recur ? percent(gflops(recur), recur.peakGflops) : '—');
    lines.push(tableRow([c, recur ? ms(recur.ms) : '—', ...rows.map((r) => (r ? gflopsCell(r) : '—')), ...ofPeak, ...ratios]));
  }
  lines.push('');
  if (withPeak) {
    lines.push('- recur % of peak: the row\'s GFLOP/s over the f32x4 mul + add peak measured in the same process (in Chromium, the same page) right before and right after it (their mean).');
  }
  for (const [p, logs] of logRatios) {
    if (logs.length === 0) continue;
    const geomean = Math.exp(logs.reduce((s, x) => s + x, 0) / logs.length);
    lines.push(`- Geometric mean over the ${logs.length} cases: recur is ${fixed(geomean, 2)}× ${geomean >= 1 ? 'faster' : 'slower'} than ${p}.`);
  }
  return lines;
}

const out: string[] = [
  '# Benchmark results',
  '',
  '_Generated by `npm run bench` (bench/run.sh → bench/report.ts); do not edit by hand. Method: bench/README.md._',
  '',
  `- Date: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`,
  `- Machine: ${cpuModel()}, ${availableParallelism()} cores visible (shared, noisy), Linux`,
  `- Node ${process.version} (V8 ${process.versions.v8}); recur commit ${commit()}`,
  `- Rounds: ${rounds} (each peer in its own process per round; the fastest round's median is kept; a peer whose calls took over 1 s in round 1, except tfjs-wasm, and W8, are measured in round 1 only)`,
  '',
  `![recur vs each peer: peer time / recur time per workload, log scale](${basename(outputPath).replace(/(\.md)?$/, '.svg')})`,
  '',
  'ms: median over samples (each sample = mean time per call over one timed cycle of ≥ 25 ms), after a',
  'warm-up; at least 20 samples, 5 for calls over 20 ms. spread: (p90 − p10) / median of the samples. Every',
  'peer was checked before being timed (the "checked against" column); FLOPs count 2·m·n·k per matrix product',
  '(BENCHMARKS.md), for brain.js the products its own algorithm does.',
];
/** The standard workloads (W1…W8) first, in order, then the kernel benches. */
function rank(name: string): number {
  const w = /^W(\d+)\b/.exec(name);
  return w ? Number(w[1]) : 100;
}
const ordered = [...benches.values()].sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
/** The numbered workloads (W1, W2, …; not sgemm or peak), in order. */
const isWorkload = (b: Bench): boolean => rank(b.name) < 100;
const workloads = ordered.filter(isWorkload);
/** A workload's short name: 'W1' of 'W1 lstm-infer-b1'. */
const workloadId = (b: Bench): string => b.name.split(' ')[0];

/** Three significant digits, without exponents: 0.0123, 1.23, 123, 12345. */
const three = (x: number): string => (x >= 100 ? Math.round(x).toString() : x.toPrecision(3));

/** One line per workload case: recur's time, then each peer's time and recur's speed-up over it. */
function summary(): string[] {
  const peers = PEERS.filter((p) => p !== 'recur' && workloads.some((b) => b.info.has(p)));
  const label = (p: Peer): string => (p === 'ort-node' ? 'ort-node (native)' : p);
  const lines = [
    '## Summary', '',
    'Median time per call; in brackets, how many times faster recur is than that peer (below 1: slower).',
    'Details, checks and exactly what each peer runs: the sections below.', '',
    `| workload | case | recur | ${peers.map(label).join(' | ')} |`,
    `|---|---|---:|${peers.map(() => '---:').join('|')}|`,
  ];
  for (const b of workloads) {
    const scale = b.unit === 'µs' ? 1e3 : 1;
    const show = (row: Row): string => `${three(row.ms * scale)} ${b.unit}`;
    for (const c of b.cases) {
      const recur = b.best.get(`recur\u0000${c}`);
      const cells = peers.map((p) => {
        const row = b.best.get(`${p}\u0000${c}`);
        if (!row) return b.skipped.has(`${p}\u0000${c}`) ? 'n/a' : '—';
        const ratio = recur ? ` (${three(row.ms / recur.ms)}×)` : '';
        return `${show(row)}${ratio}${row.check && Number.isNaN(row.maxErr ?? Number.NaN) ? '†' : ''}`;
      });
      lines.push(`| ${workloadId(b)} | ${c} | ${recur ? show(recur) : '—'} | ${cells.join(' | ')} |`);
    }
  }
  lines.push('',
    'n/a: the peer cannot run this case (reason in its section). brain.js computes a different cell (W1, W2, W5, W6, W7:',
    'an "LSTM" without cell state; W5: a different training task, marked †; W6: its own character model, updated after',
    'every sequence); its times are what its closest API costs.',
    'ort-node is ONNX Runtime\'s native build (x86-64 MLAS), shown as a ceiling, not as a WebAssembly peer.');
  return lines;
}
/**
 * recur's speed-up over each peer round by round: per workload case, the peer's median over recur's median
 * of the same round, for every round both were measured in. Peers measured in one round only (the slow
 * ones, W8) have nothing to pair and are left out.
 */
function pairedByRound(): string[] {
  const others = PEERS.filter((p) => p !== 'recur');
  const rows = workloads.flatMap((b) => b.cases.map((c) => {
    const recur = b.byRound.get(`recur\u0000${c}`);
    const ratios = new Map(others.map((p) => [p, [...b.byRound.get(`${p}\u0000${c}`) ?? []].flatMap(([round, row]) => {
      const mine = recur?.get(round);
      return mine ? [row.ms / mine.ms] : [];
    })]));
    return { workload: workloadId(b), c, ratios };
  }));
  const peers = others.filter((p) => rows.some((r) => r.ratios.get(p)!.length > 1));
  if (peers.length === 0) return [];
  const lines = [
    '## Paired by round', '',
    'recur\'s speed-up over each peer within each round (the peer\'s median over recur\'s, measured minutes apart):',
    'the median over the rounds, the range, and k/n: in k of the n rounds recur was faster. Less sensitive than',
    'the summary\'s fastest-round ratios to a quiet moment that only one of the two caught. Peers measured in one',
    'round only are left out.', '',
    `| workload | case | ${peers.join(' | ')} |`,
    `|---|---|${peers.map(() => '---:').join('|')}|`,
  ];
  for (const { workload, c, ratios } of rows) {
    const cells = peers.map((p) => {
      const r = ratios.get(p)!;
      if (r.length < 2) return '—';
      const faster = r.filter((x) => x > 1).length;
      return `${three(median(r))}× (${three(Math.min(...r))}–${three(Math.max(...r))}; ${faster}/${r.length})`;
    });
    if (cells.some((cell) => cell !== '—')) lines.push(`| ${workload} | ${c} | ${cells.join(' | ')} |`);
  }
  return lines;
}

/**
 * The comparisons the targets name, measured head to head (timeHeadToHead): recur and the peer alternating
 * in one process, a ratio per pair of samples. All pairs of all rounds pooled: their median, p10–p90, and
 * the range of the rounds' own medians.
 */
function headToHead(): string[] {
  const rows = workloads.flatMap((b) => b.cases.flatMap((c) => PEERS.flatMap((p) => {
    const runs = b.headToHead.get(`${p}\u0000${c}`);
    return runs ? [{ workload: workloadId(b), c, p, runs }] : [];
  })));
  if (rows.length === 0) return [];
  const lines = [
    '## Head to head', '',
    'recur and one peer in the same process, their samples alternating (recur, peer, peer, recur, …), so that both',
    'see the same moments of the machine; each pair gives a ratio, the peer\'s time over recur\'s (how many times',
    'faster recur is; below 1: slower). All pairs of all rounds pooled: the median and p10–p90; then the range of',
    'the rounds\' own medians. Measured for the comparisons the targets name (ONNX Runtime on W1–W4, TensorFlow.js',
    'wasm on W5), after each peer\'s own timing (bench/README.md "Head to head").', '',
    '| workload | case | peer | recur | peer | recur vs peer (median of pairs) | p10–p90 | rounds\' medians | pairs |',
    '|---|---|---|---:|---:|---|---|---|---:|',
  ];
  for (const { workload, c, p, runs } of rows) {
    const pooled = runs.flatMap((r) => r.ratios).sort((a, b) => a - b);
    const mid = median(pooled);
    const perRound = runs.map((r) => median(r.ratios));
    const phrase = mid >= 1 ? `**${three(mid)}× faster**` : `**${three(1 / mid)}× slower** (${three(mid)}×)`;
    const recurMs = median(runs.map((r) => r.recurMs)), peerMs = median(runs.map((r) => r.peerMs));
    lines.push(`| ${workload} | ${c} | ${p} | ${ms(recurMs)} ms | ${ms(peerMs)} ms | ${phrase} | ${three(quantile(pooled, 0.1))}–${three(quantile(pooled, 0.9))}× | `
      + `${runs.length > 1 ? `${three(Math.min(...perRound))}–${three(Math.max(...perRound))}×` : '—'} | ${pooled.length} |`);
  }
  return lines;
}

/** The peak loops' table: what the machine's SIMD units allow, the denominator of "% of peak". */
function peakTable(b: Bench): string[] {
  const lines = ['| loop | GFLOP/s (median) | spread | samples |', '|---|---:|---:|---:|'];
  for (const c of b.cases) {
    const row = b.best.get(`recur\u0000${c}`);
    if (row) lines.push(`| ${c} | ${fixed(gflops(row), 1)} | ${fixed(row.spread * 100, 0)}% | ${row.samples} |`);
    else lines.push(`| ${c} | not measured: ${b.skipped.get(`recur\u0000${c}`) ?? 'no result'} | — | — |`);
  }
  lines.push('', `"% of peak" in the tables above and below is GFLOP/s over the mul + add loop's ${runPeak ? `${fixed(runPeak, 1)} GFLOP/s` : 'peak'}, `
    + `and for recur's relaxed-SIMD core over the fused loop's ${fmaPeak ? `${fixed(fmaPeak, 1)} GFLOP/s` : 'peak'} `
    + '(sgemm, run on the plain core: over the mul + add peak measured next to each row). It is the peak of 128-bit '
    + 'WebAssembly SIMD; native code (ort-node) uses wider vectors and can exceed it.');
  return lines;
}

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * RESULTS.svg: per workload case, how many times faster recur is than each peer (peer ms / recur ms), as
 * horizontal bars from the 1× line on a log axis. Plain SVG with inline attributes, so GitHub shows it.
 */
function chart(): string {
  const colours: Record<Peer, string> = { recur: '#000', 'tfjs-cpu': '#f2a541', 'tfjs-wasm': '#e4572e', 'ort-web': '#2e86de', 'ort-node': '#8d99ae', brain: '#3aa655' };
  const names: Record<Peer, string> = { recur: 'recur', 'tfjs-cpu': 'tfjs-cpu', 'tfjs-wasm': 'tfjs-wasm', 'ort-web': 'ort-web', 'ort-node': 'ort-node (native, a ceiling)', brain: 'brain.js (a different algorithm)' };
  const groups = workloads.flatMap((b) => b.cases.map((c) => {
    const recur = b.best.get(`recur\u0000${c}`);
    const bars = PEERS.filter((p) => p !== 'recur').flatMap((p) => {
      const row = b.best.get(`${p}\u0000${c}`);
      return recur && row ? [{ peer: p, ratio: row.ms / recur.ms }] : [];
    });
    return { title: b.name, subtitle: c, bars };
  })).filter((g) => g.bars.length > 0);
  const peers = PEERS.filter((p) => groups.some((g) => g.bars.some((bar) => bar.peer === p)));
  const ratios = groups.flatMap((g) => g.bars.map((bar) => bar.ratio));
  // At least 0.1× … 10×; an empty run (no workload measured) keeps that axis and no bars.
  const lo = Math.min(-1, Math.floor(Math.log10(Math.min(10, ...ratios)))), hi = Math.max(1, Math.ceil(Math.log10(Math.max(0.1, ...ratios))));
  const W = 980, left = 340, right = W - 70, bar = 12, gap = 2, groupGap = 14, top = 92;
  const x = (r: number): number => left + (Math.log10(r) - lo) / (hi - lo) * (right - left);
  const body: string[] = [];
  let y = top;
  for (const g of groups) {
    // At least the height of the two-line label, so that labels of one-bar groups do not collide.
    const height = Math.max(28, g.bars.length * (bar + gap) - gap);
    body.push(`<text x="8" y="${y + height / 2 - 2}" font-size="12" font-weight="bold">${escape(g.title)}</text>`,
      `<text x="8" y="${y + height / 2 + 11}" font-size="10" fill="#555">${escape(g.subtitle.length > 58 ? `${g.subtitle.slice(0, 57)}…` : g.subtitle)}</text>`);
    g.bars.forEach(({ peer, ratio }, i) => {
      const by = y + i * (bar + gap);
      const x0 = Math.min(x(1), x(ratio)), x1 = Math.max(x(1), x(ratio));
      const label = `${ratio >= 100 ? Math.round(ratio) : ratio.toPrecision(ratio < 1 ? 2 : 3)}×`;
      body.push(`<rect x="${x0.toFixed(1)}" y="${by}" width="${Math.max(1, x1 - x0).toFixed(1)}" height="${bar}" fill="${colours[peer]}"><title>${names[peer]}: ${label}</title></rect>`,
        ratio >= 1
          ? `<text x="${(x1 + 3).toFixed(1)}" y="${by + bar - 2}" font-size="10">${label}</text>`
          : `<text x="${(x0 - 3).toFixed(1)}" y="${by + bar - 2}" font-size="10" text-anchor="end">${label}</text>`);
    });
    y += height + groupGap;
  }
  const bottom = y - groupGap + 6;
  const axis: string[] = [];
  for (let d = lo; d <= hi; d++) {
    const r = 10 ** d;
    const tick = d < 0 ? r.toFixed(-d) : r.toString();
    axis.push(`<line x1="${x(r)}" y1="${top - 6}" x2="${x(r)}" y2="${bottom}" stroke="${d === 0 ? '#000' : '#ddd'}" stroke-width="${d === 0 ? 1.5 : 1}"/>`,
      `<text x="${x(r)}" y="${bottom + 14}" font-size="11" text-anchor="middle">${tick}×</text>`);
  }
  // Each legend entry as wide as its text (about 6.2 px per character at 11 px).
  let lx = 8;
  const legend = peers.map((p) => {
    const entry = `<rect x="${lx}" y="52" width="12" height="12" fill="${colours[p]}"/><text x="${lx + 16}" y="62" font-size="11">${escape(names[p])}</text>`;
    lx += 16 + names[p].length * 6.2 + 18;
    return entry;
  });
  const H = bottom + 52;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif">`,
    '<!-- Generated by bench/report.ts from the results of `npm run bench` (bench/results.jsonl); do not edit by hand. -->',
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="8" y="22" font-size="15" font-weight="bold">recur vs each peer: peer time / recur time (log scale; higher = recur faster; left of 1× = recur slower)</text>`,
    `<text x="8" y="40" font-size="11" fill="#555">${escape(`Medians, fastest of ${rounds} round(s); ${cpuModel()}, ${availableParallelism()} cores; Node ${process.version}; ${new Date().toISOString().slice(0, 10)}. Same-run ratios.`)}</text>`,
    ...legend, ...axis, ...body,
    `<text x="${(left + right) / 2}" y="${bottom + 32}" font-size="11" text-anchor="middle">how many times faster recur is</text>`,
    '</svg>', '',
  ].join('\n');
}

if (workloads.length > 0) {
  out.push('', ...summary());
  const paired = pairedByRound();
  if (paired.length > 0) out.push('', ...paired);
  const h2h = headToHead();
  if (h2h.length > 0) out.push('', ...h2h);
}
for (const b of ordered) {
  const table = b.name === PEAK_BENCH ? peakTable(b) : isWorkload(b) ? perPeerTables(b) : perCaseTable(b);
  out.push('', `## ${b.name}`, '', ...table, '', 'Peers:');
  for (const peer of PEERS) if (b.info.has(peer)) out.push(`- ${peer}: ${b.info.get(peer)}`);
}
const chartPath = outputPath.replace(/(\.md)?$/, '.svg');
writeFileSync(chartPath, chart());
writeFileSync(outputPath, `${out.join('\n')}\n`);
