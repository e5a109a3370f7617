// RnnForwardArgs.embeddedInput: a forward on token ids through an embedding
// table must equal the plain forward on the gathered x, and its backward must
// give the same weight gradients plus dTable = dx scattered onto the table rows.
// Checked against the reference backend's plain path on the reference backend
// itself and on wasm (threads 1 and 2), for both wasm routes: V < B·T (the table
// is projected once, the weight / table gradients come from the scattered dP)
// and V ≥ B·T (rows gathered into x); all three kinds, both GRU variants,
// goBackwards, initial states, recurrent dropout, returnSequences false, and
// the table gradient returned (dTable) or added into a given buffer (tableGrad), or not computed
// for a frozen table (frozenTable).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { referenceKernels as R } from '../../src/kernels/reference/index.js';
import type { RnnForwardArgs } from '../../src/kernels/kernels.js';
import { Random } from '../../src/random.js';
import { randomArray } from '../helpers/gradcheck.js';
import { wasmKernelPair } from '../helpers/wasm.js';
import { assertClose, rnnBackward, rnnForward, caseForwardArgs, caseInputs, type RnnCase } from '../helpers/rnn-kernels.js';

const [W1, W2] = wasmKernelPair();

const fwd = rnnForward;
const bwd = rnnBackward;
const close = (what: string, got: Float32Array | null | undefined, want: Float32Array | null): void => assertClose(what, got, want, 2e-5);

type Case = RnnCase;

// V < B·T: the wasm backend projects the table; V ≥ B·T: it gathers x
const cases: Case[] = [
  { kind: 'simpleRNN', B: 3, T: 5, E: 4, H: 6, V: 7 },
  { kind: 'simpleRNN', B: 2, T: 4, E: 3, H: 5, V: 30, goBackwards: true, h0: true },
  { kind: 'lstm', B: 3, T: 6, E: 5, H: 7, V: 11, lastOnly: true },
  { kind: 'lstm', B: 5, T: 3, E: 4, H: 8, V: 6, goBackwards: true, h0: true, recurrentDropout: true },
  { kind: 'lstm', B: 2, T: 4, E: 3, H: 4, V: 40, useBias: false },
  { kind: 'gru', B: 3, T: 5, E: 4, H: 6, V: 8, resetAfter: true },
  { kind: 'gru', B: 4, T: 4, E: 5, H: 5, V: 50, resetAfter: true, goBackwards: true, h0: true, lastOnly: true },
  { kind: 'gru', B: 3, T: 5, E: 4, H: 6, V: 8, resetAfter: false, recurrentDropout: true },
  { kind: 'gru', B: 2, T: 6, E: 3, H: 7, V: 12, resetAfter: false, goBackwards: true },
  // input dropout: the rows differ per sample, so wasm gathers x even when V < B·T
  { kind: 'lstm', B: 3, T: 6, E: 5, H: 7, V: 11, inputDropout: true, goBackwards: true },
  { kind: 'gru', B: 4, T: 5, E: 4, H: 6, V: 40, inputDropout: true, lastOnly: true },
  { kind: 'simpleRNN', B: 3, T: 5, E: 4, H: 6, V: 7, inputDropout: true, recurrentDropout: true },
  // a batch reading 4 rows of a 30-row vocabulary (ids 1, 2, 5, 29): wasm projects only the rows read
  { kind: 'lstm', B: 4, T: 10, E: 5, H: 6, V: 30, idPool: [2, 5, 29], goBackwards: true },
  { kind: 'gru', B: 4, T: 10, E: 4, H: 5, V: 30, idPool: [29, 5, 2], resetAfter: true, lastOnly: true },
  // few (sample, id) pairs under input dropout: wasm projects the rows read, each under its sample's mask
  { kind: 'lstm', B: 4, T: 10, E: 5, H: 6, V: 30, idPool: [2, 5, 29], inputDropout: true, goBackwards: true },
  { kind: 'gru', B: 3, T: 8, E: 4, H: 5, V: 20, idPool: [0, 7], inputDropout: true, resetAfter: false, recurrentDropout: true },
  { kind: 'simpleRNN', B: 4, T: 8, E: 6, H: 5, V: 12, idPool: [3, 4, 11], inputDropout: true, lastOnly: true },
];

