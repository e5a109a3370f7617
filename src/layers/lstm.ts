/**
 * LSTM (Hochreiter & Schmidhuber 1997), Keras formulation and layout:
 * kernel [D, 4H], recurrentKernel [H, 4H], bias [4H], gate blocks i | f | c | o.
 * `unitForgetBias` (default true) starts the forget-gate bias at 1.
 */
import type { Kernels, RnnBackwardArgs, RnnBackwardResult, RnnForwardArgs, RnnForwardResult } from '../kernels/kernels.js';
import { initialize } from '../initializers/initializers.js';
import type { Random } from '../random.js';
import type { LayerConfig } from './layer.js';
import { RecurrentLayer, type RecurrentOptions } from './recurrent.js';

export interface LSTMOptions extends RecurrentOptions {
  unitForgetBias?: boolean;
}

export class LSTM extends RecurrentLayer {
  readonly className = 'LSTM';
  readonly kind = 'lstm';
  protected readonly gateCount = 4;
  readonly unitForgetBias: boolean;

  constructor(options: LSTMOptions) {
    super(options, 'lstm');
    this.unitForgetBias = options.unitForgetBias ?? true;
  }

  protected override initialBias(rng: Random): Float32Array {
    const H = this.units;
    const bias = initialize(this.biasInitializer, [4 * H], rng);
    if (this.unitForgetBias) {
      // Keras: concatenate(bias_init(H), ones(H), bias_init(2H)) — the f block is exactly 1.
      bias.fill(1, H, 2 * H);
    }
    return bias;
  }

  protected kernelForward(k: Kernels, args: RnnForwardArgs): RnnForwardResult {
    return k.lstmForward(args);
  }

  protected kernelBackward(k: Kernels, args: RnnBackwardArgs): RnnBackwardResult {
    return k.lstmBackward(args);
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), unitForgetBias: this.unitForgetBias };
  }
}
