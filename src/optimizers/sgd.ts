/**
 * SGD with optional (Nesterov) momentum, Keras 3 rule:
 *   m = momentum·m − lr·g;  p += m   (Nesterov: p += momentum·m − lr·g)
 */
import { Optimizer, type OptimizerOptions, type Variable } from './optimizer.js';

export interface SGDOptions extends OptimizerOptions {
  momentum?: number;
  nesterov?: boolean;
}

export class SGD extends Optimizer {
  readonly name = 'sgd';
  readonly momentum: number;
  readonly nesterov: boolean;

  constructor(options: SGDOptions = {}) {
    super(options, 0.01);
    this.momentum = options.momentum ?? 0;
    this.nesterov = options.nesterov ?? false;
  }

  protected update({ value, grad }: Variable, index: number): void {
    const lr = this.learningRate;
    if (this.momentum === 0) {
      for (let i = 0; i < value.length; i++) value[i] -= lr * grad[i];
      return;
    }
    const m = this.slot('momentum', index, value.length);
    for (let i = 0; i < value.length; i++) {
      m[i] = this.momentum * m[i] - lr * grad[i];
      value[i] += this.nesterov ? this.momentum * m[i] - lr * grad[i] : m[i];
    }
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), momentum: this.momentum, nesterov: this.nesterov };
  }
}
