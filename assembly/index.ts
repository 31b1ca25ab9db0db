// The ABI of the numeric core: re-exports only. Every export here is described, with its shapes and
// accumulate/overwrite contract, in src/kernels.ts (a test checks the two lists match).

/** First byte address free for the façade's allocator (above the core's static data). */
export function heap_base(): usize {
  return __heap_base;
}

/** ABI version; the façade refuses a core whose version differs from src/kernels.ts ABI_VERSION. */
export function abi_version(): i32 {
  return 11;
}

/** 1 for the relaxed-SIMD build (fused multiply-add, asconfig target "relaxed"), 0 for the plain one. */
export function relaxed_simd(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
}

export { sgemm, pack_weights } from "./gemm";
export { act_forward, act_backward } from "./activations";
export { rnn_forward, rnn_backward } from "./rnn";
export { lstm_forward, lstm_backward } from "./lstm";
export { gru_forward, gru_backward } from "./gru";
export { embedding_forward, embedding_backward } from "./embedding";
export { dense_forward, dense_backward } from "./dense";
export { softmax_forward, softmax_cross_entropy, sigmoid_cross_entropy, mse } from "./loss";
export { sgd_update, adam_update, clip_grad_norm } from "./optim";
export { orthogonal_q } from "./orthogonal";
export { uniform_fill, normal_fill } from "./random";
export { first_nonfinite } from "./finite";
