// `npm run build` (after the wasm build): dist/ as installed packages use it — ESM JavaScript and .d.ts
// emitted from src/ by tsc (tsconfig.build.json; `.ts` import specifiers rewritten to `.js`), the core as
// dist/core.wasm next to the entries, and the `recur` executable dist/cli/bin.js. No tsx at run time.
//
// Two things tsc does not do, done here and checked:
// - the entries find the core next to themselves: in src/ they point at ../build/release.wasm (the build
//   output, for tsx and the tests); in dist/ that literal becomes './core.wasm', so
//   `new URL('./core.wasm', import.meta.url)` is the pattern bundlers and browsers see;
// - declaration files keep `./x.ts` specifiers (tsc 7 rewrites them in .js only): rewritten to `./x.js`.
import { execFileSync } from 'node:child_process';
import { readFile, writeFile, rm, copyFile, readdir, chmod, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('../', import.meta.url));
const dist = join(root, 'dist');
const wasm = join(root, 'build', 'release.wasm');

await stat(wasm).catch(() => {
  throw new Error('build/release.wasm is missing: run `bash scripts/build-wasm.sh release` first (npm run build does)');
});
await rm(dist, { recursive: true, force: true });
execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });

const SRC_CORE = "'../build/release.wasm'";
const DIST_CORE = "'./core.wasm'";
for (const entry of ['entry-node.js', 'entry-browser.js']) {
  const file = join(dist, entry);
  const text = await readFile(file, 'utf8');
  const count = text.split(SRC_CORE).length - 1;
  if (count !== 1) throw new Error(`dist/${entry}: expected exactly one ${SRC_CORE} to point at ${DIST_CORE}, found ${count}`);
  await writeFile(file, text.replace(SRC_CORE, DIST_CORE));
}

let declarations = 0;
for (const name of await readdir(dist, { recursive: true })) {
  if (!name.endsWith('.d.ts')) continue;
  const file = join(dist, name);
  const text = await readFile(file, 'utf8');
  const fixed = text.replace(/((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]*?)\.ts(['"])/g, '$1$2.js$3');
  if (fixed !== text) {
    await writeFile(file, fixed);
    declarations++;
  }
  if (/['"]\.{1,2}\/[^'"]*\.ts['"]/.test(fixed)) throw new Error(`dist/${name} still imports a .ts path`);
}

await copyFile(wasm, join(dist, 'core.wasm'));
// For TypeScript users of `import wasm from 'recur/core.wasm'` (Workers bundlers give a WebAssembly.Module).
await writeFile(join(dist, 'core.wasm.d.ts'),
  '/** recur\'s numeric core. Workers bundlers (wrangler, esbuild with a copy/CompiledWasm rule) import it as a compiled module. */\n'
  + 'declare const core: WebAssembly.Module;\nexport default core;\n');

const bin = join(dist, 'cli', 'bin.js');
await writeFile(bin, '#!/usr/bin/env node\n// The `recur` executable (plain Node, no TypeScript loader).\nimport \'./main.js\';\n');
await chmod(bin, 0o755);

const files = (await readdir(dist, { recursive: true })).filter((n) => n.endsWith('.js')).length;
const { size } = await stat(join(dist, 'core.wasm'));
console.log(`dist/: ${files} .js files, ${declarations} .d.ts files with specifiers rewritten, core.wasm ${size} bytes`);
