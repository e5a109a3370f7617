/**
 * The kernel interface: what a backend must compute. It speaks in whole
 * layers over whole sequences, never in per-time-step ops, so a fast backend
 * can fuse the time loop and the layers stay backend-agnostic.
 *
 * Dimension legend
 *   B  batch size            T  time steps           D  input features
 *   H  units (hidden size)   G  gates (SimpleRNN 1, GRU 3, LSTM 4)
 *   N  rows of a 2-D matmul  (B·T for a time-distributed Dense)
 *   U  Dense units           V  vocabulary size      E  embedding size
 *
 * Every buffer is a row-major Float32Array (ids: Int32Array); shapes are
 * given in the comments. Backward functions return fresh gradient buffers.
 *
 * Weight layout and gate order (the Keras layout, used everywhere in this library):
 *   SimpleRNN  kernel [D, H]    recurrentKernel [H, H]    bias [H]
 *   LSTM       kernel [D, 4H]   recurrentKernel [H, 4H]   bias [4H]      column blocks i | f | c | o
 *   GRU        kernel [D, 3H]   recurrentKernel [H, 3H]   bias [3H], or [2, 3H] when resetAfter
 *              column blocks z | r | h; with resetAfter, bias row 0 is the input bias, row 1 the recurrent bias.
 * Mapping to PyTorch (weights are [G·H, in], transposed):
 *   LSTM  torch i|f|g|o = Keras i|f|c|o; bias = bias_ih + bias_hh
 *   GRU   torch r|z|n  → Keras z|r|h (swap the first two blocks); bias_ih → row 0, bias_hh → row 1 (resetAfter)
 * Mapping to ONNX: LSTM i|o|f|c, GRU z|r|h.
 */

export type ActivationName =
  | 'linear'
  | 'sigmoid'
  | 'hardSigmoid'
  | 'tanh'
  | 'relu'
  | 'softmax'
  | 'softplus'
  | 'elu'
  | 'selu'
  | 'exponential';

export type RnnKind = 'simpleRNN' | 'lstm' | 'gru';

/** Opaque per-call state a forward pass keeps for its backward pass. */
export interface KernelCache {
  readonly kind: string;
}

export interface RnnForwardArgs {
  x: Float32Array; //               [B, T, D]
  kernel: Float32Array; //          [D, G·H]
  recurrentKernel: Float32Array; // [H, G·H]
  bias: Float32Array | null; //     [G·H] ([2, 3H] for GRU resetAfter)
  h0: Float32Array | null; //       [B, H] initial hidden state, zeros when null
  c0?: Float32Array | null; //      [B, H] initial cell state (LSTM only)
  /** Recurrent dropout: multiplies h(t-1) where it enters the recurrent product, [B, H], already scaled by 1/(1-rate). */
  recurrentMask: Float32Array | null;
  /**
   * Input dropout: multiplies every step's x[b, t, :] by inputMask[b, :] ([B, D], already
   * scaled by 1/(1-rate)); the backward applies it to dx (or to the rows scattered into dTable).
   */
  inputMask?: Float32Array | null;
  B: number;
  T: number;
  D: number;
  H: number;
  /** Process the sequence from last step to first; outputs stay in processing order (as Keras returns them). */
  goBackwards: boolean;
  activation: ActivationName; //          candidate / output activation (default tanh)
  recurrentActivation: ActivationName; // gate activation (default sigmoid); ignored by SimpleRNN
  /** GRU only: apply the reset gate after the recurrent product (Keras 3 / PyTorch / cuDNN convention). */
  resetAfter?: boolean;
  /** Keep what backward needs. False for inference. */
  training: boolean;
  /**
   * The input projection x·kernel + input bias, precomputed, given as rows to
   * gather: step (b, t) uses row ids[b·T + t] of table (e.g. an embedding table
   * projected once: E·kernel + input bias, gathered by the token ids; a dense
   * [B, T, G·H] projection is the table with ids 0 … B·T−1). Ids must already
   * be range-checked. Inference only: a kernel throws when it is given with
   * training = true. When given, the kernel does not read `x` or `kernel` and
   * does not add the input bias again. The input bias is: the whole bias for
   * SimpleRNN and LSTM; bias row 0 for GRU resetAfter (row 1, the recurrent
   * bias, is still added in the recurrent part); the whole [3H] bias for GRU
   * without resetAfter.
   */
  inputProjection?: InputProjection | null;
  /**
   * x given as embedding rows, for an Embedding layer feeding this layer:
   * x[b, t] = table[ids[b·T + t]], with D = E. When given, `x` is not read.
   * Allowed in training: the backward then returns the table gradient
   * `dTable` [V, E] in place of dx. A backend may use it to project the table
   * once (V rows through the input kernel) instead of every step's x (B·T
   * rows) when V < B·T. Ids must already be range-checked.
   */
  embeddedInput?: EmbeddedInput | null;
  /**
   * False when the caller needs only the final state(s): `output` may then
   * come back empty (length 0). Default true.
   */
  returnSequences?: boolean;
}

/** The input sequence as embedding rows, see RnnForwardArgs.embeddedInput. */
export interface EmbeddedInput {
  table: Float32Array; // [V, E]
  ids: Int32Array; //     [B, T] row of table for each step
  V: number;
}

/** Precomputed input projection rows, see RnnForwardArgs.inputProjection. */
export interface InputProjection {
  table: Float32Array; // [rows, G·H]
  ids: Int32Array; //     [B, T] row of table for each step
  /**
   * The caller never modifies `table` after this call (a new table is a new array), so a
   * backend may keep its own copy across calls instead of copying it in every time.
   */
  frozen?: boolean;
}

