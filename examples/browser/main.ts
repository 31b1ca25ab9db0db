// The page: starts the training worker, draws the loss live on a canvas, shows generated names, loads a
// .safetensors file chosen by the user and offers the trained model as a download. No framework.
// `window.demo` exposes the state for the automated test (tests/runtimes/browser.test.mjs).
import type { Request, Reply } from './trainer.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const chart = $<HTMLCanvasElement>('chart');
const status = $('status');
const namesList = $('names');
const buttons = { train: $<HTMLButtonElement>('train'), generate: $<HTMLButtonElement>('generate'), save: $<HTMLButtonElement>('save') };

const demo = {
  state: 'loading' as 'loading' | 'ready' | 'training' | 'done' | 'error',
  batchLosses: [] as number[],
  epochLosses: [] as number[],
  finalLoss: NaN,
  seconds: NaN,
  names: [] as string[],
  loaded: '' as string,
  errors: [] as string[],
  framesWhileTraining: 0,
  isolated: false,
};
(window as unknown as { demo: typeof demo }).demo = demo;

const worker = new Worker(new URL('./trainer.js', import.meta.url), { type: 'module' });
const send = (request: Request, transfer: Transferable[] = []) => worker.postMessage(request, transfer);
let batchesPerEpoch = 1;
let totalEpochs = 1;
let redraw = false;
/** What the worker holds: nothing yet, a character model (names), or another model (summary only). */
let held: 'none' | 'char' | 'other' = 'none';

worker.onerror = (event) => fail(`worker: ${event.message}`);
worker.onmessage = ({ data }: MessageEvent<Reply>) => {
  switch (data.type) {
    case 'ready':
      demo.isolated = data.isolated;
      status.textContent = `core loaded in ${data.initMs} ms`;
      demo.state = 'ready';
      startTraining();
      break;
    case 'start':
      batchesPerEpoch = data.batchesPerEpoch;
      totalEpochs = data.epochs;
      status.textContent = `training on ${data.names} names (${data.windows} windows, ${data.chars} characters, ${data.params} parameters)…`;
      break;
    case 'batch':
      demo.batchLosses.push(data.loss);
      redraw = true;
      break;
    case 'epoch':
      demo.epochLosses.push(data.loss);
      status.textContent = `epoch ${data.epoch + 1}/${totalEpochs}: loss ${data.loss.toFixed(3)}`;
      redraw = true;
      break;
    case 'done':
      demo.finalLoss = data.loss;
      demo.seconds = data.seconds;
      demo.state = 'done';
      held = 'char';
      status.textContent = `trained ${totalEpochs} epochs in ${data.seconds.toFixed(1)} s — final loss ${data.loss.toFixed(3)} nats/character`;
      setBusy(false);
      break;
    case 'names':
      demo.names = data.names;
      namesList.replaceChildren(...data.names.map((name) => Object.assign(document.createElement('li'), { textContent: name || '(empty)' })));
      break;
    case 'loaded': {
      demo.loaded = data.name;
      const summary = $('summary');
      summary.hidden = false;
      summary.textContent = `${data.name}${data.charModel ? ' (character model: names below)' : ''}\n${data.summary}`;
      held = data.charModel ? 'char' : 'other';
      setBusy(false);
      break;
    }
    case 'saved': {
      const url = URL.createObjectURL(new Blob([new Uint8Array(data.bytes)], { type: 'application/octet-stream' }));
      Object.assign(document.createElement('a'), { href: url, download: 'names.safetensors' }).click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      break;
    }
    case 'error':
      fail(data.message);
      break;
  }
};

function fail(message: string): void {
  demo.errors.push(message);
  if (demo.state === 'training') demo.state = 'error';
  status.textContent = `error: ${message}`;
  setBusy(false);
}

function setBusy(busy: boolean): void {
  buttons.train.disabled = busy;
  buttons.generate.disabled = busy || held !== 'char';
  buttons.save.disabled = busy || held === 'none';
}

