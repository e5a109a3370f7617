/**
 * Adam (Kingma & Ba) with Keras defaults (lr 1e-3, β₁ 0.9, β₂ 0.999, ε 1e-7)
 * and AdamW (decoupled weight decay, Keras default 0.004). The update runs in
 * the backend (`adamUpdate`), one flat loop per variable.
 */
import type { Kernels } from '../kernels/kernels.js';
import { Optimizer, type OptimizerOptions, type Variable } from './optimizer.js';

export interface AdamOptions extends OptimizerOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export interface AdamWOptions extends AdamOptions {
  weightDecay?: number;
}

export class Adam extends Optimizer {
  readonly name: string = 'adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  protected weightDecay = 0;

  constructor(options: AdamOptions = {}) {
    super(options, 0.001);
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-7;
  }

  protected update({ value, grad }: Variable, index: number, kernels: Kernels): void {
    kernels.adamUpdate({
      param: value,
      grad,
      m: this.slot('m', index, value.length, kernels),
      v: this.slot('v', index, value.length, kernels),
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      step: this.iterations,
      weightDecay: this.weightDecay,
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

export class AdamW extends Adam {
  override readonly name = 'adamw';

  constructor(options: AdamWOptions = {}) {
    super(options);
    this.weightDecay = options.weightDecay ?? 0.004;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), weightDecay: this.weightDecay };
  }
}
