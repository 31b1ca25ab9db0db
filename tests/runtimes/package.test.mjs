// recur as a dependency: `npm pack`, install the tarball into an empty project, then run the README's
// runtime examples (marked <!-- runtime-test: … -->) from it: with plain node, bundled by esbuild for the
// browser (run in Chromium) and for a Worker (run in workerd). All three must print the same numbers (Node
// with relaxed SIMD, as Chromium and workerd have it: the same core, so the same bits; plain Node 20 loads
// the plain core, whose numbers differ only in the last bits).
// Also: the `recur` executable with plain node, and TypeScript checking an app against the shipped types.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, readFile, copyFile, rm, mkdir, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, run, npm, requireDist, launchChromium, watchPage, startWorkerd } from './helpers.mjs';
import { serve } from '../../examples/browser/serve.mjs';

let app;       // the consumer project
let tarball;   // { filename, size, unpackedSize, files }
const printed = {}; // what each runtime computed
const X = [[[0.1], [0.2], [0.3]], [[0.5], [0.4], [0.3]]]; // the README examples' input

/** The README blocks marked `<!-- runtime-test: NAME FILE -->`, by name. */
async function readmeBlocks() {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const blocks = {};
  for (const m of readme.matchAll(/<!-- runtime-test: (\S+) (\S+) -->\n```\w+\n([\s\S]*?)```/g)) blocks[m[1]] = { file: m[2], code: m[3] };
  for (const name of ['node', 'browser', 'worker', 'workerd']) assert.ok(blocks[name], `README.md has a runtime-test block "${name}"`);
  return blocks;
}

before(async () => {
  requireDist();
  app = await mkdtemp(join(tmpdir(), 'recur-consumer-'));
  // dist/ is built by `npm run build` (npm test does it); --ignore-scripts keeps npm's JSON clean
  // (prepack would rebuild the same files).
  const { stdout } = await npm(['pack', '--json', '--ignore-scripts', '--pack-destination', app], { cwd: ROOT });
  [tarball] = JSON.parse(stdout);
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'recur-consumer', private: true, type: 'module' }, null, 2));
  await npm(['install', join(app, tarball.filename), '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app, timeout: 180_000 });
  const blocks = await readmeBlocks();
  for (const { file, code } of Object.values(blocks)) await writeFile(join(app, file), code);
});

after(async () => {
  if (app && !process.env.KEEP) await rm(app, { recursive: true, force: true });
});

