// Shared padding in inference (src/kernels/wasm/padding-plan.ts, assembly/rnn/common.ts): when only the last
// state is wanted from a zero state, rows that start with padding ids share one computation of that stretch.
// The results must be bit-identical to the full computation (the same forward with explicit zero initial states,
// which turns the sharing off), on 1 and 2 threads, for all three kinds and both GRU variants, through a projected
// table and through the embedded ids, with rows of no padding, only padding, equal padding, and odd batch splits;
// and close to the reference backend.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { referenceKernels as R } from '../../src/kernels/reference/index.js';
import type { RnnForwardArgs, RnnForwardResult } from '../../src/kernels/kernels.js';
import { paddingPlan } from '../../src/kernels/wasm/padding-plan.js';
import { Random } from '../../src/random.js';
import { wasmKernelPair } from '../helpers/wasm.js';
import { assertClose, caseForwardArgs, caseInputs, rnnForward, type RnnCase } from '../helpers/rnn-kernels.js';

const [W1, W2] = wasmKernelPair();

/** Leading padding ids per row (T and 0 included, some equal), then random non-zero ids. */
function padFront(ids: Int32Array, B: number, T: number, V: number, rng: Random): void {
  for (let b = 0; b < B; b++) {
    const lead = b === 0 ? T : b === 1 ? 0 : b % 3 === 0 ? Math.floor(T / 2) : Math.floor(rng.next() * T);
    for (let t = 0; t < T; t++) ids[b * T + t] = t < lead ? 0 : 1 + Math.floor(rng.next() * (V - 1));
  }
}

function sameBits(what: string, got: Float32Array | null, want: Float32Array | null): void {
  if (!want) return assert.equal(got, null, what);
  assert.ok(got, what);
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) assert.fail(`${what}: [${i}] got ${got[i]}, want ${want[i]} (not bit-identical)`);
}

const cases: RnnCase[] = [
  { kind: 'lstm', B: 9, T: 13, E: 5, H: 7, V: 11 },
  { kind: 'lstm', B: 32, T: 40, E: 8, H: 12, V: 30 },
  { kind: 'gru', B: 7, T: 11, E: 4, H: 6, V: 9, resetAfter: true },
  { kind: 'gru', B: 8, T: 12, E: 4, H: 5, V: 9, resetAfter: false },
  { kind: 'simpleRNN', B: 10, T: 9, E: 3, H: 6, V: 8 },
];

describe('shared padding in inference', () => {
  cases.forEach((c, i) => {
    const label = `${c.kind} B${c.B} T${c.T} H${c.H}${c.kind === 'gru' ? ` resetAfter=${c.resetAfter}` : ''}`;
    const rng = new Random(500 + i);
    const inputs = caseInputs(c, rng);
    padFront(inputs.ids, c.B, c.T, c.V, rng);
    const args = caseForwardArgs(c, rng, inputs, { training: false });
    const G = inputs.G;
    const projectedTable = R.denseForward({ x: inputs.table, kernel: args.kernel, bias: args.bias ? args.bias.subarray(0, G) : null, N: c.V, D: c.E, U: G });
    const variants: [string, RnnForwardArgs][] = [
      ['projected table', { ...args, x: new Float32Array(0), kernel: new Float32Array(0), inputProjection: { table: projectedTable, ids: inputs.ids }, returnSequences: false }],
      ['embedded ids', { ...args, x: new Float32Array(0), embeddedInput: { table: inputs.table, ids: inputs.ids, V: c.V }, returnSequences: false }],
    ];
    for (const [how, shared] of variants) {
      test(`${label}, ${how}: bit-identical to the full computation on 1 and 2 threads, close to the reference`, () => {
        // explicit zero initial states: the same numbers, without the sharing
        const full: RnnForwardArgs = { ...shared, h0: new Float32Array(c.B * c.H), c0: c.kind === 'lstm' ? new Float32Array(c.B * c.H) : null };
        const want = rnnForward(R, c.kind, { ...args, returnSequences: false });
        for (const k of [W1, W2]) {
          const got: RnnForwardResult = rnnForward(k, c.kind, shared);
          const ref: RnnForwardResult = rnnForward(k, c.kind, full);
          sameBits(`${k.name} hLast`, got.hLast, ref.hLast);
          sameBits(`${k.name} cLast`, got.cLast, ref.cLast);
          assertClose(`${k.name} hLast vs reference`, got.hLast, want.hLast);
          assertClose(`${k.name} cLast vs reference`, got.cLast, want.cLast);
        }
      });
    }
  });

  test('the plan sorts each slice by leading padding, most first, and deals the rows round-robin', () => {
    const T = 6;
    const leads = [0, 6, 2, 5, 3, 3, 1];
    const ids = new Int32Array(leads.length * T);
    leads.forEach((k, b) => {
      for (let t = 0; t < T; t++) ids[b * T + t] = t < k ? 0 : 7;
    });
    const plan = paddingPlan(ids, leads.length, T, false, [[0, 3], [3, 7]]);
    assert.ok(plan);
    // sorted: 1 (6), 3 (5), 4 (3), 5 (3), 2 (2), 6 (1), 0 (0); dealt to slices 0, 1, 0, 1, ...
    assert.deepEqual(Array.from(plan.perm), [1, 4, 2, 3, 5, 6, 0]);
    assert.deepEqual(Array.from(plan.lead), [6, 3, 2, 5, 3, 1, 0]);
    // processed backwards, the padding is at the end of every row: nothing to share
    assert.equal(paddingPlan(ids, leads.length, T, true, [[0, 7]]), null);
  });

  test('no plan when too little of the batch is padding', () => {
    const T = 40;
    const ids = new Int32Array(4 * T).fill(3);
    ids[0] = 0; // one padding id in front of one row
    assert.equal(paddingPlan(ids, 4, T, false, [[0, 4]]), null);
  });
});
