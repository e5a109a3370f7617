/**
 * Bidirectional: runs a recurrent layer over the sequence forwards and a copy
 * of it backwards, and merges the two outputs (Keras semantics). With
 * returnSequences, the backward output is reversed in time before merging, so
 * step t of both halves refers to input step t. Weights: the forward layer's
 * (kernel, recurrentKernel, bias), then the backward layer's.
 */
import type { Random } from '../random.js';
import { Tensor } from '../tensor.js';
import { type BaseLayerOptions, type ForwardContext, type LayerConfig, type Shape, Layer, accumulate } from './layer.js';
import { RecurrentLayer } from './recurrent.js';

export type MergeMode = 'concat' | 'sum' | 'ave' | 'mul';

export interface BidirectionalOptions extends BaseLayerOptions {
  /** The recurrent layer to run in both directions (its config is copied for the backward pass). */
  layer: RecurrentLayer;
  /** How the two outputs combine; default 'concat' (last axis). */
  mergeMode?: MergeMode;
}

/** Reverses a [B, T, F] buffer along T. */
function reverseTime(a: Float32Array, B: number, T: number, F: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) out.set(a.subarray((b * T + t) * F, (b * T + t + 1) * F), (b * T + (T - 1 - t)) * F);
  return out;
}

export class Bidirectional extends Layer {
  readonly className = 'Bidirectional';
  readonly forwardLayer: RecurrentLayer;
  readonly backwardLayer: RecurrentLayer;
  readonly mergeMode: MergeMode;
  private readonly wrappedName: string;
  private last: { yF: Float32Array; yB: Float32Array } | null = null;

  constructor(options: BidirectionalOptions) {
    super(options, 'bidirectional');
    const { layer } = options;
    if (!(layer instanceof RecurrentLayer)) {
      const given: unknown = layer; // JS callers, or options of the wrong shape
      const got = given instanceof Layer ? `a ${given.constructor.name} layer` : given === undefined ? 'an object without a recurrent layer' : typeof given === 'object' ? 'an object that is not a layer' : String(given);
      throw new Error(
        `bidirectional: wraps a recurrent layer (simpleRNN, lstm or gru), as bidirectional(layers.lstm({ units: 32 })) or bidirectional({ layer: layers.lstm({ units: 32 }) }); got ${got}`,
      );
    }
    if (layer.returnState) throw new Error('bidirectional: the wrapped layer cannot use returnState');
    if (layer.built) throw new Error(`bidirectional: layer "${layer.name}" is already built; wrap a fresh layer`);
    this.mergeMode = options.mergeMode ?? 'concat';
    if (!['concat', 'sum', 'ave', 'mul'].includes(this.mergeMode)) throw new Error(`bidirectional: unknown mergeMode "${this.mergeMode}" (concat, sum, ave or mul)`);
    this.wrappedName = layer.name;
    this.forwardLayer = layer;
    this.forwardLayer.name = `forward_${layer.name}`;
    const Ctor = layer.constructor as new (o: object) => RecurrentLayer;
    this.backwardLayer = new Ctor({ ...layer.getConfig(), name: `backward_${this.wrappedName}`, goBackwards: !layer.goBackwards });
  }

  get returnSequences(): boolean {
    return this.forwardLayer.returnSequences;
  }

  /** Forgets both directions' carried states (stateful wrapped layers). */
  resetStates(): void {
    this.forwardLayer.resetStates();
    this.backwardLayer.resetStates();
  }

  override build(inputShape: Shape, rng: Random): void {
    this.forwardLayer.build(inputShape, rng);
    this.backwardLayer.build(inputShape, rng);
    this.params = [...this.forwardLayer.params, ...this.backwardLayer.params];
    super.build(inputShape, rng);
  }

  computeOutputShape(inputShape: Shape): Shape {
    const shape = this.forwardLayer.computeOutputShape(inputShape);
    const last = shape[shape.length - 1];
    return this.mergeMode === 'concat' && last !== null ? [...shape.slice(0, -1), 2 * last] : shape;
  }

  forward(x: Tensor, ctx: ForwardContext): Tensor {
    return this.merge(this.forwardLayer.forward(x, ctx), this.backwardLayer.forward(x, ctx), x.shape[0], x.shape[1]);
  }

  /** Both directions on token ids through an embedding table (see RecurrentLayer.forwardEmbedded); both add into tableGrad (null: a frozen table). */
  forwardEmbedded(table: Float32Array, tableGrad: Float32Array | null, ids: Tensor, ctx: ForwardContext): Tensor {
    const f = this.forwardLayer.forwardEmbedded(table, tableGrad, ids, ctx);
    const b = this.backwardLayer.forwardEmbedded(table, tableGrad, ids, ctx);
    return this.merge(f, b, ids.shape[0], ids.shape[1]);
  }

  /** Merges the two directions' outputs ([B, T, H] with returnSequences, else [B, H]). */
  private merge(f: Tensor, b: Tensor, B: number, T: number): Tensor {
    const H = this.forwardLayer.units;
    const rows = f.size / H;
    const yF = f.data as Float32Array;
    const yB = this.returnSequences ? reverseTime(b.data as Float32Array, B, T, H) : (b.data as Float32Array);
    this.last = { yF, yB };
    const outShape = [...f.shape.slice(0, -1), this.mergeMode === 'concat' ? 2 * H : H];
    const y = new Float32Array(rows * (this.mergeMode === 'concat' ? 2 * H : H));
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < H; j++) {
        const a = yF[r * H + j], c = yB[r * H + j];
        if (this.mergeMode === 'concat') {
          y[r * 2 * H + j] = a;
          y[r * 2 * H + H + j] = c;
        } else y[r * H + j] = this.mergeMode === 'sum' ? a + c : this.mergeMode === 'ave' ? (a + c) / 2 : a * c;
      }
    }
    return new Tensor(y, outShape);
  }

  backward(dy: Tensor, ctx: ForwardContext): Tensor | null {
    if (!this.last) throw new Error(`${this.name}: backward without a forward`);
    const { yF, yB } = this.last;
    const H = this.forwardLayer.units;
    const rows = yF.length / H;
    const dF = new Float32Array(rows * H);
    let dB: Float32Array = new Float32Array(rows * H);
    const g = dy.data as Float32Array;
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < H; j++) {
        const k = r * H + j;
        if (this.mergeMode === 'concat') {
          dF[k] = g[r * 2 * H + j];
          dB[k] = g[r * 2 * H + H + j];
        } else if (this.mergeMode === 'mul') {
          dF[k] = g[k] * yB[k];
          dB[k] = g[k] * yF[k];
        } else dF[k] = dB[k] = this.mergeMode === 'ave' ? g[k] / 2 : g[k];
      }
    }
    const outShape = [...dy.shape.slice(0, -1), H];
    if (this.returnSequences) dB = reverseTime(dB, dy.shape[0], dy.shape[1], H);
    const dxF = this.forwardLayer.backward(new Tensor(dF, outShape), ctx);
    const dxB = this.backwardLayer.backward(new Tensor(dB, outShape), ctx);
    if (!dxF || !dxB) return null; // forwardEmbedded: the table gradient went into the embedding
    accumulate(dxF.data as Float32Array, dxB.data as Float32Array);
    return dxF;
  }

  getConfig(): LayerConfig {
    return {
      name: this.name,
      mergeMode: this.mergeMode,
      layer: { className: this.forwardLayer.className, config: { ...this.forwardLayer.getConfig(), name: this.wrappedName } },
    };
  }
}
