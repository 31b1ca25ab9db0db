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
// Dims legend: T time steps, B batch, I input features, H hidden units, G gate rows (4H LSTM, 3H GRU),
// N rows (= T·B or B), O outputs, C classes, V vocabulary size, D embedding width.
//
// Sequences of different lengths (all recurrent kernels): `lengths` is 0 (every sequence has T steps) or
// the address of B little-endian i32 lengths in [0, T]. At a position t ≥ lengths[b] row b is padding:
// its state is carried unchanged (h_t = h_prev, and c_t = c_prev for LSTM) and no gate is computed, so
// in the forward direction hs[T−1] holds each sequence's state at its own last step, and in the reverse
// direction the padding is visited first and only carries h0 to the sequence's own end. Backward treats
// padding as the identity: dh_prev += dh_t for those rows, and they add nothing to weight gradients.
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
  /**
   * op(B) = Wᵀ where B is pack_weights(N, K, W) of a weight W [N, K]: C (+)= A·Wᵀ with A [M, K] (row stride
   * lda). ldb is ignored, and so are TransA and TransB when PackedB is set. Columns of C ≥ N are never written.
   */
  PackedB: 8,
} as const;

/**
 * Floats of pack_weights(N, K, ·): its strips (N rounded up to a multiple of 8, times K), then its row blocks
 * (⌊N/28⌋·28·K).
 */
export function packedFloats(N: number, K: number): number {
  return Math.ceil(N / 8) * 8 * K + Math.floor(N / 28) * 28 * K;
}

export interface Kernels {
  /** The wasm memory (the façade grows it; views are rebuilt after growth). */
  readonly memory: WebAssembly.Memory;

  /** First byte address free for the façade's allocator (above the core's static data). */
  heap_base(): number;

  /** The ABI version of this build; the façade refuses a core whose version differs from its own. */
  abi_version(): number;

  /** 1 for the relaxed-SIMD build (fused multiply-add), 0 for the plain SIMD build. */
  relaxed_simd(): number;

  /**
   * C[M, N] (+)= op(A)[M, K] · op(B)[K, N] with flags from {@link Gemm}.
   * Supported combinations: NN (flags 0), NT (TransB) and TN (TransA); TT is not supported.
   * lda/ldb/ldc are the row strides (in elements) of A, B, C as stored. SIMD, register blocked,
   * with scalar tails for any M, N, K ≥ 0 (K = 0 gives C = 0, or C unchanged when accumulating).
   */
  sgemm(flags: number, M: number, N: number, K: number, A: number, lda: number, B: number, ldb: number, C: number, ldc: number): void;

  /**
   * Packs a weight W [N, K] (row-major, used as x·Wᵀ) into packedFloats(N, K) floats, two layouts one after
   * the other: K-contiguous strips of 8 output columns, strips[s][k][j] = W[8s + j, k] (zero for 8s + j ≥ N),
   * ceil(N/8)·8·K floats, which products of several rows stream with aligned loads; then row blocks of 28
   * columns, blocks[q][k][j] = W[28q + j, k] for q < ⌊N/28⌋, which a single row (the GEMV of a batch-1
   * step) reads as one stream. Used by PackedB and the pw_* arguments of the forward kernels. w and packed
   * must not overlap; N = 0 or K = 0 writes nothing. Repack after every change to w.
   */
  pack_weights(N: number, K: number, w: number, packed: number): void;

  /** y[n] = act(x[n]) (in place allowed: y = x). Act.Linear copies. */
  act_forward(act: number, n: number, x: number, y: number): void;

  /** dx[n] += dy[n] · act'(·), the derivative taken from the forward OUTPUT y (tanh: 1 − y², sigmoid: y(1 − y), relu: y > 0). */
  act_backward(act: number, n: number, y: number, dy: number, dx: number): void;

  /**
   * SimpleRNN over a whole sequence, time-major: h_t = act(x_t·W_ihᵀ + b_ih + h_prev·W_hhᵀ + b_hh).
   * x [T, B, I]; w_ih [H, I]; w_hh [H, H]; pw_ih, pw_hh: pack_weights of w_ih and w_hh, or 0 (then the
   * plain GEMMs run; the packed ones are faster, the results agree to rounding); b_ih, b_hh [H] or 0;
   * h0 [B, H] or 0 (zeros); lengths [B] i32 or 0.
   * hs [T, B, H] (out): hs[t] is the state after consuming x[t], at x's position t.
   * reverse = 0 runs t = 0..T−1 (h_prev of t is hs[t−1], h0 for t = 0);
   * reverse = 1 runs t = T−1..0 (h_prev of t is hs[t+1], h0 for t = T−1). The final state is
   * hs[T−1] (forward) or hs[0] (reverse). Input projections of all steps are one GEMM; when every row of
   * x has at most one nonzero (one-hot input), they are one column of W_ih per row instead, and backward's
   * dw_ih adds each row's gradient into one column (assembly/onehot.ts; the same values, to rounding).
   * The same holds for lstm_*, gru_* and dense_*.
   */
  rnn_forward(act: number, reverse: number, T: number, B: number, I: number, H: number,
    x: number, w_ih: number, w_hh: number, pw_ih: number, pw_hh: number, b_ih: number, b_hh: number, h0: number, lengths: number, hs: number): void;

