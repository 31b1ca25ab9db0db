// The inference workloads W1, W2, W3 (BENCHMARKS.md): one LSTM or GRU layer, I = 32, H = 128, T = 64,
// every hidden state returned, through each library's own API (recur Sequential.predict, tfjs
// model.predict + dataSync, ONNX Runtime session.run + Y's data, brain.js run() per sequence).
//
// Each process builds the same weights and input from fixed seeds, checks its peer against the f64
// reference (and against recur, for the peers that compute the same function) and only then times it.
// ONNX Runtime (Web and Node) is then timed once more against recur in its process, the two alternating
// (bench/README.md "Head to head").

import { emit, gate, HEAD_TO_HEAD_TIME, maxAbsDiff, MAX_TIME, peerFromArgv, timeAsync, timeHeadToHead, timeSync, type HeadToHead, type Peer, type Row } from './common.ts';
import {
  BRAIN_GRU, BRAIN_LSTM, H, I, RECUR_INFO, brainHidden, brainNet, brainSequence, makeInput, makeWeights, ortInfer,
  peerKind, recurInfer, reference, stepFlop, tfjsInfer, type Cell, type Weights,
} from './rnn.ts';

/** Max |diff| of any output from the f64 reference (and, where they compute the same function, from recur's). */
export const TOLERANCE = 1e-4;
const ALL: readonly Peer[] = ['recur', 'tfjs-cpu', 'tfjs-wasm', 'ort-web', 'ort-node', 'brain'];

export interface InferCase {
  name: string;
  /** GRU only: PyTorch / ONNX linear_before_reset=1 (true) or the original GRU (false). */
  resetAfter?: boolean;
  /** The peers that can compute this case. */
  peers: readonly Peer[];
}

/** The seeded weights and batch-major input of an inference workload (the same in every process and page). */
export function inferData(cell: Cell, B: number, T: number): { w: Weights; x: Float32Array } {
  return { w: makeWeights(cell, cell === 'lstm' ? 1 : 3), x: makeInput(B, T, 10 + B) };
}

export async function inferBench(o: { file: string; bench: string; cell: Cell; B: number; T: number; cases: InferCase[] }): Promise<void> {
  const { cell, B, T } = o;
  const peer = peerFromArgv(o.file, ALL);
  const kind = peerKind(peer);
  const { w, x } = inferData(cell, B, T);
  const rows: Row[] = [];
  const skipped: { case: string; reason: string }[] = [];
  let info = RECUR_INFO;
  for (const c of o.cases) {
    if (!c.peers.includes(peer)) {
      skipped.push({ case: c.name, reason: peer.startsWith('tfjs') ? 'tfjs 4.22 GRUCell throws on reset_after=True' : 'brain.js has no such GRU' });
      continue;
    }
    const expected = reference(w, x, B, T, { resetAfter: c.resetAfter });
    const recur = await recurInfer(w, x, B, T, c.resetAfter);
    const recurOut = recur();
    gate(`${c.name}: recur vs f64 reference`, maxAbsDiff(recurOut, expected.hs), TOLERANCE);
    const flop = T * B * stepFlop(cell);
    let timing;
    let maxErr: number;
    let check: string | undefined;
    let rowFlop = flop;
    /** ONNX Runtime (Web, and Node's native build) against recur in this process: the targets' comparisons. */
    let headToHead: HeadToHead | undefined;
    if (kind === 'recur') {
      maxErr = maxAbsDiff(recurOut, expected.hs);
      timing = timeSync(() => { recur(); }, { maxTime: MAX_TIME });
    } else if (kind === 'tfjs') {
      const t = await tfjsInfer(peer === 'tfjs-cpu' ? 'cpu' : 'wasm', w, x, B, T);
      info = t.info;
      const out = t.run();
      gate(`${c.name}: ${peer} vs f64 reference`, maxErr = maxAbsDiff(out, expected.hs), TOLERANCE);
      gate(`${c.name}: ${peer} vs recur`, maxAbsDiff(out, recurOut), TOLERANCE);
      timing = timeSync(() => { t.run(); }, { maxTime: MAX_TIME });
    } else if (kind === 'ort') {
      const t = await ortInfer(peer as 'ort-web' | 'ort-node', w, x, B, T, c.resetAfter);
      info = t.info;
      const out = await t.run();
      gate(`${c.name}: ${peer} vs f64 reference`, maxErr = maxAbsDiff(out, expected.hs), TOLERANCE);
      gate(`${c.name}: ${peer} vs recur`, maxAbsDiff(out, recurOut), TOLERANCE);
      timing = await timeAsync(t.run, { maxTime: MAX_TIME });
      headToHead = await timeHeadToHead(recur, t.run, { maxTime: HEAD_TO_HEAD_TIME });
    } else {
      // brain.js: one sequence at a time; its LSTM is a different cell, checked against an f64
      // reference of that cell with the same weights; its GRU is the original GRU (reset_after=False).
      const net = await brainNet(w, I);
      const own = cell === 'lstm' ? reference(w, x, B, T, { brainVariant: true }) : expected;
      info = cell === 'lstm' ? BRAIN_LSTM : BRAIN_GRU;
      let worst = 0;
      for (let b = 0; b < B; b++) {
        const out = net.run(brainSequence(x, b, T));
        if (!out.every(Number.isFinite)) gate(`${c.name}: brain.js output is finite`, Number.NaN, 0);
        worst = Math.max(worst, maxAbsDiff(brainHidden(net, T), own.hs.subarray(b * T * H, (b + 1) * T * H)));
      }
      gate(`${c.name}: brain vs f64 reference of ${cell === 'lstm' ? "brain.js's own LSTM variant" : 'the original GRU'}`, maxErr = worst, TOLERANCE);
      if (cell === 'lstm') check = "f64 ref of brain.js's own cell (no cell state)";
      // Its own FLOPs: T + 1 steps per run() (the extra zero-input step) plus its Dense H→I output layer.
      rowFlop = B * (T + 1) * (stepFlop(cell) + 2 * H * I);
      const run = (): void => { for (let b = 0; b < B; b++) net.run(brainSequence(x, b, T)); };
      timing = timeSync(run, { maxTime: MAX_TIME });
    }
    rows.push({ case: c.name, ...timing, flop: rowFlop, items: B, maxErr, ...(check ? { check } : {}), ...(headToHead ? { headToHead } : {}) });
  }
  emit({ bench: o.bench, peer, info, itemName: 'sequences', rows, ...(skipped.length ? { skipped } : {}) });
}
