/** SimpleRNN: h_t = act(x_t·W + h_{t−1}·U + b). Weights: kernel [D, H], recurrentKernel [H, H], bias [H]. */
import type { Kernels, RnnBackwardArgs, RnnBackwardResult, RnnForwardArgs, RnnForwardResult } from '../kernels/kernels.js';
import { RecurrentLayer, type RecurrentOptions } from './recurrent.js';

export type SimpleRNNOptions = RecurrentOptions;

export class SimpleRNN extends RecurrentLayer {
  readonly className = 'SimpleRNN';
  readonly kind = 'simpleRNN';
  protected readonly gateCount = 1;

  constructor(options: SimpleRNNOptions) {
    super(options, 'simple_rnn');
  }

  protected kernelForward(k: Kernels, args: RnnForwardArgs): RnnForwardResult {
    return k.simpleRnnForward(args);
  }

  protected kernelBackward(k: Kernels, args: RnnBackwardArgs): RnnBackwardResult {
    return k.simpleRnnBackward(args);
  }
}
