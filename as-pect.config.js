// as-pect (AssemblyScript unit tests) for the numeric core: compiles each tests/assembly/**/*.spec.ts
// together with the kernels it imports, with SIMD enabled (as-pect.asconfig.json), and runs it.
// Run: node_modules/.bin/asp --config as-pect.config.js   (as-pect.asconfig.json is its default --as-config;
// it does not extend asconfig.json because as-pect needs the full runtime and its own abort import).
// Exits non-zero when a spec fails.
export default {
  entries: ["tests/assembly/**/*.spec.ts"],
  include: ["tests/assembly/**/*.include.ts"],
  disclude: [/node_modules/],
  async instantiate(memory, createImports, instantiate, binary) {
    return instantiate(binary, createImports({ env: { memory } }));
  },
  outputBinary: false,
};
