// Training progress for the CLI: a live bar (epoch, batch, loss, ETA) redrawn in place on a terminal, and
// one plain line per epoch otherwise (logs, CI), as fit() callbacks.

import type { Callbacks } from '../train/fit.ts';

export interface ProgressOutput {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export function progressCallbacks(out: ProgressOutput, epochs: number, batchesPerEpoch: number): Callbacks {
  const started = performance.now();
  const tty = out.isTTY === true;
  let epochStart = started;
  let runningLoss = 0;
  let seen = 0;
  let currentEpoch = 0;
  const eta = (done: number, total: number): string => {
    if (done === 0) return '?';
    // Rounded once, before splitting into minutes and seconds (so 119.6 s is 2m00s, not 1m60s).
    const seconds = Math.round(((performance.now() - started) / 1000) * (total - done) / done);
    return seconds >= 60 ? `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s` : `${seconds}s`;
  };
  return {
    onEpochBegin(epoch) {
      currentEpoch = epoch;
      epochStart = performance.now();
      runningLoss = 0;
      seen = 0;
    },
    onBatchEnd(batch, logs) {
      runningLoss += logs.loss;
      seen++;
      if (!tty) return;
      const done = currentEpoch * batchesPerEpoch + batch + 1;
      const total = epochs * batchesPerEpoch;
      const width = 24;
      const filled = Math.round((width * done) / total);
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      out.write(`\r\x1b[2Kepoch ${currentEpoch + 1}/${epochs} ${bar} ${Math.round((100 * done) / total)}%  loss ${(runningLoss / seen).toFixed(4)}  ETA ${eta(done, total)}`);
    },
    onEpochEnd(epoch, logs) {
      const seconds = ((performance.now() - epochStart) / 1000).toFixed(1);
      const metrics = Object.entries(logs).map(([k, v]) => `${k} ${v.toFixed(4)}`).join('  ');
      out.write(`${tty ? '\r\x1b[2K' : ''}epoch ${epoch + 1}/${epochs}  ${metrics}  (${seconds}s, ETA ${eta(epoch + 1, epochs)})\n`);
    },
  };
}
