// Shared by the runtime tests: the project root, free loopback ports, the real workerd binary, headless
// Chromium through playwright-core, and child processes that are always stopped.
import { spawn, execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const run = promisify(execFile);
const require = createRequire(join(ROOT, 'package.json'));

/**
 * Runs npm: the npm that started these tests when that is npm (`npm run test:runtimes`), else the one on
 * PATH. `npm run` puts node_modules/.bin first on PATH, where any dependency may install an `npm` of its
 * own: until package.json's override of glob-promise, @as-pect/cli's pulled in npm 6, which cannot
 * `npm pack` into another folder.
 */
export function npm(args, options) {
  const cli = process.env.npm_execpath;
  return cli && /npm-cli\.js$/.test(cli) ? run(process.execPath, [cli, ...args], options) : run('npm', args, options);
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Throws a helpful error when dist/ has not been built. */
export function requireDist() {
  if (!existsSync(join(ROOT, 'dist/core.wasm'))) throw new Error('dist/ is missing: run `npm run build` first');
}

/**
 * Starts workerd (the real binary from the pinned npm package, not the .bin shim: killing the shim leaves
 * workerd serving) on 127.0.0.1:port with `config`, and waits until `probe` answers.
 */
export async function startWorkerd(config, { probe = '/' } = {}) {
  const binary = require('workerd').default;
  const port = await freePort();
  const child = spawn(binary, ['serve', config, '--socket-addr', `http=127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`workerd exited (${child.exitCode}):\n${log}`);
    try {
      const res = await fetch(url + probe, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      break;
    } catch {
      if (performance.now() - started > 15_000) { child.kill(); throw new Error(`workerd did not answer within 15 s:\n${log}`); }
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  return {
    url,
    startMs: Math.round(performance.now() - started),
    log: () => log,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Debian's Chromium, headless, driven by playwright-core (never `playwright install`). */
export async function launchChromium() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install it with \`apt-get update && apt-get install -y chromium\``);
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Collects console errors, page errors and failed requests of a playwright page. */
export function watchPage(page) {
  const problems = [];
  const logs = [];
  page.on('console', (m) => {
    logs.push(`[${m.type()}] ${m.text()}`);
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`); });
  return { problems, logs };
}
