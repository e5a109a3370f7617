/**
 * The shared body of SimpleRNN, LSTM and GRU. A recurrent layer hands the
 * whole [B, T, D] sequence to one kernel call (`lstmForward` etc.); the time
 * loop lives in the backend. Dropout follows Keras: one input mask [B, D]
 * and one recurrent mask [B, H] per batch, fixed across time steps, training only.
 */
import type { ActivationName, EmbeddedInput, InputProjection, KernelCache, RnnBackwardArgs, RnnBackwardResult, RnnForwardArgs, RnnForwardResult, Kernels, RnnKind } from '../kernels/kernels.js';
import { initialize, type InitializerConfig } from '../initializers/initializers.js';
import { Random } from '../random.js';
import { Tensor, formatShape } from '../tensor.js';
import { checkRate, dropoutMask } from './dropout.js';
import { type BaseLayerOptions, type ForwardContext, type LayerConfig, type Param, type Shape, Layer, accumulate, expectRank } from './layer.js';

export interface RecurrentOptions extends BaseLayerOptions {
  units: number;
  /** Default 'tanh'. */
  activation?: ActivationName;
  /** Gate activation, default 'sigmoid' (LSTM, GRU). */
  recurrentActivation?: ActivationName;
  useBias?: boolean;
  /** Return the whole sequence [B, T, H] instead of the last output [B, H]. */
  returnSequences?: boolean;
  /** Also return the final state(s) (from `call`; not inside a Sequential). */
  returnState?: boolean;
  /** Process the sequence backwards; the returned sequence is in processing (reversed) order, as in Keras. */
  goBackwards?: boolean;
  /**
   * Keep the final states of each batch as the initial states of the next (Keras `stateful`): row i of a
   * batch continues row i of the previous one. Batches must keep one size; `resetStates()` starts afresh.
   */
  stateful?: boolean;
  /** Fraction of the inputs dropped (one mask per batch, shared across steps). */
  dropout?: number;
  /** Fraction of the recurrent state dropped where it enters the recurrent product. */
  recurrentDropout?: number;
  kernelInitializer?: InitializerConfig;
  recurrentInitializer?: InitializerConfig;
  biasInitializer?: InitializerConfig;
}


export interface RecurrentCallOptions {
  /** [h0] or [h0, c0] for LSTM, each [B, H]. */
  initialState?: Tensor[];
  training?: boolean;
  rng?: Random;
}

export interface RecurrentCallResult {
  output: Tensor;
  /** [h] or [h, c] (LSTM), each [B, H]. */
  states: Tensor[];
}

interface InFlight {
  cache: KernelCache;
  /** The embedding-table gradient the backward adds into (forwardEmbedded with a trainable table), else null. */
  tableGrad: Float32Array | null; // [V, E]
  /** The forward ran on token ids through an embedding table (forwardEmbedded): the backward returns no input gradient. */
  embedded: boolean;
  B: number;
  T: number;
  D: number;
}

export abstract class RecurrentLayer extends Layer {
  abstract readonly kind: RnnKind;
  /** Gates per unit: SimpleRNN 1, GRU 3, LSTM 4. */
  protected abstract readonly gateCount: number;
  readonly units: number;
  readonly activation: ActivationName;
  readonly recurrentActivation: ActivationName;
  readonly useBias: boolean;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  readonly stateful: boolean;
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly kernelInitializer: InitializerConfig;
  readonly recurrentInitializer: InitializerConfig;
  readonly biasInitializer: InitializerConfig;
  protected kernel!: Param;
  protected recurrentKernel!: Param;
  protected bias: Param | null = null;
  private inFlight: InFlight | null = null;
  /** A stateful layer's final states of the last batch ([h] or [h, c], each [B, H]), or null after resetStates. */
  private carried: Tensor[] | null = null;

