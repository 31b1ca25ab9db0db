// The browser example (examples/browser/) in Debian's headless Chromium: the page trains a character
// model in a Web Worker while staying responsive, draws the loss, generates names, offers the model as a
// download and loads a .safetensors file chosen in its file input. No console errors. Screenshot in out/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, requireDist, launchChromium, watchPage } from './helpers.mjs';
import { buildBrowser } from '../../scripts/build-examples.mjs';
import { serve } from '../../examples/browser/serve.mjs';

const OUT = join(ROOT, 'out');
const LOSS_BELOW = 2.1; // nats per character after 6 epochs (it reaches ~1.87); a uniform guess over 28 characters is ln 28 ≈ 3.33
let server;
let browser;
let page;
let watch;

before(async () => {
  requireDist();
  await mkdir(OUT, { recursive: true });
  const sizes = await buildBrowser();
  console.log(`browser example: ${sizes.map((r) => `${r.file.split('/').pop()} ${r.bytes} B / ${r.gzip} B gzip`).join(', ')}`);
  server = await serve(join(ROOT, 'examples/browser/dist'));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1100, height: 760 }, acceptDownloads: true });
  watch = watchPage(page);
});

after(async () => {
  await browser?.close();
  server?.close();
  if (process.env.VERBOSE) console.log(watch?.logs.join('\n'));
});

test('the page trains in a Web Worker, stays responsive, the loss falls and names appear', async () => {
  const url = `http://127.0.0.1:${server.address().port}/`;
  const started = performance.now();
  await page.goto(url);
  await page.waitForFunction(() => window.demo?.state === 'training', null, { timeout: 20_000 });
  // While the worker trains, the main thread answers at once and keeps drawing frames.
  let slowest = 0;
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    const state = await page.evaluate(() => window.demo.state);
    slowest = Math.max(slowest, performance.now() - t0);
    if (state !== 'training') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await page.waitForFunction(() => window.demo.state === 'done' || window.demo.state === 'error', null, { timeout: 180_000 });
  await page.waitForFunction(() => window.demo.names.length === 10, null, { timeout: 20_000 });
  const demo = await page.evaluate(() => ({ ...window.demo, batchLosses: window.demo.batchLosses.length, crossOriginIsolated }));
  const ms = performance.now() - started;
  console.log(`trained ${demo.epochLosses.length} epochs in ${demo.seconds.toFixed(1)} s (page ${ms.toFixed(0)} ms), epoch losses ${demo.epochLosses.map((l) => l.toFixed(3)).join(' ')}, ${demo.batchLosses} batch points, ${demo.framesWhileTraining} frames drawn while training, slowest main-thread answer ${slowest.toFixed(0)} ms`);
  console.log(`names: ${demo.names.join(', ')}`);
  await page.screenshot({ path: join(OUT, 'browser-example.png') });
  assert.equal(demo.state, 'done', `errors: ${demo.errors.join('; ')}`);
  assert.equal(demo.crossOriginIsolated, true, 'COOP/COEP make the page cross-origin isolated');
  assert.equal(demo.isolated, true, 'the worker is cross-origin isolated too');
  assert.ok(demo.finalLoss < LOSS_BELOW, `final loss ${demo.finalLoss} < ${LOSS_BELOW}`);
  assert.ok(demo.epochLosses.at(-1) < demo.epochLosses[0], 'the loss fell');
  assert.ok(demo.batchLosses > 100, 'the chart got every batch');
  assert.ok(demo.framesWhileTraining > 10, `the page kept drawing frames while training (${demo.framesWhileTraining})`);
  assert.ok(slowest < 1000, `the main thread answered within ${slowest.toFixed(0)} ms`);
  assert.equal(demo.names.length, 10);
  assert.ok(demo.names.filter((n) => /^[a-z' -]{2,24}$/.test(n)).length >= 7, `names look like names: ${demo.names}`);
  assert.equal(await page.locator('#names li').count(), 10, 'the names are on the page');
  assert.deepEqual(watch.problems, []);
});

test('the trained model downloads as .safetensors and loads back through the file input', async () => {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save')]);
  const file = join(OUT, 'browser-names.safetensors');
  await download.saveAs(file);
  // The page generates 10 names with seed 1 after training and after loading a character model: the
  // model read back from the file must give exactly the same names.
  const trained = await page.evaluate(() => { const names = window.demo.names; window.demo.names = []; return names; });
  await page.setInputFiles('#file', file);
  await page.waitForFunction(() => window.demo.loaded === 'browser-names.safetensors' && window.demo.names.length === 10, null, { timeout: 20_000 });
  const summary = await page.locator('#summary').textContent();
  assert.match(summary, /character model/);
  assert.match(summary, /rnn/);
  assert.deepEqual(await page.evaluate(() => window.demo.names), trained);
  assert.deepEqual(watch.problems, []);
});

test('a model that is not a character model loads and shows its summary; a corrupt file shows a clear error', async () => {
  await page.setInputFiles('#file', join(ROOT, 'examples/worker/model.safetensors'));
  await page.waitForFunction(() => window.demo.loaded === 'model.safetensors', null, { timeout: 20_000 });
  const summary = await page.locator('#summary').textContent();
  assert.match(summary, /forecaster|rnn/);
  assert.doesNotMatch(summary, /character model/);
  assert.equal(await page.locator('#generate').isDisabled(), true, 'no names to generate from a forecaster');
  await page.setInputFiles('#file', { name: 'broken.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from('not a model file at all') });
  await page.waitForFunction(() => window.demo.errors.length > 0, null, { timeout: 20_000 });
  const status = await page.locator('#status').textContent();
  assert.match(status, /^error: /);
  assert.deepEqual(watch.problems, []);
});
