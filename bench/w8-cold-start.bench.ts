// W8 cold-start (BENCHMARKS.md): import the package, instantiate its wasm, build W1's model (LSTM I = 32,
// H = 128, every hidden state returned), first predict of W1's input. Every sample is a fresh `node`
// process running a small plain-JavaScript program (no tsx) from a temporary folder whose node_modules
// links to the package, as an application that installed it would: recur through its package.json
// exports (dist/, which `npm run build` writes; run.sh builds it), the peers from bench/node_modules.
//
//   node --import tsx bench/w8-cold-start.bench.ts <recur | tfjs-wasm | ort-web>
//
// Two measures from the same processes:
//   in-process      performance.now() just before `await import(<package>)` to just after the first
//                   prediction's values are in a Float32Array, read by the program itself, with the time
//                   of each phase (import, instantiate, build, first predict);
//   whole process   spawn of `node program.mjs` to the program's result line arriving on this process's
//                   stdout, next to the same measure for a bare `node -e` that prints one line: the
//                   difference is what the package costs a command-line tool or a freshly started server.
// Two cases: "default initialisers" (the layer as the library builds it, no weights given) and "weights
// loaded" (W1's seeded weights given with setWeights; recur draws initial values only when a weight is
// first used, so none are drawn; tfjs gets zeros initialisers, its cheapest build for weights that are
// replaced at once, as rnn.ts does everywhere; ONNX Runtime builds its session from the in-memory ONNX model,
// which always carries its weights, so it has this case only). The input and weight files are read before
// the clock starts: the workload is the library's start, not the disk.
//
// Method: one checked run per case first (it also warms the OS file cache, so every timed sample is a
// warm-cache cold start), then 20 rounds of [bare node, each case] in rotating order; medians. Every
// sample's first prediction is checked against the f64 reference (≤ 1e-4 on all 64 × 128 outputs), with
// W1's weights, or with the weights the library drew, which the program prints after its result line.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emit, gate, maxAbsDiff, peerFromArgv, summarise, type Row, type Timing } from './common.ts';
import { H, I, kerasWeights, makeInput, makeWeights, onnxRnn, reference, transpose, type Weights } from './rnn.ts';

const T = 64, G = 4 * H;
const SAMPLES = 20;
const TOLERANCE = 1e-4;
type Case = 'default initialisers' | 'weights loaded';

const peer = peerFromArgv('w8-cold-start.bench.ts', ['recur', 'tfjs-wasm', 'ort-web']) as 'recur' | 'tfjs-wasm' | 'ort-web';
const root = fileURLToPath(new URL('..', import.meta.url));
if (peer === 'recur' && !existsSync(join(root, 'dist', 'entry-node.js'))) {
  console.error('bench/w8-cold-start: dist/ is missing: run `npm run build` first (bench/run.sh does)');
  process.exit(1);
}

const w = makeWeights('lstm', 1); // W1's weights and input
const x = makeInput(1, T, 11);
const expected = reference(w, x, 1, T).hs;

// ------------------------------------------------------------------ the programs each sample runs

/**
 * Shared by every program: argv[2] is the case; the input (and weight) files are read first, then
 * `start`; the peer's part marks each phase and leaves the prediction in `y` (and, without given weights,
 * the drawn weights in `drawn`); the result line goes out at once, the data for the check after it.
 */
const PRELUDE = `import { readFileSync } from 'node:fs';
const given = process.argv[2] === 'weights loaded';
const read = (name) => readFileSync(new URL('./' + name, import.meta.url));
const floats = (name) => { const b = read(name); return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4); };
const x = floats('x.f32');
`;
const START = `const phases = [];
let last = performance.now();
const start = last;
const mark = (name) => { const now = performance.now(); phases.push([name, now - last]); last = now; };
`;
const EPILOGUE = `process.stdout.write('RESULT ' + JSON.stringify({ total: last - start, phases }) + '\\n');
const b64 = (a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
process.stdout.write('DATA ' + JSON.stringify({ y: b64(y), drawn: drawn && Object.fromEntries(Object.entries(drawn).map(([k, v]) => [k, b64(v)])) }) + '\\n');
`;

