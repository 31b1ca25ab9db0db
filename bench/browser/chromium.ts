// The browser benches' harness (browser-infer.bench.ts, browser-sgemm.bench.ts): a page module of this
// folder bundled with esbuild, a loopback server for it and the files it fetches, and headless Debian
// Chromium (/usr/bin/chromium, or $CHROMIUM) driven through playwright-core. The server sends COOP/COEP
// headers, so that the page is cross-origin isolated and its performance.now() is not coarsened to 100 µs.

import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
/** Why a browser bench has nothing to measure, or undefined when Chromium is there. */
export const noChromium = (): string | undefined =>
  (existsSync(CHROMIUM) ? undefined : `no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM)`);
/** The browser's rows are workloads and cases of their own: "W1 lstm-infer-b1, Chromium" etc. */
export const IN_BROWSER = ', Chromium';

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };

/**
 * Opens the page of `pageModule` (a file of bench/browser/, which sets globalThis.bench) in headless Chromium,
 * serving `routes` (URL prefix → folder) beside it, runs `use` with the page and Chromium's version, and
 * closes everything.
 */
export async function withBenchPage<T>(pageModule: string, routes: [string, string][],
  use: (page: Page, chromiumVersion: string) => Promise<T>): Promise<T> {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL(pageModule, import.meta.url))],
    bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, logLevel: 'warning',
  });
  const script = bundle.outputFiles[0].contents;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
    if (path === '/') {
      res.writeHead(200, { ...headers, 'Content-Type': 'text/html' }).end('<!doctype html><script type="module" src="/page.js"></script>');
      return;
    }
    if (path === '/page.js') {
      res.writeHead(200, { ...headers, 'Content-Type': TYPES['.js'] }).end(script);
      return;
    }
    const route = routes.find(([prefix]) => path.startsWith(prefix));
    const file = route && join(route[1], path.slice(route[0].length));
    if (!file || !file.startsWith(route[1]) || !existsSync(file)) {
      res.writeHead(404, headers).end();
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };

  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => 'bench' in globalThis, undefined, { timeout: 30_000 }).catch(() => {
      throw new Error(`the bench page did not load: ${errors.join('; ') || 'no page error'}`);
    });
    return await use(page, browser.version());
  } finally {
    await browser.close();
    server.close();
  }
}
