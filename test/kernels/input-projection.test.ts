// RnnForwardArgs.inputProjection: a forward given precomputed rows of
// x·kernel + input bias (gathered by ids from a projected table) must equal the
// normal forward on the embedded x, on the reference backend and on wasm
// (threads 1 and 2), for all three kinds, both GRU variants, goBackwards,
// initial states and the recurrent activations, with the whole output sequence
// or only the final state (returnSequences false); training with it must throw.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { referenceKernels as R } from '../../src/kernels/reference/index.js';
import type { RnnForwardArgs } from '../../src/kernels/kernels.js';
import { Random } from '../../src/random.js';
import { wasmKernelPair } from '../helpers/wasm.js';
import { assertClose, rnnForward, caseForwardArgs, caseInputs, type RnnCase } from '../helpers/rnn-kernels.js';

const [W1, W2] = wasmKernelPair();

const fwd = rnnForward;
const close = assertClose;

type Case = RnnCase;

const cases: Case[] = [
  { kind: 'simpleRNN', B: 3, T: 5, E: 4, H: 6, V: 7 },
  { kind: 'simpleRNN', B: 2, T: 4, E: 3, H: 5, V: 9, goBackwards: true, h0: true },
  { kind: 'lstm', B: 3, T: 6, E: 5, H: 7, V: 11 },
  { kind: 'lstm', B: 5, T: 3, E: 4, H: 8, V: 6, goBackwards: true, h0: true },
  { kind: 'lstm', B: 2, T: 4, E: 3, H: 4, V: 5, useBias: false },
  { kind: 'gru', B: 3, T: 5, E: 4, H: 6, V: 8, resetAfter: true },
  { kind: 'gru', B: 4, T: 4, E: 5, H: 5, V: 7, resetAfter: true, goBackwards: true, h0: true },
  { kind: 'gru', B: 3, T: 5, E: 4, H: 6, V: 8, resetAfter: false },
  { kind: 'gru', B: 2, T: 6, E: 3, H: 7, V: 10, resetAfter: false, goBackwards: true },
];

function setup(c: Case, seed: number): { args: RnnForwardArgs; projected: RnnForwardArgs; projectedTable: Float32Array } {
  const rng = new Random(seed);
  const { E, V } = c;
  const inputs = caseInputs(c, rng);
  const { G, table, ids } = inputs;
  const args = caseForwardArgs(c, rng, inputs, { training: false });
  const { kernel, bias } = args;
  // the input bias: row 0 of a GRU resetAfter [2, 3H] bias, else the whole bias
  const projectedTable = R.denseForward({ x: table, kernel, bias: bias ? bias.subarray(0, G) : null, N: V, D: E, U: G });
  // x and kernel must not be read: give empty ones
  const projected: RnnForwardArgs = { ...args, x: new Float32Array(0), kernel: new Float32Array(0), inputProjection: { table: projectedTable, ids } };
  return { args, projected, projectedTable };
}

describe('RnnForwardArgs.inputProjection', () => {
  for (const [name, k] of [['reference', R], ['wasm 1 thread', W1], ['wasm 2 threads', W2]] as const) {
    cases.forEach((c, i) => {
      const label = `${name}: ${c.kind} B${c.B} T${c.T} E${c.E} H${c.H}${c.goBackwards ? ' goBackwards' : ''}${c.kind === 'gru' ? ` resetAfter=${c.resetAfter ?? true}` : ''}${c.useBias === false ? ' no bias' : ''}${c.h0 ? ' h0' : ''}`;
      test(`${label} equals the normal forward`, () => {
        const { args, projected } = setup(c, 100 + i);
        const want = fwd(R, c.kind, args);
        const got = fwd(k, c.kind, projected);
        close('output', got.output, want.output);
        close('hLast', got.hLast, want.hLast);
        close('cLast', got.cLast, want.cLast);
        assert.equal(got.cache, null);
        // only the final state wanted: the wasm kernels keep two output slots instead of T
        const last = fwd(k, c.kind, { ...projected, returnSequences: false });
        close('hLast (returnSequences false)', last.hLast, want.hLast);
        close('cLast (returnSequences false)', last.cLast, want.cLast);
        const plainLast = fwd(k, c.kind, { ...args, returnSequences: false });
        close('hLast (plain x, returnSequences false)', plainLast.hLast, want.hLast);
        close('cLast (plain x, returnSequences false)', plainLast.cLast, want.cLast);
      });
    });
    test(`${name}: a dense [B, T, G·H] projection with identity ids`, () => {
      const c: Case = { kind: 'lstm', B: 3, T: 4, E: 5, H: 3, V: 6, goBackwards: true };
      const { args, projected } = setup(c, 7);
      const dense = R.embeddingForward(projected.inputProjection!.ids, projected.inputProjection!.table, c.B * c.T, 4 * c.H);
      const ids = Int32Array.from({ length: c.B * c.T }, (_, n) => n);
      close('output', fwd(k, 'lstm', { ...projected, inputProjection: { table: dense, ids } }).output, fwd(R, 'lstm', args).output);
    });
    test(`${name}: a frozen table may be reused across calls; a new table (or an unfrozen one written in place) is used as given`, () => {
      const c: Case = { kind: 'lstm', B: 3, T: 4, E: 5, H: 3, V: 6 };
      const { args, projected, projectedTable } = setup(c, 8);
      const want = fwd(R, 'lstm', args).output;
      const frozen = { ...projected, inputProjection: { ...projected.inputProjection!, frozen: true } };
      close('first call', fwd(k, 'lstm', frozen).output, want);
      close('same frozen table again', fwd(k, 'lstm', frozen).output, want);
      // a different table (another array): must not come from the copy kept of the first
      const scaled = projectedTable.map((v) => v * 0.5);
      const wantScaled = fwd(R, 'lstm', { ...projected, inputProjection: { table: scaled, ids: projected.inputProjection!.ids } }).output;
      close('new frozen table', fwd(k, 'lstm', { ...frozen, inputProjection: { ...frozen.inputProjection, table: scaled } }).output, wantScaled);
      // not frozen: written in place between calls, the second call sees the new values
      const live = projectedTable.slice();
      const unfrozen = { ...projected, inputProjection: { table: live, ids: projected.inputProjection!.ids } };
      close('unfrozen', fwd(k, 'lstm', unfrozen).output, want);
      live.set(scaled);
      close('unfrozen, written in place', fwd(k, 'lstm', unfrozen).output, wantScaled);
    });
    test(`${name}: inputProjection with training throws`, () => {
      const { projected } = setup(cases[2], 1);
      assert.throws(() => fwd(k, 'lstm', { ...projected, training: true }), /inference only/);
    });
    test(`${name}: inputProjection ids outside the table's rows throw, naming the id and its place`, () => {
      const c = cases[2];
      const { projected } = setup(c, 1);
      const p = projected.inputProjection!;
      const rows = p.table.length / (4 * c.H);
      const ids = p.ids.slice();
      ids[ids.length - 1] = rows;
      assert.throws(() => fwd(k, 'lstm', { ...projected, inputProjection: { ...p, ids } }), new RegExp(`inputProjection id ${rows} \\(batch row ${c.B - 1}, step ${c.T - 1}\\) is outside \\[0, ${rows}\\)`));
    });
  }
});