/** The peer's part: the files it reads before the clock, then the timed phases. */
const PROGRAMS = {
  recur: {
    before: `const weights = given && ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0'].map((n) => floats(n + '.f32'));\n`,
    timed: `const { init, Sequential, layers, tensor } = await import('recur');
mark('import');
await init();
mark('init (instantiate the core)');
const model = new Sequential({ layers: [layers.lstm({ units: ${H}, returnSequences: true, inputShape: [${T}, ${I}] })] });
if (given) {
  const [wIh, wHh, bIh, bHh] = weights;
  model.setWeights({ 'lstm.weight_ih_l0': tensor(wIh, [${G}, ${I}]), 'lstm.weight_hh_l0': tensor(wHh, [${G}, ${H}]), 'lstm.bias_ih_l0': tensor(bIh, [${G}]), 'lstm.bias_hh_l0': tensor(bHh, [${G}]) });
}
mark(given ? 'build + setWeights' : 'build');
const y = model.predict(tensor(x, [1, ${T}, ${I}])).data;
mark('first predict');
const drawn = !given && Object.fromEntries(Object.entries(model.getWeights()).map(([k, t]) => [k, t.data]));
`,
  },
  'tfjs-wasm': {
    before: `const weights = given && ['kernel', 'recurrent_kernel', 'bias'].map((n) => floats(n + '.f32'));\n`,
    timed: `const tf = await import('@tensorflow/tfjs');
const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
mark('import');
setWasmPaths(process.argv[3]);
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
if (!(await tf.setBackend('wasm'))) throw new Error('tfjs wasm backend failed');
await tf.ready();
mark("setBackend('wasm') (instantiate)");
const layer = tf.layers.lstm({ units: ${H}, returnSequences: true, inputShape: [${T}, ${I}], recurrentActivation: 'sigmoid',
  ...(given ? { kernelInitializer: 'zeros', recurrentInitializer: 'zeros' } : {}) });
const model = tf.sequential({ layers: [layer] });
if (given) layer.setWeights([tf.tensor2d(weights[0], [${I}, ${G}]), tf.tensor2d(weights[1], [${H}, ${G}]), tf.tensor1d(weights[2])]);
mark(given ? 'build + setWeights' : 'build');
const y = model.predict(tf.tensor3d(x, [1, ${T}, ${I}])).dataSync();
mark('first predict');
const drawn = !given && Object.fromEntries(['kernel', 'recurrent_kernel', 'bias'].map((k, i) => [k, layer.getWeights()[i].dataSync()]));
`,
  },
  'ort-web': {
    before: `const bytes = read('model.onnx');\n`,
    timed: `const ort = await import('onnxruntime-web');
mark('import');
ort.env.wasm.numThreads = 1;
const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
mark('InferenceSession.create (instantiates its wasm, builds the graph)');
const y = (await session.run({ X: new ort.Tensor('float32', x, [${T}, 1, ${I}]) })).Y.data;
mark('first run');
const drawn = false;
`,
  },
} as const;

/** Links `name` from the temporary folder's node_modules to `target`, as an installed dependency. */
function link(dir: string, name: string, target: string): void {
  mkdirSync(dirname(join(dir, 'node_modules', name)), { recursive: true });
  symlinkSync(target, join(dir, 'node_modules', name), 'dir');
}