/**
 * The wasm backend's route for a case (rnn.ts): a projected table when the rows the batch reads — distinct ids, or
 * distinct (sample, id) pairs under input dropout — number at most 3/4 of the B·T positions, else x gathered.
 */
function route(c: Case, ids: Int32Array): string {
  const keys = new Set(Array.from(ids, (id, i) => (c.inputDropout ? `${Math.floor(i / c.T)}:${id}` : `${id}`)));
  return keys.size <= 0.75 * c.B * c.T ? 'projected table' : 'gathered x';
}

function setup(c: Case, seed: number): { plain: RnnForwardArgs; embedded: RnnForwardArgs; ids: Int32Array; dOutput: Float32Array | null; dhLast: Float32Array; dcLast: Float32Array | null } {
  const rng = new Random(seed);
  const { B, T, E, H, V } = c;
  const inputs = caseInputs(c, rng);
  const { table, ids } = inputs;
  ids[0] = ids[ids.length - 1] = 1; // a repeated id: its rows' gradients add up
  const recurrentMask = c.recurrentDropout ? Float32Array.from(randomArray(rng, B * H, 1), (v) => (v > 0 ? 2 : 0)) : null;
  const inputMask = c.inputDropout ? Float32Array.from(randomArray(rng, B * E, 1), (v) => (v > -0.4 ? 1.4 : 0)) : null;
  const plain = caseForwardArgs(c, rng, inputs, { training: true, recurrentMask, inputMask });
  // x must not be read: give an empty one
  const embedded: RnnForwardArgs = { ...plain, x: new Float32Array(0), embeddedInput: { table, ids, V }, returnSequences: !c.lastOnly };
  return {
    plain,
    embedded,
    ids,
    dOutput: c.lastOnly ? null : randomArray(rng, B * T * H, 1),
    dhLast: randomArray(rng, B * H, 1),
    dcLast: c.kind === 'lstm' ? randomArray(rng, B * H, 1) : null,
  };
}

