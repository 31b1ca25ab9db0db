// Serves the example Worker in workerd on 127.0.0.1:8787 (bundle it first: node scripts/build-examples.mjs
// worker, which `npm run example:worker` does). Runs the real workerd binary from the npm package, so that
// Ctrl-C stops it (the .bin/workerd shim would leave it running when killed).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const binary = createRequire(import.meta.url)('workerd').default;
const config = fileURLToPath(new URL('./config.capnp', import.meta.url));
const port = process.env.PORT ?? '8787';
const child = spawn(binary, ['serve', config, '--socket-addr', `http=127.0.0.1:${port}`], { stdio: 'inherit' });
console.log(`workerd serving the example Worker on http://127.0.0.1:${port}/  (try: curl -d '{"x": [[0, 0.5, 0.87, 1, 0.87, 0.5]]}' http://127.0.0.1:${port}/predict)`);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
