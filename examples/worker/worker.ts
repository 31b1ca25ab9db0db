// A Cloudflare Worker serving a recur model: POST /predict runs whole sequences, POST /step advances a
// live series one value at a time with the recurrent state carried by the client (the Worker keeps no
// state, so any instance can serve the next step). GET / describes the model, GET /health reports memory.
//
// The model (examples/worker/model.safetensors, made by make-model.mjs) is bundled into the script; the
// core is imported as a WebAssembly.Module, the only way Workers accept wasm: the relaxed-SIMD build
// ('recur/core-relaxed.wasm'; workerd runs relaxed SIMD), ~15–25% faster than the plain 'recur/core.wasm'.
import { init, loadModel, memory, type Sequential } from 'recur';
import wasm from 'recur/core-relaxed.wasm';
import modelFile from './model.safetensors';

/** Limits, all checked before any work: bodies over MAX_BODY_BYTES get 413, the rest 400. */
export const LIMITS = { maxBodyBytes: 64 * 1024, maxSequences: 64, maxSteps: 512 };

let loading: Promise<Sequential> | undefined;
let served = 0;

/** Loads the core and the model once per isolate, on the first request (Workers forbid top-level await on real work). */
function getModel(): Promise<Sequential> {
  loading ??= init(wasm).then(() => loadModel(new Uint8Array(modelFile)));
  loading.catch(() => { loading = undefined; }); // retry on the next request rather than caching a failure
  return loading;
}

class HttpError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  Response.json(body, { status, headers: { 'cache-control': 'no-store', ...headers } });

export default {
  async fetch(request: Request): Promise<Response> {
    const { pathname } = new URL(request.url);
    try {
      const route = ROUTES[pathname];
      if (!route) throw new HttpError(404, `no route ${pathname}: use POST /predict, POST /step, GET / or GET /health`);
      if (request.method !== route.method) {
        return json({ error: `${pathname} takes ${route.method}, not ${request.method}` }, 405, { allow: route.method });
      }
      const model = await getModel();
      const body = route.method === 'POST' ? await readJson(request) : undefined;
      served++;
      return json(route.handle(model, body));
    } catch (error) {
      if (error instanceof HttpError) return json({ error: error.message }, error.status);
      console.error(error);
      return json({ error: 'internal error' }, 500);
    }
  },
};

type Route = { method: 'GET' | 'POST'; handle(model: Sequential, body: unknown): unknown };

const ROUTES: Record<string, Route> = {
  '/': {
    method: 'GET',
    handle: (model) => ({
      model: model.summary(null),
      description: model.metadata.description,
      endpoints: {
        'POST /predict': '{"x": [[v1, v2, …], …]} → {"y": [next value per sequence]}',
        'POST /step': '{"x": v, "state"?: state from the previous response} → {"y": next value, "state": …}',
        'GET /health': 'requests served and wasm memory',
      },
      limits: LIMITS,
    }),
  },
  '/health': { method: 'GET', handle: () => ({ ok: true, served, memory: memory() }) },
  '/predict': {
    method: 'POST',
    handle(model, body) {
      const x = sequences(field(body, 'x'));
      const y = model.predict({ data: x.data, shape: [x.count, x.steps, 1] });
      return { y: Array.from(y.data) };
    },
  },
  '/step': {
    method: 'POST',
    handle(model, body) {
      const value = field(body, 'x');
      const values = typeof value === 'number' ? [value] : value;
      if (!Array.isArray(values) || values.length === 0 || values.length > LIMITS.maxSteps) {
        throw new HttpError(400, `x must be a number or an array of 1 to ${LIMITS.maxSteps} numbers`);
      }
      values.forEach((v, i) => finite(v, `x[${i}]`));
      const state = (body as { state?: unknown }).state;
      model.resetStates();
      if (state !== undefined && state !== null) model.setStates(checkState(model, state));
      const y = model.predictStep({ data: Float32Array.from(values as number[]), shape: [1, values.length, 1] });
      const carried: Record<string, number[]> = {};
      for (const [name, t] of Object.entries(model.getStates())) carried[name] = Array.from(t.data);
      model.resetStates();
      return { y: y.data[y.data.length - 1], state: carried };
    },
  },
};