describe('RnnForwardArgs.embeddedInput', () => {
  for (const [name, k] of [['reference', R], ['wasm 1 thread', W1], ['wasm 2 threads', W2]] as const) {
    cases.forEach((c, i) => {
      const label = `${name}: ${c.kind} B${c.B} T${c.T} E${c.E} H${c.H} V${c.V} (${route(c, setup(c, 200 + i).ids)})${c.inputDropout ? ' inputDropout' : ''}${c.goBackwards ? ' goBackwards' : ''}${c.kind === 'gru' ? ` resetAfter=${c.resetAfter ?? true}` : ''}${c.useBias === false ? ' no bias' : ''}${c.h0 ? ' h0' : ''}${c.recurrentDropout ? ' recurrentDropout' : ''}${c.lastOnly ? ' last output only' : ''}`;
      test(`${label}: forward and backward equal the plain path on the gathered x`, () => {
        const s = setup(c, 200 + i);
        const want = fwd(R, c.kind, s.plain);
        const got = fwd(k, c.kind, s.embedded);
        if (!c.lastOnly) close('output', got.output, want.output);
        close('hLast', got.hLast, want.hLast);
        close('cLast', got.cLast, want.cLast);
        const grads = { dOutput: s.dOutput, dhLast: s.dhLast, dcLast: s.dcLast };
        const gw = bwd(R, c.kind, { cache: want.cache!, ...grads });
        // every other case adds into a prefilled tableGrad instead of returning dTable
        const prefill = i % 2 === 1 ? randomArray(new Random(i), c.V * c.E, 1) : null;
        const tableGrad = prefill ? prefill.slice() : null;
        const gg = bwd(k, c.kind, { cache: got.cache!, ...grads, tableGrad });
        close('dKernel', gg.dKernel, gw.dKernel);
        close('dRecurrentKernel', gg.dRecurrentKernel, gw.dRecurrentKernel);
        close('dBias', gg.dBias, gw.dBias);
        close('dh0', gg.dh0, gw.dh0);
        close('dc0', gg.dc0, gw.dc0);
        const wantTable = R.embeddingBackward(s.ids, gw.dx, c.B * c.T, c.E, c.V); // gw.dx: already masked (inputMask)
        if (prefill) {
          assert.equal(gg.dTable ?? null, null, 'no dTable when tableGrad is given');
          close('tableGrad', tableGrad, wantTable.map((v, j) => v + prefill[j]));
          // rows no id reads are left exactly as they were
          const read = new Set(s.ids);
          for (let v = 0; v < c.V; v++) {
            if (!read.has(v)) assert.deepEqual(tableGrad!.subarray(v * c.E, (v + 1) * c.E), prefill.subarray(v * c.E, (v + 1) * c.E), `tableGrad row ${v} (not read)`);
          }
        } else {
          close('dTable', gg.dTable, wantTable);
          const read = new Set(s.ids);
          for (let v = 0; v < c.V; v++) if (!read.has(v)) assert.ok(gg.dTable!.subarray(v * c.E, (v + 1) * c.E).every((g) => g === 0), `dTable row ${v} (not read) is zero`);
        }
        assert.equal(gg.dx.length, 0, 'dx is empty with embeddedInput');
      });
    });
    for (const i of [2, 4, 5, 10, 14]) {
      const c = cases[i];
      test(`${name}: ${c.kind} V${c.V} (${route(c, setup(c, 300 + i).ids)}): a frozen table gets no gradient, the weights the same gradients`, () => {
        const s = setup(c, 300 + i);
        const want = fwd(R, c.kind, s.plain);
        const got = fwd(k, c.kind, s.embedded);
        const grads = { dOutput: s.dOutput, dhLast: s.dhLast, dcLast: s.dcLast };
        const gw = bwd(R, c.kind, { cache: want.cache!, ...grads });
        const prefill = randomArray(new Random(i), c.V * c.E, 1);
        const tableGrad = prefill.slice();
        const gg = bwd(k, c.kind, { cache: got.cache!, ...grads, tableGrad, frozenTable: true });
        close('dKernel', gg.dKernel, gw.dKernel);
        close('dRecurrentKernel', gg.dRecurrentKernel, gw.dRecurrentKernel);
        close('dBias', gg.dBias, gw.dBias);
        close('dh0', gg.dh0, gw.dh0);
        close('dc0', gg.dc0, gw.dc0);
        assert.equal(gg.dTable ?? null, null, 'no dTable for a frozen table');
        assert.deepEqual(tableGrad, prefill, 'tableGrad left alone');
        assert.equal(gg.dx.length, 0, 'dx is empty with embeddedInput');
      });
    }
    test(`${name}: plain x with inputMask equals the reference (forward, dx)`, () => {
      const c: Case = { kind: 'gru', B: 3, T: 5, E: 4, H: 6, V: 8, inputDropout: true, goBackwards: true };
      const s = setup(c, 77);
      const want = fwd(R, 'gru', s.plain);
      const got = fwd(k, 'gru', s.plain);
      close('output', got.output, want.output);
      const grads = { dOutput: s.dOutput, dhLast: s.dhLast, dcLast: null };
      close('dx', bwd(k, 'gru', { cache: got.cache!, ...grads }).dx, bwd(R, 'gru', { cache: want.cache!, ...grads }).dx);
    });
    test(`${name}: inference with embeddedInput keeps no cache`, () => {
      const s = setup(cases[0], 3);
      const got = fwd(k, 'simpleRNN', { ...s.embedded, training: false });
      close('output', got.output, fwd(R, 'simpleRNN', { ...s.plain, training: false }).output);
      assert.equal(got.cache, null);
    });
    test(`${name}: embeddedInput with the wrong number of ids or a table of the wrong size throws`, () => {
      const s = setup(cases[2], 1);
      const e = s.embedded.embeddedInput!;
      assert.throws(() => fwd(k, 'lstm', { ...s.embedded, embeddedInput: { ...e, ids: e.ids.subarray(1) } }), /needs 18 int32 ids/);
      assert.throws(() => fwd(k, 'lstm', { ...s.embedded, embeddedInput: { ...e, V: e.V + 1 } }), /table has length 55, expected V·E = 12·5/);
      // ids must pick table rows: V = 11 here (an Embedding layer checks its input too; this guards direct kernel calls)
      for (const [pos, bad] of [[7, 11], [0, -1]]) {
        const ids = e.ids.slice();
        ids[pos] = bad;
        const where = `batch row ${Math.floor(pos / 6)}, step ${pos % 6}`;
        assert.throws(() => fwd(k, 'lstm', { ...s.embedded, embeddedInput: { ...e, ids } }), new RegExp(`embeddedInput id ${bad} \\(${where}\\) is outside \\[0, 11\\)`));
      }
    });
  }
});
