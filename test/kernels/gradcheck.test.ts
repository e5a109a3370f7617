// Finite-difference gradient checks for every backward of the reference backend,
// over the options that change the math.
import { describe, it } from 'node:test';
import { referenceKernels as K } from '../../src/kernels/reference/index.js';
import type { ActivationName, RnnForwardArgs, RnnForwardResult, RnnBackwardResult, RnnBackwardArgs } from '../../src/kernels/kernels.js';
import { Random } from '../../src/random.js';
import { checkGradient, dot, randomArray } from '../helpers/gradcheck.js';

type Kind = 'simpleRNN' | 'lstm' | 'gru';
const forward = (k: Kind, a: RnnForwardArgs): RnnForwardResult =>
  k === 'lstm' ? K.lstmForward(a) : k === 'gru' ? K.gruForward(a) : K.simpleRnnForward(a);
const backward = (k: Kind, a: RnnBackwardArgs): RnnBackwardResult =>
  k === 'lstm' ? K.lstmBackward(a) : k === 'gru' ? K.gruBackward(a) : K.simpleRnnBackward(a);

interface Case {
  kind: Kind;
  goBackwards: boolean;
  activation?: ActivationName;
  recurrentActivation?: ActivationName;
  resetAfter?: boolean;
  withState?: boolean;
  withMask?: boolean;
  /** Input dropout mask [B, D] (RnnForwardArgs.inputMask). */
  withInputMask?: boolean;
  /** x as embedding rows (RnnForwardArgs.embeddedInput): checks dTable instead of dx. */
  embedded?: boolean;
  sequenceLoss?: boolean;
  /** Kinked activations (relu, hardSigmoid) need inputs that keep clear of the kink by more than eps. */
  seed?: number;
}

function runCase(c: Case): void {
  const rng = new Random(c.seed ?? 11);
  const [B, T, D, H] = [2, 4, 3, 5];
  const G = c.kind === 'lstm' ? 4 : c.kind === 'gru' ? 3 : 1;
  const biasLen = c.kind === 'gru' && (c.resetAfter ?? true) ? 2 * G * H : G * H;
  const args: RnnForwardArgs = {
    x: randomArray(rng, B * T * D),
    kernel: randomArray(rng, D * G * H),
    recurrentKernel: randomArray(rng, H * G * H),
    bias: randomArray(rng, biasLen, 0.2),
    h0: c.withState ? randomArray(rng, B * H) : null,
    c0: c.withState && c.kind === 'lstm' ? randomArray(rng, B * H) : null,
    recurrentMask: c.withMask ? Float32Array.from({ length: B * H }, (_, i) => (i % 3 === 0 ? 0 : 1.5)) : null,
    inputMask: c.withInputMask ? Float32Array.from({ length: B * D }, (_, i) => (i % 4 === 1 ? 0 : 1.25)) : null,
    B, T, D, H,
    goBackwards: c.goBackwards,
    activation: c.activation ?? 'tanh',
    recurrentActivation: c.recurrentActivation ?? 'sigmoid',
    resetAfter: c.resetAfter,
    training: true,
  };
  const V = 4;
  if (c.embedded) args.embeddedInput = { table: randomArray(rng, V * D), ids: Int32Array.from({ length: B * T }, (_, i) => (i * 3) % V), V };
  const wOut = randomArray(rng, B * T * H, 1);
  const wH = randomArray(rng, B * H, 1);
  const wC = randomArray(rng, B * H, 1);
  const loss = (): number => {
    const r = forward(c.kind, { ...args, training: false });
    return (c.sequenceLoss ? dot(r.output, wOut) : 0) + dot(r.hLast, wH) + (r.cLast ? dot(r.cLast, wC) : 0);
  };
  const fwd = forward(c.kind, args);
  const g = backward(c.kind, {
    cache: fwd.cache!,
    dOutput: c.sequenceLoss ? wOut : null,
    dhLast: wH,
    dcLast: c.kind === 'lstm' ? wC : null,
  });
  if (c.embedded) checkGradient('dTable', loss, args.embeddedInput!.table, g.dTable!);
  else checkGradient('dx', loss, args.x, g.dx);
  checkGradient('dKernel', loss, args.kernel, g.dKernel);
  checkGradient('dRecurrentKernel', loss, args.recurrentKernel, g.dRecurrentKernel);
  checkGradient('dBias', loss, args.bias!, g.dBias!);
  if (args.h0) checkGradient('dh0', loss, args.h0, g.dh0);
  if (args.c0) checkGradient('dc0', loss, args.c0, g.dc0!);
}