  constructor(options: RecurrentOptions, defaultName: string) {
    super(options, defaultName);
    if (!Number.isInteger(options.units) || options.units <= 0) throw new Error(`${defaultName}: units must be a positive integer, got ${options.units}`);
    this.units = options.units;
    this.activation = options.activation ?? 'tanh';
    this.recurrentActivation = options.recurrentActivation ?? 'sigmoid';
    this.useBias = options.useBias ?? true;
    this.returnSequences = options.returnSequences ?? false;
    this.returnState = options.returnState ?? false;
    this.goBackwards = options.goBackwards ?? false;
    this.stateful = options.stateful ?? false;
    this.dropout = options.dropout ?? 0;
    this.recurrentDropout = options.recurrentDropout ?? 0;
    checkRate(`${defaultName}: dropout`, this.dropout);
    checkRate(`${defaultName}: recurrentDropout`, this.recurrentDropout);
    this.kernelInitializer = options.kernelInitializer ?? 'glorotUniform';
    this.recurrentInitializer = options.recurrentInitializer ?? 'orthogonal';
    this.biasInitializer = options.biasInitializer ?? 'zeros';
  }

  /** Bias shape: [G·H] (GRU resetAfter: [2, 3H]). */
  protected biasShape(): number[] {
    return [this.gateCount * this.units];
  }

  /** Initial bias values (LSTM overrides for unitForgetBias). */
  protected initialBias(rng: Random): Float32Array {
    return initialize(this.biasInitializer, this.biasShape(), rng);
  }

  override build(inputShape: Shape, rng: Random): void {
    expectRank(this, inputShape, [3], `${this.className} takes sequences of shape [batch, time, features]; add an embedding layer before it for token ids, or reshape to [batch, time, 1]`);
    const D = inputShape[2];
    if (D === null) throw new Error(`${this.name}: the feature dimension must be known`);
    const GH = this.gateCount * this.units;
    this.kernel = this.addParam('kernel', [D, GH], initialize(this.kernelInitializer, [D, GH], rng));
    this.recurrentKernel = this.addParam('recurrent_kernel', [this.units, GH], initialize(this.recurrentInitializer, [this.units, GH], rng));
    if (this.useBias) this.bias = this.addParam('bias', this.biasShape(), this.initialBias(rng));
    super.build(inputShape, rng);
  }

  computeOutputShape(inputShape: Shape): Shape {
    return this.returnSequences ? [inputShape[0], inputShape[1], this.units] : [inputShape[0], this.units];
  }

  protected abstract kernelForward(k: Kernels, args: RnnForwardArgs): RnnForwardResult;
  protected abstract kernelBackward(k: Kernels, args: RnnBackwardArgs): RnnBackwardResult;
  protected extraArgs(): Partial<RnnForwardArgs> {
    return {};
  }

  /** Runs the layer over a batch and returns the output and final states. */
  run(x: Tensor, ctx: ForwardContext, initialState?: Tensor[]): RecurrentCallResult {
    expectRank(this, x.shape, [3], `${this.className} takes sequences of shape [batch, time, features]`);
    const [B, T, D] = x.shape;
    if (D !== this.kernel.shape[0]) throw new Error(`${this.name}: input has ${D} features, the layer was built for ${this.kernel.shape[0]}`);
    return this.runKernel(ctx, B, T, { x: x.data as Float32Array }, initialState);
  }

  forward(x: Tensor, ctx: ForwardContext): Tensor {
    return this.run(x, ctx).output;
  }

  /**
   * The weights of the input projection x·kernel + input bias: kernel [D, G·H] and the
   * input bias [G·H] (GRU resetAfter: bias row 0; otherwise the whole bias), null without bias.
   */
  inputProjectionWeights(): { kernel: Float32Array; bias: Float32Array | null; D: number; width: number } {
    const width = this.gateCount * this.units;
    return { kernel: this.kernel.value, bias: this.bias ? this.bias.value.subarray(0, width) : null, D: this.kernel.shape[0], width };
  }

