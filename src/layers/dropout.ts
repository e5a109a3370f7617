/** Dropout: during training zeroes a fraction `rate` of inputs and scales the rest by 1/(1−rate); identity at inference. */
import type { Random } from '../random.js';
import { Tensor } from '../tensor.js';
import { type BaseLayerOptions, type ForwardContext, type LayerConfig, type Shape, Layer } from './layer.js';

export interface DropoutOptions extends BaseLayerOptions {
  rate: number;
}

/** A [n] inverted-dropout mask: 0 with probability rate, else 1/(1−rate). */
export function dropoutMask(n: number, rate: number, rng: Random): Float32Array {
  const mask = new Float32Array(n);
  const keep = 1 / (1 - rate);
  for (let i = 0; i < n; i++) mask[i] = rng.next() < rate ? 0 : keep;
  return mask;
}

export function checkRate(what: string, rate: number): void {
  if (!(rate >= 0 && rate < 1)) throw new Error(`${what} must be in [0, 1), got ${rate}`);
}

export class Dropout extends Layer {
  readonly className = 'Dropout';
  readonly rate: number;
  private mask: Float32Array | null = null;

  constructor(options: DropoutOptions) {
    super(options, 'dropout');
    checkRate('dropout: rate', options.rate);
    this.rate = options.rate;
  }

  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }

  forward(x: Tensor, ctx: ForwardContext): Tensor {
    if (!ctx.training || this.rate === 0) {
      this.mask = null;
      return x;
    }
    this.mask = dropoutMask(x.size, this.rate, ctx.rng);
    const y = new Float32Array(x.size);
    for (let i = 0; i < y.length; i++) y[i] = x.data[i] * this.mask[i];
    return new Tensor(y, x.shape);
  }

  backward(dy: Tensor): Tensor {
    if (!this.mask) return dy;
    const dx = new Float32Array(dy.size);
    for (let i = 0; i < dx.length; i++) dx[i] = dy.data[i] * this.mask[i];
    return new Tensor(dx, dy.shape);
  }

  getConfig(): LayerConfig {
    return { name: this.name, rate: this.rate };
  }
}
