/** Embedding: token ids [B, T] → vectors [B, T, E]. Keras layout: embeddings [inputDim, outputDim]. */
import { initialize, type InitializerConfig } from '../initializers/initializers.js';
import type { Random } from '../random.js';
import { Tensor } from '../tensor.js';
import { type BaseLayerOptions, type ForwardContext, type LayerConfig, type Param, type Shape, Layer, accumulate, expectRank } from './layer.js';

export interface EmbeddingOptions extends BaseLayerOptions {
  /** Vocabulary size: ids must lie in [0, inputDim). */
  inputDim: number;
  /** Size of each embedding vector. */
  outputDim: number;
  /** Treat id 0 as padding (recorded in the config; masking through recurrent layers is applied by the model). */
  maskZero?: boolean;
  /** Sequence length; declares the input shape [inputLength] like Keras 2. */
  inputLength?: number;
  embeddingsInitializer?: InitializerConfig;
}

export class Embedding extends Layer {
  readonly className = 'Embedding';
  readonly inputDim: number;
  readonly outputDim: number;
  readonly maskZero: boolean;
  readonly inputLength: number | null;
  readonly embeddingsInitializer: InitializerConfig;
  private embeddings!: Param;
  private lastIds: Int32Array | null = null;

  constructor(options: EmbeddingOptions) {
    super({ ...options, inputShape: options.inputShape ?? (options.inputLength ? [options.inputLength] : undefined) }, 'embedding');
    if (!Number.isInteger(options.inputDim) || options.inputDim <= 0) throw new Error(`embedding: inputDim must be a positive integer, got ${options.inputDim}`);
    if (!Number.isInteger(options.outputDim) || options.outputDim <= 0) throw new Error(`embedding: outputDim must be a positive integer, got ${options.outputDim}`);
    this.inputDim = options.inputDim;
    this.outputDim = options.outputDim;
    this.maskZero = options.maskZero ?? false;
    this.inputLength = options.inputLength ?? null;
    this.embeddingsInitializer = options.embeddingsInitializer ?? { name: 'randomUniform', minval: -0.05, maxval: 0.05 };
  }

  override build(inputShape: Shape, rng: Random): void {
    expectRank(this, inputShape, [2], 'Embedding takes token ids of shape [batch, time]');
    this.embeddings = this.addParam('embeddings', [this.inputDim, this.outputDim], initialize(this.embeddingsInitializer, [this.inputDim, this.outputDim], rng));
    super.build(inputShape, rng);
  }

  computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape, this.outputDim];
  }

  /** The embedding table [inputDim, outputDim] (a live view of the weights). */
  get table(): Float32Array {
    return this.embeddings.value;
  }

  /** The gradient buffer of the table [inputDim, outputDim] (backward passes add into it). */
  get tableGrad(): Float32Array {
    return this.embeddings.grad;
  }

  /** Checks the rank, converts and range-checks ids; names the first offending id and its position. */
  toIds(x: Tensor): Int32Array {
    expectRank(this, x.shape, [2], 'Embedding takes token ids of shape [batch, time]');
    const T = x.shape[1] ?? 1;
    if (x.data instanceof Int32Array) {
      // int32 ids (the usual case): only the range to check, in one tight pass (about twice as fast as the general
      // loop); a bad id falls through to it for the error message
      const data = x.data;
      const V = this.inputDim;
      let i = 0;
      while (i < data.length && data[i] >= 0 && data[i] < V) i++;
      if (i === data.length) return data;
    }
    const ids = x.data instanceof Int32Array ? x.data : new Int32Array(x.data.length);
    for (let i = 0; i < x.data.length; i++) {
      const v = x.data[i];
      if (!(v >= 0 && v < this.inputDim) || !Number.isInteger(v)) {
        const pos = `[${Math.floor(i / T)}, ${i % T}]`;
        const why = Number.isInteger(v) ? `outside [0, ${this.inputDim})` : 'not an integer';
        throw new Error(`${this.name}: token id ${v} at position ${pos} is ${why}; inputDim is ${this.inputDim}${Number.isInteger(v) ? ' (use numWords ≤ inputDim when loading the data)' : ''}`);
      }
      if (ids !== x.data) ids[i] = v;
    }
    return ids;
  }

  forward(x: Tensor, ctx: ForwardContext): Tensor {
    const ids = this.toIds(x);
    if (ctx.training) this.lastIds = ids;
    const out = ctx.kernels.embeddingForward(ids, this.embeddings.value, ids.length, this.outputDim);
    return new Tensor(out, [...x.shape, this.outputDim]);
  }

  backward(dy: Tensor, ctx: ForwardContext): null {
    if (!this.lastIds) throw new Error(`${this.name}: backward without a training forward`);
    const dTable = ctx.kernels.embeddingBackward(this.lastIds, dy.data as Float32Array, this.lastIds.length, this.outputDim, this.inputDim);
    accumulate(this.embeddings.grad, dTable);
    return null;
  }

  getConfig(): LayerConfig {
    return { name: this.name, inputDim: this.inputDim, outputDim: this.outputDim, maskZero: this.maskZero, inputLength: this.inputLength, embeddingsInitializer: this.embeddingsInitializer };
  }
}