describe('reference RNN kernels: finite-difference gradients', () => {
  const cases: Case[] = [];
  for (const kind of ['simpleRNN', 'lstm', 'gru'] as Kind[]) {
    for (const goBackwards of [false, true]) {
      for (const sequenceLoss of [false, true]) cases.push({ kind, goBackwards, sequenceLoss, withState: true });
    }
    cases.push({ kind, goBackwards: false, sequenceLoss: true, withMask: true, withState: true });
  }
  cases.push({ kind: 'simpleRNN', goBackwards: false, sequenceLoss: true, activation: 'relu', seed: 21 });
  cases.push({ kind: 'simpleRNN', goBackwards: true, sequenceLoss: true, activation: 'elu' });
  cases.push({ kind: 'lstm', goBackwards: false, sequenceLoss: true, activation: 'relu', recurrentActivation: 'hardSigmoid' });
  for (const goBackwards of [false, true]) {
    cases.push({ kind: 'gru', resetAfter: false, goBackwards, sequenceLoss: true, withState: true });
  }
  cases.push({ kind: 'gru', resetAfter: false, goBackwards: false, sequenceLoss: true, withState: true, withMask: true });
  for (const kind of ['simpleRNN', 'lstm', 'gru'] as Kind[]) {
    cases.push({ kind, goBackwards: false, sequenceLoss: true, withInputMask: true });
    cases.push({ kind, goBackwards: true, sequenceLoss: false, embedded: true, withInputMask: kind === 'lstm' });
  }
  for (const c of cases) {
    it(JSON.stringify(c), () => runCase(c));
  }
});

describe('reference dense, embedding and activation kernels: finite-difference gradients', () => {
  it('dense', () => {
    const rng = new Random(3);
    const [N, D, U] = [5, 4, 3];
    const x = randomArray(rng, N * D), kernel = randomArray(rng, D * U), bias = randomArray(rng, U);
    const w = randomArray(rng, N * U, 1);
    const loss = (): number => dot(K.denseForward({ x, kernel, bias, N, D, U }), w);
    const g = K.denseBackward({ x, kernel, dy: w, N, D, U, hasBias: true });
    checkGradient('dx', loss, x, g.dx);
    checkGradient('dKernel', loss, kernel, g.dKernel);
    checkGradient('dBias', loss, bias, g.dBias!);
  });

  it('embedding with repeated ids', () => {
    const rng = new Random(4);
    const [V, E] = [6, 3];
    const ids = Int32Array.from([1, 4, 1, 0, 5, 1]);
    const table = randomArray(rng, V * E);
    const w = randomArray(rng, ids.length * E, 1);
    const loss = (): number => dot(K.embeddingForward(ids, table, ids.length, E), w);
    checkGradient('dTable', loss, table, K.embeddingBackward(ids, w, ids.length, E, V), { samples: 100 });
  });

  for (const name of ['linear', 'sigmoid', 'hardSigmoid', 'tanh', 'relu', 'softmax', 'softplus', 'elu', 'selu', 'exponential'] as ActivationName[]) {
    it(`activation ${name}`, () => {
      const rng = new Random(5);
      const x = randomArray(rng, 12, 2);
      const w = randomArray(rng, 12, 1);
      const loss = (): number => dot(K.activationForward(name, x, 4), w);
      const y = K.activationForward(name, x, 4);
      checkGradient(name, loss, x, K.activationBackward(name, x, y, w, 4), { samples: 100 });
    });
  }
});
