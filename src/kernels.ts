// The typed interface of every export of the numeric core (assembly/index.ts): the ABI contract.
//
// Every pointer is a byte address in the core's linear memory, 4-byte aligned (16-byte aligned when the
// façade planned it); every count is an element count. Kernels trust their arguments: the façade
// validates shapes and values before calling. Tensors are row-major and contiguous unless a leading
// dimension (ld*) says otherwise. A pointer argument documented "or 0" may be 0 to mean "absent".
//
// Conventions (as in llm.c): outputs first where a kernel has a main output, then inputs, then dims;
// every gradient is named d + its forward name; backward kernels ADD into parameter and input gradients
// (+=) so that several contributions (time steps, both directions of a layer, several consumers) sum;
// zeroing is the caller's job. Buffers documented as "consumed" are overwritten with scratch values.
//
// Dims legend: T time steps, B batch, I input features, H hidden units, N rows (= T·B or B), O outputs,
// C classes.
//
// A test (tests/src/kernels.test.ts) checks that this interface and the real exports list the same names.

/** Activation codes shared by rnn_*, dense_* and act_*. */
export const Act = { Linear: 0, Tanh: 1, Sigmoid: 2, Relu: 3 } as const;

/** sgemm flag bits. */
export const Gemm = {
  /** op(A) = Aᵀ (A is stored [K, M]). */
  TransA: 1,
  /** op(B) = Bᵀ (B is stored [N, K]). */
  TransB: 2,
  /** C += op(A)·op(B) instead of C = op(A)·op(B). */
  Accumulate: 4,
} as const;

export interface Kernels {
  /** The wasm memory (the façade grows it; views are rebuilt after growth). */
  readonly memory: WebAssembly.Memory;

  /** First byte address free for the façade's allocator (above the core's static data). */
  heap_base(): number;

  /** The ABI version of this build; the façade refuses a core whose version differs from its own. */
  abi_version(): number;

  /**
   * C[M, N] (+)= op(A)[M, K] · op(B)[K, N] with flags from {@link Gemm}.
   * Supported combinations: NN (flags 0), NT (TransB) and TN (TransA); TT is not supported.
   * lda/ldb/ldc are the row strides (in elements) of A, B, C as stored. SIMD, register blocked,
   * with scalar tails for any M, N, K ≥ 0 (K = 0 gives C = 0, or C unchanged when accumulating).
   */
  sgemm(flags: number, M: number, N: number, K: number, A: number, lda: number, B: number, ldb: number, C: number, ldc: number): void;

  /** y[n] = act(x[n]) (in place allowed: y = x). Act.Linear copies. */
  act_forward(act: number, n: number, x: number, y: number): void;

  /** dx[n] += dy[n] · act'(·), the derivative taken from the forward OUTPUT y (tanh: 1 − y², sigmoid: y(1 − y), relu: y > 0). */
  act_backward(act: number, n: number, y: number, dy: number, dx: number): void;

  /**
   * SimpleRNN over a whole sequence, time-major: h_t = act(x_t·W_ihᵀ + b_ih + h_prev·W_hhᵀ + b_hh).
   * x [T, B, I]; w_ih [H, I]; w_hh [H, H]; b_ih, b_hh [H] or 0; h0 [B, H] or 0 (zeros).
   * hs [T, B, H] (out): hs[t] is the state after consuming x[t], at x's position t.
   * reverse = 0 runs t = 0..T−1 (h_prev of t is hs[t−1], h0 for t = 0);
   * reverse = 1 runs t = T−1..0 (h_prev of t is hs[t+1], h0 for t = T−1). The final state is
   * hs[T−1] (forward) or hs[0] (reverse). Input projections of all steps are one GEMM.
   */
  rnn_forward(act: number, reverse: number, T: number, B: number, I: number, H: number,
    x: number, w_ih: number, w_hh: number, b_ih: number, b_hh: number, h0: number, hs: number): void;