/** The temporary application folder for this peer: node_modules links, program.mjs, the data files. */
function setUp(): { dir: string; args: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'recur-w8-'));
  const f32 = (name: string, a: Float32Array): void => writeFileSync(join(dir, name), a);
  f32('x.f32', x);
  const benchModules = join(root, 'bench', 'node_modules');
  const args: string[] = [];
  if (peer === 'recur') {
    link(dir, 'recur', root);
    [w.wIh, w.wHh, w.bIh, w.bHh].forEach((a, i) => f32(`${['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0'][i]}.f32`, a));
  } else if (peer === 'tfjs-wasm') {
    for (const name of ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm']) link(dir, name, join(benchModules, name));
    const k = kerasWeights(w);
    f32('kernel.f32', k.kernel);
    f32('recurrent_kernel.f32', k.recurrent);
    f32('bias.f32', k.bias);
    // Where the backend's .wasm files are (a path with a trailing slash: Node reads them from disk).
    args.push(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  } else {
    link(dir, 'onnxruntime-web', join(benchModules, 'onnxruntime-web'));
    writeFileSync(join(dir, 'model.onnx'), onnxRnn(w, 1, T));
  }
  const program = PROGRAMS[peer];
  writeFileSync(join(dir, 'program.mjs'), `${PRELUDE}${program.before}${START}${program.timed}${EPILOGUE}`);
  return { dir, args };
}

// ------------------------------------------------------------------------------- running a sample

interface Sample {
  /** spawn → the RESULT line on our stdout, ms. */
  whole: number;
  /** What the program measured, ms; undefined for bare node. */
  total?: number;
  phases?: [string, number][];
}

/**
 * Starts `node <args>` in `dir`; resolves when it exits, with the time its RESULT line arrived and its DATA line.
 *
 * The programs run as applications are started, `node program.mjs`, without this process's flags. run.sh
 * gives every bench process Node 20's --experimental-wasm-relaxed-simd, so that the throughput workloads
 * measure the core browsers load; but Node's code cache for its own built-in modules is tied to V8's flags,
 * so under that flag every built-in module is compiled afresh (its ESM loader's file reading alone: ~10 ms),
 * which adds 15–20 ms to any cold start, recur's and each peer's alike, and no application pays (Node 22
 * and browsers have relaxed SIMD without a flag). On Node 20 recur then loads its plain core.
 */
function spawnTimed(dir: string, args: string[]): Promise<{ sample: Sample; data?: { y: string; drawn: Record<string, string> | false } }> {
  return new Promise((resolve, reject) => {
    let out = '', err = '';
    let arrived: number | undefined;
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (arrived === undefined && /(^|\n)RESULT /.test(out)) arrived = performance.now();
    });
    child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = (tag: string): string | undefined => out.split('\n').find((l) => l.startsWith(`${tag} `))?.slice(tag.length + 1);
      const result = line('RESULT');
      if (code !== 0 || arrived === undefined || result === undefined) {
        reject(new Error(`node ${args.join(' ')} exited with ${code}:\n${err}${out.slice(-2000)}`));
        return;
      }
      const r = JSON.parse(result) as { total?: number; phases?: [string, number][] };
      const data = line('DATA');
      resolve({ sample: { whole: arrived - t0, total: r.total, phases: r.phases }, data: data === undefined ? undefined : JSON.parse(data) });
    });
  });
}

const floatsOf = (b64: string): Float32Array => {
  const bytes = Buffer.from(b64, 'base64');
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
};

/** The reference for one sample: W1's, or the f64 forward with the weights the library drew (PyTorch layout). */
function expectedFor(drawn: Record<string, string> | false): Float64Array {
  if (!drawn) return expected;
  const d = Object.fromEntries(Object.entries(drawn).map(([k, v]) => [k, floatsOf(v)]));
  const weights: Weights = peer === 'recur'
    ? { cell: 'lstm', wIh: d['lstm.weight_ih_l0'], wHh: d['lstm.weight_hh_l0'], bIh: d['lstm.bias_ih_l0'], bHh: d['lstm.bias_hh_l0'] }
    : { cell: 'lstm', wIh: transpose(d.kernel, I, G), wHh: transpose(d.recurrent_kernel, H, G), bIh: d.bias, bHh: new Float32Array(G) };
  return reference(weights, x, 1, T).hs;
}

