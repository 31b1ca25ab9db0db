# workerd config for the example Worker (bundle first: node scripts/build-examples.mjs worker).
# Run: "$(node -p "require('workerd').default")" serve examples/worker/config.capnp
# (the tests override the address with --socket-addr http=127.0.0.1:PORT). Paths are relative to this file.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:8787", http = (), service = "main") ],
);

const worker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "dist/worker.js"),
    (name = "core-relaxed.wasm", wasm = embed "dist/core-relaxed.wasm"),   # imported by the bundle as a WebAssembly.Module
  ],
  compatibilityDate = "2026-04-01",
);