  /**
   * Backpropagation through time for rnn_forward (same act, reverse, dims, x, weights, h0, lengths, hs).
   * dhs [T, B, H] (consumed): dLoss/d hs[t] from above (zeros where a step's output is unused); it is
   * overwritten with the pre-activation gradients. dh_last [B, H] or 0: dLoss/d(final state), added to
   * the last processed step. Accumulates (+=): dx [T, B, I] or 0, dw_ih [H, I], dw_hh [H, H],
   * db_ih and db_hh [H] or 0, dh0 [B, H] or 0.
   */
  rnn_backward(act: number, reverse: number, T: number, B: number, I: number, H: number,
    x: number, w_ih: number, w_hh: number, h0: number, lengths: number, hs: number, dhs: number, dh_last: number,
    dx: number, dw_ih: number, dw_hh: number, db_ih: number, db_hh: number, dh0: number): void;

  /**
   * LSTM over a whole sequence (PyTorch nn.LSTM, gate order i, f, g, o):
   *   [i, f, g, o] = [ract, ract, act, ract](x_t·W_ihᵀ + b_ih + h_prev·W_hhᵀ + b_hh)
   *   c_t = f ⊙ c_prev + i ⊙ g;   h_t = o ⊙ act(c_t)
   * act is the cell activation (Keras `activation`, tanh by default), ract the gate activation (Keras
   * `recurrentActivation`, sigmoid by default). x [T, B, I]; w_ih [G, I]; w_hh [G, H]; pw_ih, pw_hh packed
   * or 0 as in rnn_forward; b_ih, b_hh [G] or 0;
   * h0, c0 [B, H] or 0; lengths [B] i32 or 0. Outputs, position-aligned like rnn_forward: hs, cs [T, B, H]
   * (states after consuming x[t]); gates [T, B, G]: the activated gates i, f, g, o (the cache for backward;
   * rows at padded positions are zeros). act(c_t) is not cached: backward recomputes it from cs.
   * The input projections of all steps are one GEMM; each step's recurrent GEMM is fused with the gates.
   */
  lstm_forward(act: number, ract: number, reverse: number, T: number, B: number, I: number, H: number,
    x: number, w_ih: number, w_hh: number, pw_ih: number, pw_hh: number, b_ih: number, b_hh: number, h0: number, c0: number, lengths: number,
    hs: number, cs: number, gates: number): void;

  /**
   * BPTT for lstm_forward (same arguments and caches). gates (consumed) is overwritten with the
   * pre-activation gate gradients; dhs [T, B, H] (consumed) as in rnn_backward; dh_last, dc_last [B, H]
   * or 0: gradients of the final h and c, added at the last processed step. work: scratch of B·H floats
   * (the dc carried between steps). Accumulates: dx [T, B, I] or 0,
   * dw_ih [G, I], dw_hh [G, H], db_ih, db_hh [G] or 0, dh0, dc0 [B, H] or 0.
   */
  lstm_backward(act: number, ract: number, reverse: number, T: number, B: number, I: number, H: number,
    x: number, w_ih: number, w_hh: number, h0: number, c0: number, lengths: number, hs: number, cs: number,
    gates: number, dhs: number, dh_last: number, dc_last: number, work: number,
    dx: number, dw_ih: number, dw_hh: number, db_ih: number, db_hh: number, dh0: number, dc0: number): void;

  /**
   * GRU over a whole sequence (PyTorch nn.GRU, gate order r, z, n):
   *   r = ract(W_ir x + b_ir + W_hr h + b_hr);  z = ract(W_iz x + b_iz + W_hz h + b_hz)
   *   resetAfter = 1 (PyTorch, Keras reset_after=True):  n = act(W_in x + b_in + r ⊙ (W_hn h + b_hn))
   *   resetAfter = 0 (the original, Keras reset_after=False): n = act(W_in x + b_in + W_hn (r ⊙ h) + b_hn)
   *   h_t = (1 − z) ⊙ n + z ⊙ h_prev
   * x [T, B, I]; w_ih [G, I]; w_hh [G, H]; pw_ih, pw_hh packed or 0 as in rnn_forward (pack_weights of the
   * whole [G, ·] weights; resetAfter = 0 reads the r, z rows and the n rows of pw_hh as two column ranges, any H);
   * b_ih, b_hh [G] or 0; h0 [B, H] or 0; lengths [B] i32 or 0. Outputs: hs [T, B, H]; gates [T, B, 4H]: r, z, n (activated) and a fourth block the backward needs
   * (W_hn h + b_hn when resetAfter = 1, r ⊙ h_prev when resetAfter = 0); rows at padded positions are zeros.
   */
  gru_forward(act: number, ract: number, resetAfter: number, reverse: number, T: number, B: number, I: number, H: number,
    x: number, w_ih: number, w_hh: number, pw_ih: number, pw_hh: number, b_ih: number, b_hh: number, h0: number, lengths: number,
    hs: number, gates: number): void;

