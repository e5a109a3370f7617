// Shared by the kernel and model tests of the recurrent kernels: dispatch by kind,
// a closeness assertion, and a backend wrapper that counts recurrent forwards.
import assert from 'node:assert/strict';
import { resolveBackend } from '../../src/kernels/backend.js';
import { referenceKernels } from '../../src/kernels/reference/index.js';
import type { Random } from '../../src/random.js';
import { randomArray } from './gradcheck.js';
import type { Kernels, RnnBackwardArgs, RnnBackwardResult, RnnForwardArgs, RnnForwardResult, RnnKind } from '../../src/kernels/kernels.js';

export const rnnForward = (k: Kernels, kind: RnnKind, a: RnnForwardArgs): RnnForwardResult =>
  kind === 'lstm' ? k.lstmForward(a) : kind === 'gru' ? k.gruForward(a) : k.simpleRnnForward(a);
export const rnnBackward = (k: Kernels, kind: RnnKind, a: RnnBackwardArgs): RnnBackwardResult =>
  kind === 'lstm' ? k.lstmBackward(a) : kind === 'gru' ? k.gruBackward(a) : k.simpleRnnBackward(a);

/** |got − want| ≤ tol·max(1, |want|) elementwise; a null `want` requires a null / absent `got`. */
export function assertClose(what: string, got: Float32Array | null | undefined, want: Float32Array | null, tol = 1e-5): void {
  if (!want) return assert.ok(!got, what);
  assert.ok(got, what);
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol * Math.max(1, Math.abs(want[i])))) assert.fail(`${what}: [${i}] got ${got[i]}, want ${want[i]}`);
  }
}

/** The default backend, counting the recurrent forwards whose args satisfy `counts`. */
export function countingBackend(counts: (a: RnnForwardArgs) => boolean): { kernels: Kernels; count: () => number } {
  const base = resolveBackend();
  let n = 0;
  const kernels = new Proxy(base, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target) as unknown;
      if (typeof v !== 'function') return v;
      if (prop === 'lstmForward' || prop === 'gruForward' || prop === 'simpleRnnForward') {
        return (a: RnnForwardArgs) => {
          if (counts(a)) n++;
          return (v as (a: RnnForwardArgs) => unknown).call(target, a);
        };
      }
      return (v as (...a: unknown[]) => unknown).bind(target);
    },
  });
  return { kernels, count: () => n };
}

/** A recurrent-kernel test case over embedded token ids (E = D, vocabulary V). */
export interface RnnCase {
  kind: RnnKind;
  B: number;
  T: number;
  E: number;
  H: number;
  V: number;
  goBackwards?: boolean;
  resetAfter?: boolean;
  useBias?: boolean;
  h0?: boolean;
  recurrentDropout?: boolean;
  /** An input-dropout mask [B, E] (RnnForwardArgs.inputMask). */
  inputDropout?: boolean;
  /** Only the last output is used (returnSequences false). */
  lastOnly?: boolean;
  /** Token ids drawn from these only (a batch that reads few rows of a larger vocabulary); default: any of 0..V−1. */
  idPool?: number[];
}

/** A case's gate width, bias length, and a random embedding table and token ids (drawn in that order from rng). */
export function caseInputs(c: RnnCase, rng: Random): { G: number; biasLen: number; table: Float32Array; ids: Int32Array } {
  const G = (c.kind === 'lstm' ? 4 : c.kind === 'gru' ? 3 : 1) * c.H;
  const biasLen = c.kind === 'gru' && (c.resetAfter ?? true) ? 2 * G : G;
  const table = randomArray(rng, c.V * c.E, 0.8);
  const ids = new Int32Array(c.B * c.T);
  for (let i = 0; i < ids.length; i++) {
    const r = rng.next();
    ids[i] = c.idPool ? c.idPool[Math.floor(r * c.idPool.length)] : Math.floor(r * c.V);
  }
  return { G, biasLen, table, ids };
}

/**
 * A case's plain forward arguments: x = the embedded ids (table rows), weights, bias and initial
 * states drawn from rng in that order (kernel, recurrent kernel, bias, h0, c0), default activations.
 */
export function caseForwardArgs(
  c: RnnCase,
  rng: Random,
  inputs: { G: number; biasLen: number; table: Float32Array; ids: Int32Array },
  extra: { training: boolean; recurrentMask?: Float32Array | null; inputMask?: Float32Array | null },
): RnnForwardArgs {
  const { B, T, E, H } = c;
  const { G, biasLen, table, ids } = inputs;
  return {
    x: referenceKernels.embeddingForward(ids, table, B * T, E),
    kernel: randomArray(rng, E * G, 0.5),
    recurrentKernel: randomArray(rng, H * G, 0.5),
    bias: c.useBias === false ? null : randomArray(rng, biasLen, 0.5),
    h0: c.h0 ? randomArray(rng, B * H, 0.5) : null,
    c0: c.h0 && c.kind === 'lstm' ? randomArray(rng, B * H, 0.5) : null,
    recurrentMask: extra.recurrentMask ?? null,
    inputMask: extra.inputMask ?? null,
    B, T, D: E, H,
    goBackwards: c.goBackwards ?? false,
    activation: 'tanh',
    recurrentActivation: 'sigmoid',
    resetAfter: c.kind === 'gru' ? (c.resetAfter ?? true) : undefined,
    training: extra.training,
  };
}