  /**
   * Backpropagation through time for rnn_forward (same act, reverse, dims, x, weights, h0, hs).
   * dhs [T, B, H] (consumed): dLoss/d hs[t] from above (zeros where a step's output is unused); it is
   * overwritten with the pre-activation gradients. dh_last [B, H] or 0: dLoss/d(final state), added to
   * the last processed step. Accumulates (+=): dx [T, B, I] or 0, dw_ih [H, I], dw_hh [H, H],
   * db_ih and db_hh [H] or 0, dh0 [B, H] or 0.
   */
  rnn_backward(act: number, reverse: number, T: number, B: number, I: number, H: number,
    x: number, w_ih: number, w_hh: number, h0: number, hs: number, dhs: number, dh_last: number,
    dx: number, dw_ih: number, dw_hh: number, db_ih: number, db_hh: number, dh0: number): void;

  /** y[N, O] = act(x[N, I]·wᵀ + b); w [O, I] (PyTorch nn.Linear layout); b [O] or 0. */
  dense_forward(act: number, N: number, I: number, O: number, x: number, w: number, b: number, y: number): void;

  /**
   * Backward of dense_forward. y is the forward output; dy [N, O] (consumed: becomes the pre-activation
   * gradient). Accumulates: dx [N, I] or 0, dw [O, I], db [O] or 0.
   */
  dense_backward(act: number, N: number, I: number, O: number, x: number, w: number, y: number, dy: number,
    dx: number, dw: number, db: number): void;

  /** Row-wise softmax: y[N, C] = softmax(x[N, C]) (in place allowed), max-subtracted. */
  softmax_forward(N: number, C: number, x: number, y: number): void;

  /**
   * Fused softmax + cross-entropy over N rows of C logits. targets: [N, C] probabilities (sparse = 0)
   * or [N] class indices stored as f32 (sparse = 1). Writes probs [N, C] (or 0) and, when dlogits ≠ 0,
   * dlogits = scale · (probs − targets) (overwrite). Returns the SUM over rows of −Σ target·log p
   * (log p computed as logit − logsumexp, never −Infinity).
   */
  softmax_cross_entropy(N: number, C: number, logits: number, targets: number, sparse: number,
    probs: number, dlogits: number, scale: number): number;

  /**
   * Fused sigmoid + binary cross-entropy over n logits with targets in [0, 1]. Writes probs (or 0) and,
   * when dlogits ≠ 0, dlogits = scale · (sigmoid(logit) − target). Returns the SUM of the element losses
   * (computed stably from the logits).
   */
  sigmoid_cross_entropy(n: number, logits: number, targets: number, probs: number, dlogits: number, scale: number): number;

  /** Mean squared error parts: returns Σ (pred − target)²; when dpred ≠ 0, dpred = 2·scale·(pred − target) (overwrite). */
  mse(n: number, pred: number, target: number, dpred: number, scale: number): number;

  /**
   * SGD with momentum over a whole parameter block (PyTorch semantics):
   * g = grad + weightDecay·p; v = momentum·v + g; p −= lr·(nesterov ? g + momentum·v : v).
   * velocity may be 0 when momentum = 0.
   */
  sgd_update(n: number, params: number, grads: number, velocity: number, lr: number, momentum: number,
    nesterov: number, weightDecay: number): void;

  /**
   * Adam over a whole parameter block (PyTorch semantics, bias corrections passed in):
   * m = b1·m + (1−b1)·g; v = b2·v + (1−b2)·g²; p −= lr · (m / bc1) / (sqrt(v / bc2) + eps),
   * with bc1 = 1 − b1^step, bc2 = 1 − b2^step computed by the caller.
   */
  adam_update(n: number, params: number, grads: number, m: number, v: number, lr: number, b1: number,
    b2: number, eps: number, bc1: number, bc2: number): void;

  /** Global L2 norm clipping: returns the norm of grads[n] (f64 accumulation); if it exceeds maxNorm > 0, scales grads by maxNorm / norm. */
  clip_grad_norm(n: number, grads: number, maxNorm: number): number;
}

/** Names of every export of the core, for the interface test and the loader's check. */
export const KERNEL_NAMES = [
  'memory', 'heap_base', 'abi_version', 'sgemm', 'act_forward', 'act_backward', 'rnn_forward', 'rnn_backward',
  'dense_forward', 'dense_backward', 'softmax_forward', 'softmax_cross_entropy', 'sigmoid_cross_entropy',
  'mse', 'sgd_update', 'adam_update', 'clip_grad_norm',
] as const satisfies readonly (keyof Kernels)[];

/** The ABI version this façade speaks; must equal the core's abi_version(). */
export const ABI_VERSION = 1;
