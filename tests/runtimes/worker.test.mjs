// The example Worker (examples/worker/) in workerd, the runtime Cloudflare Workers run on: good requests
// and Node's answers for the same model and input, bad requests (400 with a message, 404/405, 413 for big
// bodies, declared or streamed), /step carrying the state through the client, many requests in a row
// without memory growth, and the bundle size against the free plan's limit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { ROOT, requireDist, startWorkerd } from './helpers.mjs';
import { buildWorker } from '../../scripts/build-examples.mjs';

let workerd;
let node; // recur in this Node process, from dist/ (what `import 'recur'` gives), with the same model file
let bundle;

before(async () => {
  requireDist();
  bundle = await buildWorker();
  workerd = await startWorkerd(join(ROOT, 'examples/worker/config.capnp'), { probe: '/health' });
  const recur = await import(join(ROOT, 'dist/entry-node.js'));
  await recur.init();
  node = await recur.loadModelFile(join(ROOT, 'examples/worker/model.safetensors'));
});

after(async () => {
  await workerd?.stop();
  if (process.env.VERBOSE) console.log(workerd?.log());
});

const post = (path, body, init = {}) => fetch(workerd.url + path, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body), ...init,
});

async function expectError(res, status, message) {
  assert.equal(res.status, status, `status (body: ${await res.clone().text()})`);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  const body = await res.json();
  assert.match(body.error, message);
}

/** n waves of `steps` values, like the ones the model was trained on. */
function waves(n, steps, shift = 0) {
  return Array.from({ length: n }, (_, i) => Array.from({ length: steps }, (_, t) => (0.6 + 0.1 * i) * Math.sin((2 * Math.PI * (t + shift)) / (10 + 3 * i))));
}

test('the bundle is small: worker.js + core-relaxed.wasm, gzipped, far under the free plan\'s 3 MB', () => {
  const gzip = bundle.reduce((a, r) => a + r.gzip, 0);
  const bytes = bundle.reduce((a, r) => a + r.bytes, 0);
  console.log(`worker bundle: ${bytes} B, ${gzip} B gzip (${bundle.map((r) => `${r.file} ${r.bytes} B / ${r.gzip} B gzip`).join(', ')}); workerd answered ${workerd.startMs} ms after spawn`);
  assert.ok(gzip < 3 * 1024 * 1024, `${gzip} B gzip`);
});

test('GET / describes the model; GET /health reports wasm memory', async () => {
  const info = await (await fetch(workerd.url + '/')).json();
  assert.match(info.model, /rnn/);
  assert.ok(info.endpoints['POST /predict']);
  const health = await (await fetch(workerd.url + '/health')).json();
  assert.equal(health.ok, true);
  assert.ok(health.memory.wasmBytes >= 65536 && health.memory.liveBytes > 0, JSON.stringify(health));
});

test('POST /predict answers exactly what Node computes for the same model and input', async () => {
  for (const [n, steps] of [[1, 24], [5, 24], [3, 7], [64, 40]]) {
    const x = waves(n, steps);
    const res = await post('/predict', { x });
    assert.equal(res.status, 200, await res.clone().text());
    const { y } = await res.json();
    const want = Array.from(node.predict(x.map((row) => row.map((v) => [v]))).data);
    assert.deepEqual(y, want, `n=${n} steps=${steps}`);
  }
  // And it forecasts: the next value of a clean wave, close to the truth.
  const { y } = await (await post('/predict', { x: waves(1, 24) })).json();
  const truth = 0.6 * Math.sin((2 * Math.PI * 24) / 10);
  assert.ok(Math.abs(y[0] - truth) < 0.1, `forecast ${y[0]} vs ${truth}`);
});