  /**
   * Inference `forward` from a precomputed input projection instead of x: step (b, t)
   * uses row ids[b, t] of table [rows, G·H] as x·kernel + input bias (see
   * `inputProjectionWeights`). A model uses it after an Embedding, with the embedding
   * table projected once. Ids must already be range-checked. `frozen`: the table is never
   * modified afterwards (InputProjection.frozen), so a backend may keep its copy.
   */
  forwardProjected(table: Float32Array, ids: Tensor, ctx: ForwardContext, frozen = false): Tensor {
    if (ctx.training) throw new Error(`${this.name}: forwardProjected is for inference only (training must be false)`);
    const width = this.gateCount * this.units;
    if (ids.shape.length !== 2 || !(ids.data instanceof Int32Array)) throw new Error(`${this.name}: forwardProjected takes int32 ids of shape [batch, time], got ${formatShape([...ids.shape])}`);
    if (table.length % width !== 0) throw new Error(`${this.name}: the projected table has length ${table.length}, not a multiple of ${width}`);
    const [B, T] = ids.shape;
    return this.runKernel(ctx, B, T, { projection: { table, ids: ids.data, frozen } }).output;
  }

  /**
   * `forward` on token ids through an embedding table, without the [B, T, E] embedded
   * sequence in between (RnnForwardArgs.embeddedInput): the same result as running the
   * table rows ids[b, t] through `forward`. In training, `backward` adds the table
   * gradient into `tableGrad` and returns null; with tableGrad null (a frozen table) no
   * table gradient is computed. Ids must already be range-checked.
   */
  forwardEmbedded(table: Float32Array, tableGrad: Float32Array | null, ids: Tensor, ctx: ForwardContext): Tensor {
    const D = this.kernel.shape[0];
    if (ids.shape.length !== 2 || !(ids.data instanceof Int32Array)) throw new Error(`${this.name}: forwardEmbedded takes int32 ids of shape [batch, time], got ${formatShape([...ids.shape])}`);
    if (table.length % D !== 0 || (tableGrad && tableGrad.length !== table.length)) {
      const grad = tableGrad ? ` and its gradient (length ${tableGrad.length})` : '';
      throw new Error(`${this.name}: the embedding table (length ${table.length})${grad} must be [V, ${D}]`);
    }
    const [B, T] = ids.shape;
    return this.runKernel(ctx, B, T, { embedded: { table, ids: ids.data, V: table.length / D }, tableGrad }).output;
  }

  /** Forgets a stateful layer's carried states: the next batch starts from zero states. */
  resetStates(): void {
    this.carried = null;
  }

  /** The states a stateful layer carries into a batch of B rows (none for the first batch or after resetStates). */
  private carriedStates(B: number): Tensor[] | undefined {
    if (!this.carried) return undefined;
    const rows = this.carried[0].shape[0];
    if (rows !== B) {
      throw new Error(`${this.name}: a stateful layer carries the states of a batch of ${rows} rows into the next batch, which has ${B}; use one batch size (one that divides the data), or call resetStates() first`);
    }
    return this.carried;
  }

