// The wasm recurrent kernels compute sigmoid / tanh gates with a clamped rational
// approximation (assembly/activations.ts, gateV). Saturated pre-activations (|z| up to
// ~40, far past the clamp at ±7.9) and tiny ones (|z| ~ 1e-4) must still match the
// reference backend (Math.exp / Math.tanh in float64) closely, forward and backward.
import { after, describe, test } from 'node:test';
import { referenceKernels as R } from '../../src/kernels/reference/index.js';
import { createWasmKernels } from '../../src/kernels/wasm/index.js';
import type { RnnForwardArgs, RnnKind } from '../../src/kernels/kernels.js';
import { Random } from '../../src/random.js';
import { randomArray } from '../helpers/gradcheck.js';
import { assertClose, rnnBackward, rnnForward } from '../helpers/rnn-kernels.js';

const W = createWasmKernels({ threads: 1 });
after(() => W.dispose());

function args(kind: RnnKind, scale: number, seed: number): RnnForwardArgs {
  const rng = new Random(seed);
  const B = 3, T = 6, D = 5, H = 7;
  const G = (kind === 'lstm' ? 4 : kind === 'gru' ? 3 : 1) * H;
  return {
    x: randomArray(rng, B * T * D, 1),
    kernel: randomArray(rng, D * G, scale),
    recurrentKernel: randomArray(rng, H * G, scale),
    bias: randomArray(rng, kind === 'gru' ? 2 * G : G, scale),
    h0: null,
    recurrentMask: null,
    B, T, D, H,
    goBackwards: false,
    activation: 'tanh',
    recurrentActivation: 'sigmoid',
    resetAfter: kind === 'gru' ? true : undefined,
    training: true,
  };
}

describe('wasm gate activations against the reference', () => {
  for (const kind of ['simpleRNN', 'lstm', 'gru'] as RnnKind[]) {
    for (const [what, scale] of [['saturated', 6], ['tiny', 2e-5]] as const) {
      test(`${kind}, ${what} pre-activations`, () => {
        const a = args(kind, scale, 9);
        const want = rnnForward(R, kind, a);
        const got = rnnForward(W, kind, a);
        assertClose('output', got.output, want.output, 1e-5);
        assertClose('cLast', got.cLast, want.cLast, 1e-5);
        const dOutput = randomArray(new Random(2), a.B * a.T * a.H, 1);
        const gw = rnnBackward(R, kind, { cache: want.cache!, dOutput, dhLast: null });
        const gg = rnnBackward(W, kind, { cache: got.cache!, dOutput, dhLast: null });
        // gradients scale with the weights: compare relative to the largest entry
        const maxAbs = (g: Float32Array): number => g.reduce((m, v) => Math.max(m, Math.abs(v)), 1e-30);
        for (const k of ['dx', 'dKernel', 'dRecurrentKernel', 'dBias'] as const) {
          const w = gw[k]!;
          const s = maxAbs(w);
          assertClose(k, gg[k]!.map((v) => v / s), w.map((v) => v / s), 2e-5);
        }
      });
    }
  }
});