  /**
   * BPTT for gru_forward (same arguments and caches). gates (consumed) becomes scratch; dhs [T, B, H]
   * (consumed) and dh_last [B, H] or 0 as in rnn_backward. work: scratch of B·H floats (used when
   * resetAfter = 0; may be 0 when resetAfter = 1). Accumulates: dx or 0,
   * dw_ih [G, I], dw_hh [G, H], db_ih, db_hh [G] or 0, dh0 [B, H] or 0.
   */
  gru_backward(act: number, ract: number, resetAfter: number, reverse: number, T: number, B: number, I: number, H: number,
    x: number, w_ih: number, w_hh: number, h0: number, lengths: number, hs: number, gates: number,
    dhs: number, dh_last: number, work: number,
    dx: number, dw_ih: number, dw_hh: number, db_ih: number, db_hh: number, dh0: number): void;

  /**
   * Embedding lookup: out[n, :] = table[ids[n], :] for N ids stored as f32 integers in [0, V) (checked by
   * the façade). table [V, D]; out [N, D].
   */
  embedding_forward(N: number, D: number, ids: number, table: number, out: number): void;

  /** dtable[ids[n], :] += dout[n, :] (accumulate; repeated ids add up). */
  embedding_backward(N: number, D: number, ids: number, dout: number, dtable: number): void;

  /** y[N, O] = act(x[N, I]·wᵀ + b); w [O, I] (PyTorch nn.Linear layout); pw: pack_weights(O, I, w) or 0; b [O] or 0. */
  dense_forward(act: number, N: number, I: number, O: number, x: number, w: number, pw: number, b: number, y: number): void;

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

  /**
   * The orthogonal initializer's factorisation, in f64 (the one kernel that is not f32): Q·diag(sign(R_kk))
   * of the thin QR of a (the unique Q whose R has a positive diagonal; by Gram–Schmidt, or by Householder
   * reflections when a column is numerically dependent), a row-major [m, n] f64 with m ≥ n ≥ 1, written over
   * a as the row-major [m, n] Q (transposed = 0) or the row-major [n, m] Qᵀ (transposed = 1); work: m·n f64
   * of scratch. m < n or n = 0 writes nothing.
   */
  orthogonal_q(m: number, n: number, a: number, work: number, transposed: number): void;

  /**
   * The initializers' uniform draws: out [n] f32 = lo + span·u for the next n uniforms u = nextUint32() / 2^32
   * of the sfc32 generator (src/random.ts) whose state (4 i32: a, b, c, counter) is at `state`, which it
   * advances by n steps. The same values, bit for bit, as n calls of Rng.next() in f64 then rounded to f32.
   */
  uniform_fill(state: number, n: number, out: number, lo: number, span: number): void;

  /**
   * The initializers' normal draws: out [n] = mean + std·z for the next n standard normals z of the same
   * generator, f32 or, when `wide` = 1, f64. Rng.normal's Box–Muller (pairs, the second value cached) with the
   * core's own log, sin and cos, so within a few ulps of f64 of Rng.normal's values and the same in every
   * runtime. With `truncate` = 1 a z with |z| > 2 is skipped. State as uniform_fill's, plus the cached
   * normal: i32 at state + 16 (1 when one is cached), f64 at state + 24; both read and written back.
   */
  normal_fill(state: number, n: number, out: number, wide: number, mean: number, std: number, truncate: number): void;

  /** The index of the first NaN or ±Infinity of x [n] (f32), or −1 when every value is finite. */
  first_nonfinite(x: number, n: number): number;
}

/** Names of every export of the core, for the interface test and the loader's check. */
export const KERNEL_NAMES = [
  'memory', 'heap_base', 'abi_version', 'relaxed_simd', 'sgemm', 'pack_weights', 'act_forward', 'act_backward', 'rnn_forward', 'rnn_backward',
  'lstm_forward', 'lstm_backward', 'gru_forward', 'gru_backward', 'embedding_forward', 'embedding_backward',
  'dense_forward', 'dense_backward', 'softmax_forward', 'softmax_cross_entropy', 'sigmoid_cross_entropy',
  'mse', 'sgd_update', 'adam_update', 'clip_grad_norm', 'orthogonal_q', 'uniform_fill',
  'normal_fill', 'first_nonfinite',
] as const satisfies readonly (keyof Kernels)[];

/** The ABI version this façade speaks; must equal the core's abi_version(). */
export const ABI_VERSION = 11;