  /** The kernel call shared by `run`, `forwardProjected` and `forwardEmbedded`. */
  private runKernel(
    ctx: ForwardContext,
    B: number,
    T: number,
    input: { x: Float32Array } | { projection: InputProjection } | { embedded: EmbeddedInput; tableGrad: Float32Array | null },
    initialState?: Tensor[],
  ): RecurrentCallResult {
    const H = this.units;
    const D = this.kernel.shape[0];
    const stateCount = this.kind === 'lstm' ? 2 : 1;
    if (!initialState && this.stateful) initialState = this.carriedStates(B);
    if (initialState && initialState.length !== stateCount) throw new Error(`${this.name}: initialState needs ${stateCount} tensor(s) of shape [${B}, ${H}], got ${initialState.length}`);
    for (const s of initialState ?? []) {
      if (s.shape.length !== 2 || s.shape[0] !== B || s.shape[1] !== H) throw new Error(`${this.name}: initial state has shape ${formatShape([...s.shape])}, expected [${B}, ${H}]`);
    }
    const projected = 'projection' in input;
    // Keras-style masks, one per batch and fixed across steps: input [B, D] (not for a precomputed projection), recurrent [B, H]
    const inputMask = ctx.training && this.dropout > 0 && !projected ? dropoutMask(B * D, this.dropout, ctx.rng) : null;
    const recurrentMask = ctx.training && this.recurrentDropout > 0 ? dropoutMask(B * H, this.recurrentDropout, ctx.rng) : null;
    const embedded = 'embedded' in input ? input : null;
    const result = this.kernelForward(ctx.kernels, {
      x: 'x' in input ? input.x : new Float32Array(0),
      inputProjection: projected ? input.projection : null,
      embeddedInput: embedded ? embedded.embedded : null,
      returnSequences: this.returnSequences,
      kernel: this.kernel.value,
      recurrentKernel: this.recurrentKernel.value,
      bias: this.bias?.value ?? null,
      h0: initialState ? (initialState[0].data as Float32Array) : null,
      c0: initialState && initialState[1] ? (initialState[1].data as Float32Array) : null,
      recurrentMask,
      inputMask,
      B, T, D, H,
      goBackwards: this.goBackwards,
      activation: this.activation,
      recurrentActivation: this.recurrentActivation,
      training: ctx.training,
      ...this.extraArgs(),
    });
    this.inFlight =
      ctx.training && result.cache && !projected
        ? { cache: result.cache, tableGrad: embedded ? embedded.tableGrad : null, embedded: embedded !== null, B, T, D }
        : null;
    const output = this.returnSequences ? new Tensor(result.output, [B, T, H]) : new Tensor(result.hLast, [B, H]);
    const states = [new Tensor(result.hLast, [B, H])];
    if (result.cLast) states.push(new Tensor(result.cLast, [B, H]));
    // copies: the returned states belong to the caller
    if (this.stateful) this.carried = states.map((t) => new Tensor((t.data as Float32Array).slice(), [B, H]));
    return { output, states };
  }

  /** Runs the layer with explicit options (initial state, training) and returns output and states. */
  call(x: Tensor, kernels: Kernels, options: RecurrentCallOptions = {}): RecurrentCallResult {
    const rng = options.rng ?? new Random(0);
    if (!this.built) this.build([null, ...x.shape.slice(1)], rng);
    return this.run(x, { kernels, training: options.training ?? false, rng }, options.initialState);
  }

  backward(dy: Tensor, ctx: ForwardContext): Tensor | null {
    const f = this.inFlight;
    if (!f) throw new Error(`${this.name}: backward without a training forward`);
    this.inFlight = null;
    const g = this.kernelBackward(ctx.kernels, {
      cache: f.cache,
      dOutput: this.returnSequences ? (dy.data as Float32Array) : null,
      dhLast: this.returnSequences ? null : (dy.data as Float32Array),
      dcLast: null,
      tableGrad: f.tableGrad,
      frozenTable: f.embedded && !f.tableGrad,
    });
    accumulate(this.kernel.grad, g.dKernel);
    accumulate(this.recurrentKernel.grad, g.dRecurrentKernel);
    if (this.bias && g.dBias) accumulate(this.bias.grad, g.dBias);
    if (f.embedded) return null; // the kernel added the table gradient into f.tableGrad (none for a frozen table)
    return new Tensor(g.dx, [f.B, f.T, f.D]);
  }

  getConfig(): LayerConfig {
    return {
      name: this.name,
      units: this.units,
      activation: this.activation,
      recurrentActivation: this.recurrentActivation,
      useBias: this.useBias,
      returnSequences: this.returnSequences,
      returnState: this.returnState,
      goBackwards: this.goBackwards,
      stateful: this.stateful,
      dropout: this.dropout,
      recurrentDropout: this.recurrentDropout,
      kernelInitializer: this.kernelInitializer,
      recurrentInitializer: this.recurrentInitializer,
      biasInitializer: this.biasInitializer,
    };
  }
}