/** Runs one sample of `c` and refuses it unless its first prediction matches the reference. */
async function measure(dir: string, c: Case, extra: string[]): Promise<{ sample: Sample; err: number }> {
  const { sample, data } = await spawnTimed(dir, ['program.mjs', c, ...extra]);
  if (!data) throw new Error(`${peer} ${c}: the program printed no DATA line`);
  const err = maxAbsDiff(floatsOf(data.y), expectedFor(data.drawn));
  gate(`${peer} ${c}: first prediction vs f64 reference`, err, TOLERANCE);
  return { sample, err };
}

/** Median, sample count and spread of times in ms (common.ts's summary, which takes seconds). */
const summary = (ms: readonly number[]): Timing => summarise(ms.map((x) => x / 1e3));

const cases: Case[] = peer === 'ort-web' ? ['weights loaded'] : ['default initialisers', 'weights loaded'];
const { dir, args } = setUp();
// On every exit, including a failed check's process.exit.
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const maxErr = new Map<Case, number>();
for (const c of cases) maxErr.set(c, (await measure(dir, c, args)).err);
const bare: number[] = [];
const samples = new Map<Case, Sample[]>(cases.map((c) => [c, []]));
const jobs: (Case | 'bare')[] = ['bare', ...cases];
for (let round = 0; round < SAMPLES; round++) {
  // Rotating order: no case always runs right after another one (or first after the bench's own start-up).
  for (let j = 0; j < jobs.length; j++) {
    const job = jobs[(round + j) % jobs.length];
    if (job === 'bare') {
      bare.push((await spawnTimed(dir, ['-e', 'process.stdout.write("RESULT {}\\n")'])).sample.whole);
    } else {
      const { sample, err } = await measure(dir, job, args);
      maxErr.set(job, Math.max(maxErr.get(job) ?? 0, err));
      samples.get(job)?.push(sample);
    }
  }
}

const rows: Row[] = [];
const phaseNotes: string[] = [];
for (const c of cases) {
  const s = samples.get(c) ?? [];
  const row = (what: string, ms: number[]): Row => ({ case: `${what}, ${c}`, ...summary(ms), flop: 0, maxErr: maxErr.get(c) ?? Number.NaN });
  rows.push(row('in-process (import → first predict)', s.map((x) => x.total ?? Number.NaN)), row('whole process (spawn → result)', s.map((x) => x.whole)));
  const names = s[0].phases?.map(([name]) => name) ?? [];
  phaseNotes.push(`${c}: ${names.map((name, i) => `${name} ${summary(s.map((x) => x.phases?.[i][1] ?? Number.NaN)).ms.toFixed(1)}`).join(', ')} ms`);
}
const what = {
  recur: "recur from dist/ (package exports, bundled entry-node.js + core.wasm, the plain core: node without flags): import('recur'), init(), Sequential([layers.lstm]), setWeights when given, predict(...).data",
  'tfjs-wasm': "@tensorflow/tfjs 4.22 + tfjs-backend-wasm (XNNPACK, SIMD, 1 thread): import both, setWasmPaths, setBackend('wasm'), tf.sequential([tf.layers.lstm (sigmoid gates)]), setWeights when given (zeros initialisers then), predict + dataSync",
  'ort-web': "onnxruntime-web 1.30 (wasm, SIMD, 1 thread): import('onnxruntime-web'), InferenceSession.create(the one-op LSTM ONNX model's bytes), session.run, Y.data",
}[peer];
const noDefault = 'an ONNX model always carries its weights: there is no model built with default initialisers';
emit({
  bench: 'W8 cold-start', peer, rows,
  info: `${what}. Medians over ${SAMPLES} fresh processes per case; phases (medians): ${phaseNotes.join('; ')}. `
    + `Bare \`node -e\` printing one line, spawn → line, interleaved with these: ${summary(bare).ms.toFixed(1)} ms (${process.version})`,
  ...(peer === 'ort-web' ? { skipped: rows.map((r) => ({ case: r.case.replace('weights loaded', 'default initialisers'), reason: noDefault })) } : {}),
});