export interface RnnForwardResult {
  output: Float32Array; // [B, T, H] hidden state after each step, in processing order (may be empty when returnSequences is false)
  hLast: Float32Array; //  [B, H]
  cLast: Float32Array | null; // [B, H] (LSTM)
  cache: KernelCache | null;
}

export interface RnnBackwardArgs {
  cache: KernelCache;
  /** Gradient w.r.t. `output` [B, T, H], or null when only the last state was used. */
  dOutput: Float32Array | null;
  /** Gradient w.r.t. hLast [B, H] (added to dOutput's last step), or null. */
  dhLast: Float32Array | null;
  /** Gradient w.r.t. cLast [B, H] (LSTM), or null. */
  dcLast?: Float32Array | null;
  /**
   * With a forward that had embeddedInput: a [V, E] buffer the table gradient is
   * added into (a model's gradient buffer), instead of returning a fresh `dTable`.
   */
  tableGrad?: Float32Array | null;
  /**
   * With a forward that had embeddedInput: the table is frozen (an Embedding with trainable: false),
   * so its gradient is not computed at all (dTable null, tableGrad left alone). The fused backends
   * then skip the input-gradient GEMM and the scatter onto the table rows.
   */
  frozenTable?: boolean;
}

export interface RnnBackwardResult {
  dx: Float32Array; //              [B, T, D] (empty when the forward had embeddedInput)
  /** [V, E] gradient w.r.t. the embedding table when the forward had embeddedInput and no `tableGrad` was given, else null / absent. */
  dTable?: Float32Array | null;
  dKernel: Float32Array; //         [D, G·H]
  dRecurrentKernel: Float32Array; // [H, G·H]
  dBias: Float32Array | null; //    like bias
  dh0: Float32Array; //             [B, H]
  dc0: Float32Array | null; //      [B, H] (LSTM)
}

export interface DenseForwardArgs {
  x: Float32Array; //              [N, D]
  kernel: Float32Array; //         [D, U]
  bias: Float32Array | null; //    [U]
  N: number;
  D: number;
  U: number;
}

export interface DenseBackwardArgs {
  x: Float32Array; //      [N, D]
  kernel: Float32Array; // [D, U]
  dy: Float32Array; //     [N, U] gradient w.r.t. the pre-activation output
  N: number;
  D: number;
  U: number;
  hasBias: boolean;
}

export interface DenseBackwardResult {
  dx: Float32Array; //            [N, D]
  dKernel: Float32Array; //       [D, U]
  dBias: Float32Array | null; //  [U]
}

/** Adam / AdamW update on one flat parameter buffer, in place. */
export interface AdamUpdateArgs {
  param: Float32Array;
  grad: Float32Array;
  m: Float32Array;
  v: Float32Array;
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1-based step count, for bias correction. */
  step: number;
  /** Decoupled weight decay (AdamW); 0 for Adam. */
  weightDecay: number;
}

export interface Kernels {
  readonly name: string;

  /** y[N,U] = x[N,D] · kernel[D,U] + bias[U] (no activation). */
  denseForward(args: DenseForwardArgs): Float32Array;
  denseBackward(args: DenseBackwardArgs): DenseBackwardResult;

  /** out[N,E] = table[ids[n], :]. Throws naming the first id outside the table's rows, or a length that does not fit. */
  embeddingForward(ids: Int32Array, table: Float32Array, N: number, E: number): Float32Array;
  /** dTable[V,E] with dTable[ids[n]] += dOut[n] (scatter-add). Throws like embeddingForward. */
  embeddingBackward(ids: Int32Array, dOut: Float32Array, N: number, E: number, V: number): Float32Array;

  /** Elementwise (softmax: over the last axis of size `lastDim`). Returns a new buffer. */
  activationForward(name: ActivationName, x: Float32Array, lastDim: number): Float32Array;
  /** Gradient w.r.t. the input given the output y and dy (softmax uses the Jacobian over `lastDim`). */
  activationBackward(name: ActivationName, x: Float32Array, y: Float32Array, dy: Float32Array, lastDim: number): Float32Array;

  simpleRnnForward(args: RnnForwardArgs): RnnForwardResult;
  simpleRnnBackward(args: RnnBackwardArgs): RnnBackwardResult;
  lstmForward(args: RnnForwardArgs): RnnForwardResult;
  lstmBackward(args: RnnBackwardArgs): RnnBackwardResult;
  gruForward(args: RnnForwardArgs): RnnForwardResult;
  gruBackward(args: RnnBackwardArgs): RnnBackwardResult;

  adamUpdate(args: AdamUpdateArgs): void;
  /**
   * Optional: zero-filled storage of n floats for long-lived buffers (a model's parameters and
   * gradients, optimizer state) placed where this backend's kernels read and write them in place,
   * with no copy per call (the wasm backend: inside its linear memory, when that memory is shared).
   * The storage stays valid while any of `owners` is reachable; views (`subarray`) of it must not
   * outlive all owners. Absent, or returning null, means: use a plain Float32Array.
   */
  persistentFloats?(n: number, owners: readonly object[]): Float32Array | null;
  /**
   * Optional: whether a and b hold the same bits, for cache-staleness checks on weights (the
   * projected embedding table of inference). null when this backend has no faster way than a JS
   * loop for these arrays (the wasm backend compares arrays that live in its memory).
   */
  sameBits?(a: Float32Array, b: Float32Array): boolean | null;
  /**
   * Optional: sets a to zeros where this backend does it faster than `a.fill(0)` (the wasm
   * backend, for arrays in its shared memory, where V8's fill is ~10x slower than a memset);
   * false, doing nothing, otherwise.
   */
  zeroFill?(a: Float32Array): boolean;
}
