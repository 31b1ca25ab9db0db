// Assembles bench/RESULTS.md from the JSON lines the bench processes printed (bench/run.sh collects them).
//
//   node --import tsx bench/report.ts <results.jsonl> <rounds> <RESULTS.md>
//
// With several rounds a (bench, peer, case) was measured several times, in separate processes; the report
// keeps the fastest round's median, because load from other tenants of this shared machine only ever
// slows a run down. Ratios compare recur and a peer from the same invocation of `npm run bench`.

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { PEERS, type Peer, type Report, type Row } from './common.ts';

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
  /** peer\0case → why that peer was not measured. */
  skipped: Map<string, string>;
  /** Cases in the order they were first reported. */
  cases: string[];
}
const benches = new Map<string, Bench>();
for (const r of reports) {
  let b = benches.get(r.bench);
  if (!b) benches.set(r.bench, b = { name: r.bench, itemName: r.itemName, unit: r.unit ?? 'ms', info: new Map(), best: new Map(), skipped: new Map(), cases: [] });
  b.info.set(r.peer, r.info);
  const addCase = (c: string): void => { if (!b.cases.includes(c)) b.cases.push(c); };
  for (const row of r.rows) {
    addCase(row.case);
    const key = `${r.peer}\u0000${row.case}`;
    const held = b.best.get(key);
    if (!held || row.ms < held.ms) b.best.set(key, row);
  }
  for (const s of r.skipped ?? []) {
    addCase(s.case);
    b.skipped.set(`${r.peer}\u0000${s.case}`, s.reason);
  }
}

const gflops = (row: Row): number => row.flop / row.ms / 1e6;
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

/** The standard workloads: per case, one row per peer, with recur's ratio to each peer. */
function perPeerTables(b: Bench): string[] {
  const lines: string[] = [];
  const unit = b.unit;
  const scale = unit === 'µs' ? 1e3 : 1;
  const time = (x: number): string => (unit === 'µs' ? (x * scale).toFixed(x * scale < 10 ? 2 : 1) : ms(x));
  for (const caseName of b.cases) {
    const recur = b.best.get(`recur\u0000${caseName}`);
    lines.push(
      `Case: ${caseName}.`, '',
      `| peer | ${unit}/call (median) | ${b.itemName ?? 'items'}/s | GFLOP/s | spread | samples | checked against (max abs err) | recur vs peer |`,
      '|---|---:|---:|---:|---:|---:|---|---|',
    );
    for (const peer of PEERS) {
      const key = `${peer}\u0000${caseName}`;
      const row = b.best.get(key);
      const reason = b.skipped.get(key);
      if (!row) {
        if (reason) lines.push(`| ${peer} | — | — | — | — | — | — | not measured: ${reason} |`);
        continue;
      }
      const throughput = row.items === undefined ? '—' : fixed(row.items / row.ms * 1e3, 0);
      const ratio = peer === 'recur' || !recur ? '—' : `recur is **${versus(recur, row)}** than ${peer}`;
      // maxErr is NaN (null in JSON) when there was no reference to compare with.
      const err = Number.isFinite(row.maxErr) ? ` (${row.maxErr.toExponential(1)})` : '';
      lines.push(`| ${peer} | ${time(row.ms)} | ${throughput} | ${fixed(gflops(row), 2)} | ${fixed(row.spread * 100, 0)}% | ${row.samples} | ${row.check ?? 'f64 reference'}${err} | ${ratio} |`);
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
  const lines = [
    `| case (op M×N×K) | recur ms | ${peers.map((p) => `${p} GFLOP/s`).join(' | ')} | ${others.map((p) => `recur vs ${p}`).join(' | ')} |`,
    `|---|---:|${peers.map(() => '---:').join('|')}|${others.map(() => '---').join('|')}|`,
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
    lines.push(`| ${c} | ${recur ? ms(recur.ms) : '—'} | ${rows.map((r) => (r ? fixed(gflops(r), 2) : '—')).join(' | ')} | ${ratios.join(' | ')} |`);
  }
  lines.push('');
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
  `- Rounds: ${rounds} (each peer in its own process per round; the fastest round's median is kept; a peer whose calls took over 1 s in round 1 is measured in round 1 only)`,
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

/** Three significant digits, without exponents: 0.0123, 1.23, 123, 12345. */
const three = (x: number): string => (x >= 100 ? Math.round(x).toString() : x.toPrecision(3));

/** One line per workload case: recur's time, then each peer's time and recur's speed-up over it. */
function summary(): string[] {
  const workloads = ordered.filter((b) => rank(b.name) < 100);
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
      lines.push(`| ${b.name.split(' ')[0]} | ${c} | ${recur ? show(recur) : '—'} | ${cells.join(' | ')} |`);
    }
  }
  lines.push('',
    'n/a: the peer cannot run this case (reason in its section). brain.js computes a different cell (W1, W2, W5, W7:',
    'an "LSTM" without cell state; W5: a different training task, marked †); its times are what its closest API costs.',
    'ort-node is ONNX Runtime\'s native build (x86-64 MLAS), shown as a ceiling, not as a WebAssembly peer.');
  return lines;
}
if (ordered.some((b) => rank(b.name) < 100)) out.push('', ...summary());
for (const b of ordered) {
  out.push('', `## ${b.name}`, '', ...(rank(b.name) < 100 ? perPeerTables(b) : perCaseTable(b)), '', 'Peers:');
  for (const peer of PEERS) if (b.info.has(peer)) out.push(`- ${peer}: ${b.info.get(peer)}`);
}
writeFileSync(outputPath, `${out.join('\n')}\n`);
