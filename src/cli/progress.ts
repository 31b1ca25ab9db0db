// Training progress for the CLI: a live bar (epoch, batch, loss, ETA) redrawn in place on a terminal, and
// one plain line per epoch otherwise (logs, CI), as fit() callbacks. On a terminal narrower than the line,
// the bar shrinks and then the line is cut: a line that wraps cannot be redrawn in place.

import type { Callbacks } from '../train/fit.ts';

export interface ProgressOutput {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

const BAR_WIDTH = 24;

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
      const head = `epoch ${currentEpoch + 1}/${epochs} `;
      const tail = ` ${Math.round((100 * done) / total)}%  loss ${(runningLoss / seen).toFixed(4)}  ETA ${eta(done, total)}`;
      // The last column stays empty: some terminals wrap as soon as it is written.
      const room = out.columns ? out.columns - 1 : Infinity;
      const width = Math.max(0, Math.min(BAR_WIDTH, room - head.length - tail.length));
      const filled = Math.round((width * done) / total);
      const line = head + '█'.repeat(filled) + '░'.repeat(width - filled) + tail;
      out.write(`\r\x1b[2K${line.slice(0, room)}`);
    },
    onEpochEnd(epoch, logs) {
      const seconds = ((performance.now() - epochStart) / 1000).toFixed(1);
      const metrics = Object.entries(logs).map(([k, v]) => `${k} ${v.toFixed(4)}`).join('  ');
      out.write(`${tty ? '\r\x1b[2K' : ''}epoch ${epoch + 1}/${epochs}  ${metrics}  (${seconds}s, ETA ${eta(epoch + 1, epochs)})\n`);
    },
  };
}