const numberOf = (id: string) => Number($<HTMLInputElement>(id).value);

function startTraining(): void {
  demo.state = 'training';
  demo.batchLosses = [];
  demo.epochLosses = [];
  demo.finalLoss = NaN;
  setBusy(true);
  redraw = true;
  send({ type: 'train', epochs: numberOf('epochs'), units: numberOf('units'), steps: 12, stride: 4, batchSize: 32, seed: numberOf('seed') });
}

buttons.train.onclick = startTraining;
buttons.generate.onclick = () => send({ type: 'generate', count: 10, temperature: numberOf('temperature'), seed: Math.floor(Math.random() * 2 ** 31) });
buttons.save.onclick = () => send({ type: 'save' });
$<HTMLInputElement>('temperature').oninput = () => { $('tval').textContent = $<HTMLInputElement>('temperature').value; };
$<HTMLInputElement>('file').onchange = async (event) => {
  const file = (event.target as HTMLInputElement).files?.[0];
  if (!file) return;
  const bytes = await file.arrayBuffer();
  send({ type: 'load', name: file.name, bytes }, [bytes]);
};

// The chart: every batch's loss (grey) and each epoch's mean (blue), redrawn at most once a frame.
function draw(): void {
  const ratio = window.devicePixelRatio || 1;
  const width = chart.clientWidth;
  const height = chart.clientHeight;
  if (chart.width !== Math.round(width * ratio)) {
    chart.width = Math.round(width * ratio);
    chart.height = Math.round(height * ratio);
  }
  const g = chart.getContext('2d')!;
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, width, height);
  const left = 40, right = 10, top = 10, bottom = 26;
  const w = width - left - right, h = height - top - bottom;
  const total = Math.max(1, totalEpochs * batchesPerEpoch);
  const maxLoss = Math.max(1, ...demo.batchLosses.slice(0, 5), ...demo.epochLosses) * 1.05;
  const X = (i: number) => left + (w * i) / total;
  const Y = (loss: number) => top + h - (h * Math.min(loss, maxLoss)) / maxLoss;
  g.strokeStyle = '#e3e6ea';
  g.fillStyle = '#5b6573';
  g.font = '11px system-ui, sans-serif';
  g.lineWidth = 1;
  for (let k = 0; k <= 4; k++) {
    const loss = (maxLoss * k) / 4;
    g.beginPath(); g.moveTo(left, Y(loss)); g.lineTo(left + w, Y(loss)); g.stroke();
    g.fillText(loss.toFixed(1), 6, Y(loss) + 4);
  }
  for (let e = 1; e <= totalEpochs; e++) g.fillText(String(e), X(e * batchesPerEpoch) - 3, height - 8);
  g.fillText('epoch', 4, height - 8);
  g.strokeStyle = '#9aa3ae';
  g.beginPath();
  demo.batchLosses.forEach((loss, i) => (i === 0 ? g.moveTo(X(i), Y(loss)) : g.lineTo(X(i), Y(loss))));
  g.stroke();
  g.strokeStyle = '#2f6fde';
  g.fillStyle = '#2f6fde';
  g.lineWidth = 2.5;
  g.beginPath();
  demo.epochLosses.forEach((loss, e) => (e === 0 ? g.moveTo(X((e + 1) * batchesPerEpoch), Y(loss)) : g.lineTo(X((e + 1) * batchesPerEpoch), Y(loss))));
  g.stroke();
  demo.epochLosses.forEach((loss, e) => { g.beginPath(); g.arc(X((e + 1) * batchesPerEpoch), Y(loss), 3.5, 0, 7); g.fill(); });
}

function frame(): void {
  if (demo.state === 'training') {
    demo.framesWhileTraining++;
    $('frames').textContent = String(demo.framesWhileTraining);
  }
  if (redraw) {
    redraw = false;
    draw();
  }
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);
