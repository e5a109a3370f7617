/**
 * GRU (Cho et al. 2014), Keras formulation and layout: kernel [D, 3H],
 * recurrentKernel [H, 3H], gate blocks z | r | h. `resetAfter` (default true,
 * as in Keras 3, PyTorch and cuDNN) applies the reset gate after the recurrent
 * product and keeps separate input and recurrent biases: bias [2, 3H].
 */
import type { Kernels, RnnBackwardArgs, RnnBackwardResult, RnnForwardArgs, RnnForwardResult } from '../kernels/kernels.js';
import type { LayerConfig } from './layer.js';
import { RecurrentLayer, type RecurrentOptions } from './recurrent.js';

export interface GRUOptions extends RecurrentOptions {
  resetAfter?: boolean;
}

export class GRU extends RecurrentLayer {
  readonly className = 'GRU';
  readonly kind = 'gru';
  protected readonly gateCount = 3;
  readonly resetAfter: boolean;

  constructor(options: GRUOptions) {
    super(options, 'gru');
    this.resetAfter = options.resetAfter ?? true;
  }

  protected override biasShape(): number[] {
    return this.resetAfter ? [2, 3 * this.units] : [3 * this.units];
  }

  protected override extraArgs(): Partial<RnnForwardArgs> {
    return { resetAfter: this.resetAfter };
  }

  protected kernelForward(k: Kernels, args: RnnForwardArgs): RnnForwardResult {
    return k.gruForward(args);
  }

  protected kernelBackward(k: Kernels, args: RnnBackwardArgs): RnnBackwardResult {
    return k.gruBackward(args);
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), resetAfter: this.resetAfter };
  }
}