test('the tarball ships dist/ (ESM, types, source maps, both cores, the executable) and the README, nothing else', () => {
  const files = tarball.files.map((f) => f.path).sort();
  console.log(`${tarball.filename}: ${tarball.size} B packed, ${tarball.unpackedSize} B unpacked, ${files.length} files`);
  for (const f of ['package.json', 'README.md', 'dist/core.wasm', 'dist/core.wasm.d.ts', 'dist/core-relaxed.wasm', 'dist/core-relaxed.wasm.d.ts', 'dist/entry-node.js', 'dist/entry-node.d.ts',
    'dist/entry-browser.js', 'dist/entry-browser.d.ts', 'dist/entry-workerd.js', 'dist/entry-workerd.d.ts', 'dist/cli/bin.js', 'dist/cli/main.js']) {
    assert.ok(files.includes(f), `${f} is in the tarball`);
  }
  const stray = files.filter((f) => !/^(package\.json|README\.md|LICENSE|dist\/.*\.(js|js\.map|d\.ts|wasm))$/.test(f));
  assert.deepEqual(stray, [], 'only dist/, README and package.json');
  assert.ok(!files.some((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')), 'no TypeScript sources');
});

test('Node: with --enable-source-maps, an error from the minified bundle points into the TypeScript source', async () => {
  const program = "import('recur').then((m) => m.tensor([1, 2, 3], [2])).catch((e) => console.log(e.stack))";
  const { stdout } = await run(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', program], { cwd: app });
  assert.match(stdout, /tensor data has 3 values but shape \[2\] needs 2/, `the error: ${stdout}`);
  assert.match(stdout, /src\/tensor\.ts:\d+/, `the stack names src/tensor.ts: ${stdout}`);
});

test('installed, it needs no TypeScript loader: no tsx among the dependencies', async () => {
  await assert.rejects(access(join(app, 'node_modules/tsx')), 'tsx is not installed');
  const pkg = JSON.parse(await readFile(join(app, 'node_modules/recur/package.json'), 'utf8'));
  assert.deepEqual(Object.keys(pkg.dependencies ?? {}).filter((d) => d === 'tsx'), []);
});

test('Node: the README example runs with plain node', async () => {
  // This process's flags (npm run test:runtimes gives Node 20 --experimental-wasm-relaxed-simd), so Node
  // loads the core Chromium and workerd load; then bare `node app.mjs`, whatever core that picks.
  const { stdout } = await run(process.execPath, [...process.execArgv, 'app.mjs'], { cwd: app });
  printed.node = JSON.parse(stdout);
  assert.equal(printed.node.length, 2);
  assert.ok(printed.node.every(([v]) => Number.isFinite(v)));
  const bare = JSON.parse((await run(process.execPath, ['app.mjs'], { cwd: app })).stdout);
  bare.forEach(([v], i) => assert.ok(Math.abs(v - printed.node[i][0]) < 1e-6, `bare node ${v} vs ${printed.node[i][0]}`));
  // The same as this checkout's dist/ computes in this process.
  const recur = await import(join(ROOT, 'dist/entry-node.js'));
  await recur.init();
  const model = new recur.Sequential({ seed: 42, layers: [recur.layers.simpleRNN({ units: 8, inputShape: [null, 1] }), recur.layers.dense({ units: 1 })] });
  assert.deepEqual(printed.node, model.predict(X).toArray());
});

test('Node: the recur executable trains, generates and inspects with plain node', async () => {
  const names = ['anna', 'bella', 'clara', 'dora', 'emma', 'flora', 'greta', 'hanna', 'ida', 'jana'].join('\n');
  await writeFile(join(app, 'names.txt'), names);
  const bin = join(app, 'node_modules/.bin/recur');
  const help = await run(bin, ['--help'], { cwd: app });
  assert.match(help.stdout, /recur train --data FILE/);
  const train = await run(bin, ['train', '--data', 'names.txt', '--epochs', '2', '--units', '8', '--steps', '6', '--samples', '2', '--out', 'm.safetensors'], { cwd: app, timeout: 60_000 });
  assert.match(train.stdout, /model saved to m\.safetensors/);
  const generated = await run(bin, ['generate', '--model', 'm.safetensors', '--count', '3'], { cwd: app });
  assert.equal(generated.stdout.trim().split('\n').length, 3);
  const inspect = await run(bin, ['inspect', 'm.safetensors'], { cwd: app });
  assert.match(inspect.stdout, /Character model: \d+ characters/);
  // The default job finds its data set (a dependency of recur) from the installed package.
  const job = await run(bin, ['--epochs', '1', '--units', '8', '--samples', '1', '--out', 'names.safetensors'], { cwd: app, timeout: 120_000 });
  assert.match(job.stdout, /on 4951 lines/);
});

test('TypeScript: an app type-checks against the shipped .d.ts (strict, nodenext, skipLibCheck off)', async () => {
  await writeFile(join(app, 'typed.ts'), `
import { init, Sequential, layers, saveModelFile, loadModelFile, memory, type History, type WasmSource } from 'recur';
import wasm from 'recur/core.wasm';
const source: WasmSource = wasm;
await init(process.env.X ? source : undefined);
const model = new Sequential({ seed: 1, layers: [layers.simpleRNN({ units: 4, inputShape: [null, 1] }), layers.dense({ units: 1 })] });
model.compile({ optimizer: 'adam', loss: 'mse' });
const history: History = await model.fit([[[1], [2]]], [[3]], { epochs: 1 });
await saveModelFile(model, 'typed.safetensors');
const again: Sequential = await loadModelFile('typed.safetensors');
const bytes: number = memory().wasmBytes;
console.log(history.history.loss, again.predict([[[1], [2]]]).toArray(), bytes);
`);
  await writeFile(join(app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false,
      lib: ['ES2022', 'DOM'], types: ['node'], typeRoots: [join(ROOT, 'node_modules/@types')],
    },
    files: ['typed.ts'],
  }));
  const tsc = join(ROOT, 'node_modules/.bin/tsc');
  await run(tsc, ['-p', 'tsconfig.json'], { cwd: app }).catch((error) => assert.fail(`tsc: ${error.stdout}${error.stderr}`));
});

test('browser: the README example bundled by esbuild runs in Chromium', async () => {
  const { build } = await import('esbuild');
  const pub = join(app, 'public');
  await mkdir(pub, { recursive: true });
  await build({ entryPoints: [join(app, 'main.js')], bundle: true, format: 'esm', outfile: join(pub, 'main.js'), absWorkingDir: app, logLevel: 'warning' });
  for (const core of ['core.wasm', 'core-relaxed.wasm']) await copyFile(join(app, 'node_modules/recur/dist', core), join(pub, core));
  await writeFile(join(pub, 'index.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><body>loading</body><script type="module" src="main.js"></script>\n');
  const server = await serve(pub);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const watch = watchPage(page);
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => document.body.textContent.startsWith('[['), null, { timeout: 20_000 });
    printed.browser = JSON.parse(await page.evaluate(() => document.body.textContent));
    assert.deepEqual(watch.problems, []);
  } finally {
    await browser.close();
    server.close();
  }
  assert.deepEqual(printed.browser, printed.node, 'Chromium computes what Node computes');
});

test('Workers: the README Worker bundled by esbuild runs in workerd', async () => {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(app, 'worker.js')], bundle: true, format: 'esm', conditions: ['workerd', 'worker'],
    loader: { '.wasm': 'copy' }, assetNames: '[name]', outdir: join(app, 'dist'), absWorkingDir: app, logLevel: 'warning',
  });
  const workerd = await startWorkerd(join(app, 'config.capnp'), { probe: '/' });
  try {
    const res = await fetch(workerd.url, { method: 'POST', body: JSON.stringify({ x: X }) });
    assert.equal(res.status, 200, await res.clone().text());
    printed.worker = await res.json();
  } finally {
    await workerd.stop();
  }
  assert.deepEqual(printed.worker, printed.node, 'workerd computes what Node computes');
});