test('bad requests get 400 with a message naming the problem; wrong route 404, wrong method 405', async () => {
  await expectError(await post('/predict', '{"x": [[1, 2'), 400, /body is not valid JSON/);
  await expectError(await post('/predict', '[1, 2]'), 400, /body must be a JSON object/);
  await expectError(await post('/predict', {}), 400, /body has no "x"/);
  await expectError(await post('/predict', { x: 'abc' }), 400, /x must be an array of 1 to 64 sequences/);
  await expectError(await post('/predict', { x: [] }), 400, /x must be an array of 1 to 64 sequences/);
  await expectError(await post('/predict', { x: waves(65, 3) }), 400, /1 to 64 sequences/);
  await expectError(await post('/predict', { x: [[]] }), 400, /each sequence must have 1 to 512 numbers/);
  await expectError(await post('/predict', { x: [new Array(513).fill(0)] }), 400, /1 to 512 numbers/);
  await expectError(await post('/predict', { x: [[1, 2], [3]] }), 400, /x\[1\] has 1 values, x\[0\] has 2/);
  await expectError(await post('/predict', { x: [[1, 'a']] }), 400, /x\[0\]\[1\] must be a finite number, got "a"/);
  await expectError(await post('/predict', { x: [[1, null]] }), 400, /x\[0\]\[1\] must be a finite number, got null/);
  await expectError(await post('/predict', '{"x": [[1, 1e999]]}'), 400, /x\[0\]\[1\] must be a finite number/);
  await expectError(await post('/predict', { x: [[1], 2] }), 400, /x\[1\] must be an array of numbers/);
  await expectError(await post('/step', { x: 'up' }), 400, /x must be a number or an array/);
  await expectError(await post('/step', { x: 1, state: [1, 2] }), 400, /state must be the object/);
  await expectError(await post('/step', { x: 1, state: { 'nope.h': [1] } }), 400, /state has an unknown entry "nope\.h"/);
  await expectError(await fetch(workerd.url + '/predict'), 405, /\/predict takes POST, not GET/);
  await expectError(await fetch(workerd.url + '/nowhere'), 404, /no route \/nowhere/);
});

test('oversized bodies get 413, whether the size is declared or only streamed', async () => {
  const big = JSON.stringify({ x: [new Array(20000).fill(0.123456)] });
  assert.ok(big.length > 64 * 1024);
  await expectError(await post('/predict', big), 413, /over the 65536-byte limit/);
  // A chunked body (no content-length): the Worker counts while reading.
  const chunk = new TextEncoder().encode(' '.repeat(16 * 1024));
  let sent = 0;
  const stream = new ReadableStream({
    pull(controller) {
      if (sent++ < 8) controller.enqueue(chunk);
      else controller.close();
    },
  });
  await expectError(await post('/predict', undefined, { body: stream, duplex: 'half' }), 413, /body is over the 65536-byte limit/);
  // The Worker still answers normally afterwards.
  assert.equal((await post('/predict', { x: waves(1, 5) })).status, 200);
});

test('POST /step carries the state through the client: stepping through a series equals predicting on all of it', async () => {
  const series = waves(1, 30)[0];
  let state = null;
  let y;
  const stateNames = new Set();
  for (const v of series) {
    const res = await post('/step', { x: v, state });
    assert.equal(res.status, 200, await res.clone().text());
    ({ y, state } = await res.json());
    for (const [name, values] of Object.entries(state)) {
      stateNames.add(name);
      assert.equal(values.length, 24, `${name} has the RNN's 24 units`);
    }
  }
  assert.deepEqual([...stateNames], ['rnn.h']);
  const [whole] = (await (await post('/predict', { x: [series] })).json()).y;
  assert.ok(Math.abs(y - whole) < 1e-5, `last step ${y} vs whole sequence ${whole}`);
  // Several values in one request, and Node's streaming API give the same.
  const chunked = await (await post('/step', { x: series.slice(0, 18) })).json();
  const rest = await (await post('/step', { x: series.slice(18), state: chunked.state })).json();
  assert.ok(Math.abs(rest.y - whole) < 1e-5, `chunks ${rest.y} vs ${whole}`);
  node.resetStates();
  const local = node.predictStep({ data: Float32Array.from(series), shape: [1, series.length, 1] });
  assert.ok(Math.abs(local.data[0] - whole) < 1e-5, `Node predictStep ${local.data[0]} vs ${whole}`);
  node.resetStates();
});

test('many requests in a row: wasm memory and live bytes stay flat', async () => {
  const warm = await post('/predict', { x: waves(64, 40) });
  assert.equal(warm.status, 200);
  const before = (await (await fetch(workerd.url + '/health')).json()).memory;
  const started = performance.now();
  const N = 600;
  for (let i = 0; i < N; i++) {
    const res = i % 3 === 2
      ? await post('/step', { x: i / N, state: null })
      : await post('/predict', { x: waves(1 + (i % 64), 1 + (i % 40), i) });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
  }
  const ms = performance.now() - started;
  const afterHealth = await (await fetch(workerd.url + '/health')).json();
  console.log(`${N} requests in ${ms.toFixed(0)} ms (${(ms / N).toFixed(2)} ms each); memory before ${JSON.stringify(before)}, after ${JSON.stringify(afterHealth.memory)}`);
  assert.deepEqual(afterHealth.memory, before);
});
