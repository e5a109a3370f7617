/**
 * RMSprop, Keras 3 rule (defaults lr 1e-3, ρ 0.9, momentum 0, ε 1e-7):
 *   v = ρ·v + (1−ρ)·g²   (centered: a = ρ·a + (1−ρ)·g, denominator v − a²)
 *   step = lr·g / √(v + ε);   with momentum: m = momentum·m + step, p −= m
 */
import { Optimizer, type OptimizerOptions, type Variable } from './optimizer.js';

export interface RMSpropOptions extends OptimizerOptions {
  rho?: number;
  momentum?: number;
  epsilon?: number;
  centered?: boolean;
}

export class RMSprop extends Optimizer {
  readonly name = 'rmsprop';
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;

  constructor(options: RMSpropOptions = {}) {
    super(options, 0.001);
    this.rho = options.rho ?? 0.9;
    this.momentum = options.momentum ?? 0;
    this.epsilon = options.epsilon ?? 1e-7;
    this.centered = options.centered ?? false;
  }

  protected update({ value, grad }: Variable, index: number): void {
    const { rho, epsilon, learningRate: lr } = this;
    const v = this.slot('velocity', index, value.length);
    const a = this.centered ? this.slot('averageGradient', index, value.length) : null;
    const m = this.momentum > 0 ? this.slot('momentum', index, value.length) : null;
    for (let i = 0; i < value.length; i++) {
      const g = grad[i];
      v[i] = rho * v[i] + (1 - rho) * g * g;
      let denom = v[i] + epsilon;
      if (a) {
        a[i] = rho * a[i] + (1 - rho) * g;
        denom -= a[i] * a[i];
      }
      const step = (lr * g) / Math.sqrt(denom);
      if (m) {
        m[i] = this.momentum * m[i] + step;
        value[i] -= m[i];
      } else value[i] -= step;
    }
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered };
  }
}
