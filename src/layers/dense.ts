/**
 * Dense: y = act(x·kernel + bias). On inputs of rank > 2 it applies to the
 * last axis (as Keras does), so [B, T, D] → [B, T, units].
 */
import type { ActivationName } from '../kernels/kernels.js';
import { initialize, type InitializerConfig } from '../initializers/initializers.js';
import type { Random } from '../random.js';
import { Tensor } from '../tensor.js';
import { type BaseLayerOptions, type ForwardContext, type LayerConfig, type Param, type Shape, Layer, accumulate } from './layer.js';

export interface DenseOptions extends BaseLayerOptions {
  units: number;
  /** Default 'linear'. */
  activation?: ActivationName;
  useBias?: boolean;
  kernelInitializer?: InitializerConfig;
  biasInitializer?: InitializerConfig;
}

export class Dense extends Layer {
  readonly className = 'Dense';
  readonly units: number;
  readonly activation: ActivationName;
  readonly useBias: boolean;
  readonly kernelInitializer: InitializerConfig;
  readonly biasInitializer: InitializerConfig;
  private kernel!: Param;
  private bias: Param | null = null;
  private last: { x: Float32Array; pre: Float32Array; y: Float32Array; N: number; D: number } | null = null;

  constructor(options: DenseOptions) {
    super(options, 'dense');
    if (!Number.isInteger(options.units) || options.units <= 0) throw new Error(`dense: units must be a positive integer, got ${options.units}`);
    this.units = options.units;
    this.activation = options.activation ?? 'linear';
    this.useBias = options.useBias ?? true;
    this.kernelInitializer = options.kernelInitializer ?? 'glorotUniform';
    this.biasInitializer = options.biasInitializer ?? 'zeros';
  }

  override build(inputShape: Shape, rng: Random): void {
    const D = inputShape[inputShape.length - 1];
    if (inputShape.length < 2 || D === null) throw new Error(`${this.name} (Dense): needs a known last input dimension, got ${JSON.stringify(inputShape)}`);
    this.kernel = this.addParam('kernel', [D, this.units], initialize(this.kernelInitializer, [D, this.units], rng));
    if (this.useBias) this.bias = this.addParam('bias', [this.units], initialize(this.biasInitializer, [this.units], rng));
    super.build(inputShape, rng);
  }

  computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape.slice(0, -1), this.units];
  }

  /** Output before the activation, from the last forward (used to fuse sigmoid/softmax with cross-entropy). */
  get lastLogits(): Float32Array | null {
    return this.last?.pre ?? null;
  }

  forward(x: Tensor, ctx: ForwardContext): Tensor {
    const D = this.kernel.shape[0];
    if (x.shape[x.shape.length - 1] !== D) {
      throw new Error(`${this.name} (Dense): input's last dimension is ${x.shape[x.shape.length - 1]}, expected ${D}`);
    }
    const N = x.size / D;
    const xd = x.data as Float32Array;
    const pre = ctx.kernels.denseForward({ x: xd, kernel: this.kernel.value, bias: this.bias?.value ?? null, N, D, U: this.units });
    const y = this.activation === 'linear' ? pre : ctx.kernels.activationForward(this.activation, pre, this.units);
    this.last = { x: xd, pre, y, N, D }; // kept in inference too: the loss may read lastLogits
    return new Tensor(y, [...x.shape.slice(0, -1), this.units]);
  }

  /** Backward from a gradient w.r.t. the pre-activation output (skips the activation's Jacobian). */
  backwardFromLogits(dPre: Float32Array, ctx: ForwardContext, inputShape: readonly number[]): Tensor {
    const { x, N, D } = this.last!;
    const g = ctx.kernels.denseBackward({ x, kernel: this.kernel.value, dy: dPre, N, D, U: this.units, hasBias: this.useBias });
    accumulate(this.kernel.grad, g.dKernel);
    if (this.bias && g.dBias) accumulate(this.bias.grad, g.dBias);
    return new Tensor(g.dx, inputShape);
  }

  backward(dy: Tensor, ctx: ForwardContext): Tensor {
    if (!this.last) throw new Error(`${this.name}: backward without a forward`);
    const { pre, y } = this.last;
    const dPre = this.activation === 'linear' ? (dy.data as Float32Array) : ctx.kernels.activationBackward(this.activation, pre, y, dy.data as Float32Array, this.units);
    return this.backwardFromLogits(dPre, ctx, [...dy.shape.slice(0, -1), this.last.D]);
  }

  getConfig(): LayerConfig {
    return { name: this.name, units: this.units, activation: this.activation, useBias: this.useBias, kernelInitializer: this.kernelInitializer, biasInitializer: this.biasInitializer };
  }
}
