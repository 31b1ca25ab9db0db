// The README's API example must run as written: it is extracted from README.md, run through tsx with
// `recur` resolved to this package (a self-reference through package.json "exports"), and its output
// checked (a final training loss that fell well below the variance of a sine, and predictions).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const root = new URL('../', import.meta.url);

test('the README API example runs and learns', async () => {
  const readme = await readFile(new URL('README.md', root), 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(readme);
  assert.ok(block, 'README.md has a ```ts example');
  await mkdir(new URL('build/', root), { recursive: true });
  const file = new URL('build/readme-example.ts', root);
  await writeFile(file, block[1]);
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file.pathname], { cwd: root.pathname, timeout: 60_000 });
  const loss = Number.parseFloat(stdout);
  assert.ok(Number.isFinite(loss) && loss < 0.05, `final loss printed by the example: ${stdout}`);
  assert.match(stdout, /\[ \[ -?\d/, 'predictions printed as nested arrays');
});