/** The body as JSON: 413 over the size limit (declared or actual), 400 when it is not a JSON object. */
async function readJson(request: Request): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (declared > LIMITS.maxBodyBytes) throw new HttpError(413, `body of ${declared} bytes is over the ${LIMITS.maxBodyBytes}-byte limit`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > LIMITS.maxBodyBytes) {
        await reader.cancel();
        throw new HttpError(413, `body is over the ${LIMITS.maxBodyBytes}-byte limit`);
      }
      chunks.push(value);
    }
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) { bytes.set(chunk, at); at += chunk.byteLength; }
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new HttpError(400, `body is not valid JSON (${(error as Error).message})`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'body must be a JSON object like {"x": …}');
  return body;
}

function field(body: unknown, name: string): unknown {
  const value = (body as Record<string, unknown>)[name];
  if (value === undefined) throw new HttpError(400, `body has no "${name}"`);
  return value;
}

function finite(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new HttpError(400, `${where} must be a finite number, got ${JSON.stringify(value)}`);
  return value;
}

/** x: 1 to maxSequences sequences of one length (1 to maxSteps numbers each). */
function sequences(x: unknown): { data: Float32Array; count: number; steps: number } {
  if (!Array.isArray(x) || x.length === 0 || x.length > LIMITS.maxSequences) {
    throw new HttpError(400, `x must be an array of 1 to ${LIMITS.maxSequences} sequences (arrays of numbers)`);
  }
  const steps = Array.isArray(x[0]) ? x[0].length : 0;
  if (steps < 1 || steps > LIMITS.maxSteps) throw new HttpError(400, `each sequence must have 1 to ${LIMITS.maxSteps} numbers`);
  const data = new Float32Array(x.length * steps);
  x.forEach((row: unknown, i) => {
    if (!Array.isArray(row)) throw new HttpError(400, `x[${i}] must be an array of numbers`);
    if (row.length !== steps) throw new HttpError(400, `x[${i}] has ${row.length} values, x[0] has ${steps}: all sequences need the same length`);
    row.forEach((v: unknown, t) => { data[i * steps + t] = finite(v, `x[${i}][${t}]`); });
  });
  return { data, count: x.length, steps };
}

/** The state a /step response carried: the model's state names, each `units` finite numbers. */
function checkState(model: Sequential, state: unknown): Record<string, { data: Float32Array; shape: number[] }> {
  if (typeof state !== 'object' || Array.isArray(state)) throw new HttpError(400, 'state must be the object a previous /step response returned');
  const expected = shapes(model);
  const out: Record<string, { data: Float32Array; shape: number[] }> = {};
  for (const [name, values] of Object.entries(state as Record<string, unknown>)) {
    const units = expected.get(name);
    if (units === undefined) throw new HttpError(400, `state has an unknown entry "${name}" (expected ${[...expected.keys()].join(', ')})`);
    if (!Array.isArray(values) || values.length !== units) throw new HttpError(400, `state["${name}"] must be an array of ${units} numbers`);
    out[name] = { data: Float32Array.from(values, (v, i) => finite(v, `state["${name}"][${i}]`)), shape: [1, units] };
  }
  return out;
}

let stateShapes: Map<string, number> | undefined;
/** State names and sizes, found once by one step from zeros. */
function shapes(model: Sequential): Map<string, number> {
  if (!stateShapes) {
    model.resetStates();
    model.predictStep({ data: new Float32Array(1), shape: [1, 1, 1] });
    stateShapes = new Map(Object.entries(model.getStates()).map(([name, t]) => [name, t.shape[1]]));
    model.resetStates();
  }
  return stateShapes;
}
