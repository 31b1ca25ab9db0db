// `npm run build` (after the wasm build): dist/ as installed packages use it — one bundled ESM file per
// entry (esbuild), the .d.ts declarations emitted from src/ by tsc (tsconfig.build.json), the core as
// dist/core.wasm and dist/core-relaxed.wasm (the relaxed-SIMD build) next to the entries, and the `recur`
// executable dist/cli/bin.js. No tsx at run time.
//
// Why bundles: importing ~30 separate modules costs Node ~35 ms of resolving, reading and compiling at
// every cold start (measured: `import('recur')` 42 ms as modules, 11 ms as one file); one file per entry
// is what a server or a CLI starts fastest from. Each entry (and the CLI, a program of its own) carries its
// own copy of the façade, so no two entries are ever mixed in one process.
//
// Two things the compilers do not do, done here and checked:
// - the bundles find the cores next to themselves: in src/ the entries point at ../build/release.wasm and
//   ../build/relaxed.wasm (the build outputs, for tsx and the tests); in dist/ those literals become
//   './core.wasm' and './core-relaxed.wasm' ('../…' in dist/cli/; rewritten as esbuild loads each
//   source), so `new URL('./core.wasm', import.meta.url)` is the pattern bundlers and browsers see;
// - declaration files keep `./x.ts` specifiers (tsc 7 rewrites them in .js only): rewritten to `./x.js`.
import { execFileSync } from 'node:child_process';
import { readFile, writeFile, rm, copyFile, readdir, chmod, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../', import.meta.url));
const dist = join(root, 'dist');
/** The cores: build output → file in dist/ (the plain SIMD build and the relaxed-SIMD one, see src/wasm.ts). */
const CORES = [['release.wasm', 'core.wasm'], ['relaxed.wasm', 'core-relaxed.wasm']];

for (const [built] of CORES) {
  await stat(join(root, 'build', built)).catch(() => {
    throw new Error(`build/${built} is missing: run \`bash scripts/build-wasm.sh release relaxed\` first (npm run build does)`);
  });
}
await rm(dist, { recursive: true, force: true });
execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json', '--emitDeclarationOnly'], { cwd: root, stdio: 'inherit' });

/** Each bundle: its source, its file in dist/, the platform esbuild resolves for, and the path from it to dist/ (where the cores are). */
const BUNDLES = [
  { src: 'entry-node.ts', out: 'entry-node.js', platform: 'node', toDist: './' },
  { src: 'entry-browser.ts', out: 'entry-browser.js', platform: 'browser', toDist: './' },
  { src: 'entry-workerd.ts', out: 'entry-workerd.js', platform: 'neutral', toDist: undefined },
  { src: 'cli/main.ts', out: 'cli/main.js', platform: 'node', toDist: '../' },
];
for (const b of BUNDLES) {
  const file = join(dist, b.out);
  /** Per core: how many of its literals were rewritten on the way into this bundle. */
  const rewritten = new Map(CORES.map(([built]) => [built, 0]));
  // The core literals are rewritten as the sources are loaded (not in the output), so the source map stays exact.
  const coreLiterals = {
    name: 'core-literals',
    setup(on) {
      on.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async ({ path }) => {
        let text = await readFile(path, 'utf8');
        for (const [built, shipped] of CORES) {
          const pattern = new RegExp(`(['"])\\.\\./build/${built.replace('.', '\\.')}\\1`, 'g');
          text = text.replace(pattern, () => {
            rewritten.set(built, rewritten.get(built) + 1);
            return JSON.stringify(`${b.toDist ?? '<no core file in this bundle>'}${shipped}`);
          });
        }
        return { contents: text, loader: 'ts' };
      });
    },
  };
  // packages: 'external' keeps the CLI's data set package a run-time import, as it is in src/.
  // Minified, with a linked source map back to src/: V8 parses the whole text at every cold start, and
  // comments and indentation are a third of it. Local names are shortened too: measured, V8 compiled the
  // Node bundle in 4.6 ms instead of 6.5 (81 KB instead of 101). esbuild's keepNames, which would keep the
  // `.name` of functions and classes, cost 0.8 ms of that back, so it is off. Stack traces name src/ with --enable-source-maps. The messages
  // that print a constructor's name (what init() or the safetensors reader got instead of bytes) print the
  // user's value's, and built-in classes keep their names.
  await build({
    entryPoints: [join(root, 'src', b.src)], outfile: file, bundle: true, format: 'esm', platform: b.platform,
    target: 'es2022', packages: 'external', logLevel: 'warning', plugins: [coreLiterals],
    minify: true, sourcemap: 'linked', sourcesContent: true,
  });
  for (const [built] of CORES) {
    const expected = b.toDist === undefined ? 0 : 1;
    if (rewritten.get(built) !== expected) {
      throw new Error(`dist/${b.out}: expected ${expected} '../build/${built}' literal(s) to point at the core, found ${rewritten.get(built)}`);
    }
  }
  if ((await readFile(file, 'utf8')).includes('../build/')) throw new Error(`dist/${b.out} still refers to ../build/`);
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

for (const [built, shipped] of CORES) {
  await copyFile(join(root, 'build', built), join(dist, shipped));
  // For TypeScript users of `import wasm from 'recur/core.wasm'` (Workers bundlers give a WebAssembly.Module).
  await writeFile(join(dist, `${shipped}.d.ts`),
    '/** recur\'s numeric core. Workers bundlers (wrangler, esbuild with a copy/CompiledWasm rule) import it as a compiled module. */\n'
    + 'declare const core: WebAssembly.Module;\nexport default core;\n');
}

const bin = join(dist, 'cli', 'bin.js');
await writeFile(bin, '#!/usr/bin/env node\n// The `recur` executable (plain Node, no TypeScript loader).\nimport \'./main.js\';\n');
await chmod(bin, 0o755);

const { size } = await stat(join(dist, 'core.wasm'));
const { size: relaxedSize } = await stat(join(dist, 'core-relaxed.wasm'));
console.log(`dist/: ${BUNDLES.length} bundles, ${declarations} .d.ts files with specifiers rewritten, core.wasm ${size} bytes, core-relaxed.wasm ${relaxedSize} bytes`);
