// Every wasm kernel against the reference backend (the spec) on random shapes,
// including sizes that are not multiples of 4 or of the 4×8 GEMM tile, with
// goBackwards, recurrent masks, initial states, both GRU variants and the
// recurrent-layer activations. Threads 1 and 2 must agree.
//
// Tolerance: |wasm − ref| ≤ TOL · max(1, max|ref|) per field, TOL = 2e-5.
// Differences come from float32 summation order (blocked SIMD GEMM vs plain
// loops) and from the vectorised exp/sigmoid/tanh (~1–2 ulp); observed worst
// errors are ~1e-6 on these shapes.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { referenceKernels as R } from '../../src/kernels/reference/index.js';
import { createWasmKernels } from '../../src/kernels/wasm/index.js';
import type { ActivationName, Kernels, RnnBackwardResult, RnnForwardArgs, RnnForwardResult } from '../../src/kernels/kernels.js';
import { Random } from '../../src/random.js';
import { randomArray } from '../helpers/gradcheck.js';

const TOL = 2e-5;
const W1 = createWasmKernels({ threads: 1 });
const W2 = createWasmKernels({ threads: 2 });
after(() => {
  W1.dispose();
  W2.dispose();
});

function close(what: string, got: Float32Array | null | undefined, want: Float32Array | null | undefined, tol = TOL): void {
  if (want === null || want === undefined) {
    assert.ok(got === null || got === undefined, `${what}: expected null`);
    return;
  }
  assert.ok(got, `${what}: missing`);
  assert.equal(got.length, want.length, `${what}: length`);
  let scale = 1;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(got[i] - want[i]);
    if (!(e <= worst)) {
      worst = e;
      at = i;
    }
  }
  assert.ok(worst <= tol * scale, `${what}: max err ${worst.toExponential(2)} at [${at}] (got ${got[at]}, want ${want[at]}), allowed ${(tol * scale).toExponential(2)}`);
}

type Kind = 'simpleRNN' | 'lstm' | 'gru';
const fwd = (k: Kernels, kind: Kind, a: RnnForwardArgs): RnnForwardResult =>
  kind === 'lstm' ? k.lstmForward(a) : kind === 'gru' ? k.gruForward(a) : k.simpleRnnForward(a);
const bwd = (k: Kernels, kind: Kind, a: Parameters<Kernels['lstmBackward']>[0]): RnnBackwardResult =>
  kind === 'lstm' ? k.lstmBackward(a) : kind === 'gru' ? k.gruBackward(a) : k.simpleRnnBackward(a);

interface Case {
  kind: Kind;
  B: number;
  T: number;
  D: number;
  H: number;
  goBackwards?: boolean;
  mask?: boolean;
  state?: boolean;
  resetAfter?: boolean;
  activation?: ActivationName;
  recurrentActivation?: ActivationName;
  noBias?: boolean;
  dOut?: boolean; // default true
  dLast?: boolean; // default true
}

function makeArgs(c: Case, seed: number): RnnForwardArgs {
  const rng = new Random(seed);
  const G = c.kind === 'lstm' ? 4 : c.kind === 'gru' ? 3 : 1;
  const resetAfter = c.kind === 'gru' ? (c.resetAfter ?? true) : undefined;
  const biasLen = c.kind === 'gru' && resetAfter ? 2 * G * c.H : G * c.H;
  return {
    x: randomArray(rng, c.B * c.T * c.D, 1),
    kernel: randomArray(rng, c.D * G * c.H, 0.4),
    recurrentKernel: randomArray(rng, c.H * G * c.H, 0.4),
    bias: c.noBias ? null : randomArray(rng, biasLen, 0.3),
    h0: c.state ? randomArray(rng, c.B * c.H, 0.8) : null,
    c0: c.state && c.kind === 'lstm' ? randomArray(rng, c.B * c.H, 0.8) : null,
    recurrentMask: c.mask ? Float32Array.from({ length: c.B * c.H }, () => (rng.next() < 0.3 ? 0 : 1 / 0.7)) : null,
    B: c.B,
    T: c.T,
    D: c.D,
    H: c.H,
    goBackwards: c.goBackwards ?? false,
    activation: c.activation ?? 'tanh',
    recurrentActivation: c.recurrentActivation ?? 'sigmoid',
    resetAfter,
    training: true,
  };
}

function runCase(c: Case, seed = 1): void {
  const args = makeArgs(c, seed);
  const rng = new Random(seed + 100);
  const dOutput = c.dOut === false ? null : randomArray(rng, c.B * c.T * c.H, 1);
  const dhLast = c.dLast === false ? null : randomArray(rng, c.B * c.H, 1);
  const dcLast = c.kind === 'lstm' && c.dLast !== false ? randomArray(rng, c.B * c.H, 1) : null;
  const ref = fwd(R, c.kind, args);
  const refG = bwd(R, c.kind, { cache: ref.cache!, dOutput, dhLast, dcLast });
  for (const [label, K] of [['1 thread', W1], ['2 threads', W2]] as const) {
    const got = fwd(K, c.kind, { ...args });
    close(`${label} output`, got.output, ref.output);
    close(`${label} hLast`, got.hLast, ref.hLast);
    close(`${label} cLast`, got.cLast, ref.cLast);
    const g = bwd(K, c.kind, { cache: got.cache!, dOutput, dhLast, dcLast });
    close(`${label} dx`, g.dx, refG.dx);
    close(`${label} dKernel`, g.dKernel, refG.dKernel);
    close(`${label} dRecurrentKernel`, g.dRecurrentKernel, refG.dRecurrentKernel);
    close(`${label} dBias`, g.dBias, refG.dBias);
    close(`${label} dh0`, g.dh0, refG.dh0);
    close(`${label} dc0`, g.dc0, refG.dc0);
    const inf = fwd(K, c.kind, { ...args, training: false });
    assert.equal(inf.cache, null);
    close(`${label} inference output`, inf.output, ref.output);
    close(`${label} inference cLast`, inf.cLast, ref.cLast);
  }
}

function name(c: Case): string {
  return Object.entries(c)
    .map(([k, v]) => (v === true ? k : `${k}=${v}`))
    .join(' ');
}

const shapes: [number, number, number, number][] = [
  [1, 1, 1, 1],
  [3, 5, 2, 3],
  [5, 7, 9, 17],
  [2, 4, 3, 33],
  [6, 3, 13, 8],
  [9, 6, 5, 5],
];

describe('wasm vs reference: RNN kernels', () => {
  for (const kind of ['simpleRNN', 'lstm', 'gru'] as Kind[]) {
    for (const [B, T, D, H] of shapes) {
      const c: Case = { kind, B, T, D, H, state: H % 2 === 1, mask: B % 3 === 0 };
      test(name(c), () => runCase(c));
    }
    const variants: Partial<Case>[] = [
      { goBackwards: true },
      { goBackwards: true, mask: true, state: true },
      { noBias: true },
      { dOut: false },
      { dLast: false },
      { activation: 'relu', recurrentActivation: 'hardSigmoid' },
      { activation: 'sigmoid', recurrentActivation: 'tanh' },
      { activation: 'hardSigmoid', recurrentActivation: 'sigmoid', mask: true },
      { activation: 'linear', recurrentActivation: 'relu' },
      { activation: 'elu', recurrentActivation: 'softplus' },
    ];
    for (const v of variants) {
      const c: Case = { kind, B: 4, T: 6, D: 3, H: 7, ...v };
      test(name(c), () => runCase(c, 3));
    }
    if (kind === 'gru') {
      for (const v of [
        { resetAfter: false },
        { resetAfter: false, mask: true, state: true, goBackwards: true },
        { resetAfter: false, noBias: true, H: 17, B: 5 },
        { resetAfter: false, activation: 'relu', recurrentActivation: 'hardSigmoid' },
        { resetAfter: true, mask: true, state: true, H: 33 },
      ] as Partial<Case>[]) {
        const c: Case = { kind, B: 4, T: 5, D: 6, H: 9, ...v };
        test(name(c), () => runCase(c, 5));
      }
    }
  }
  for (const kind of ['simpleRNN', 'lstm', 'gru'] as Kind[]) {
    test(`${kind} with T=0 passes the state through`, () => runCase({ kind, B: 3, T: 0, D: 2, H: 5, state: true }));
  }
  // H·G above 16384 floats: dRecurrentKernel from one GEMM after the time loop instead of step by step
  for (const c of [
    { kind: 'simpleRNN', H: 130 },
    { kind: 'lstm', H: 66 },
    { kind: 'gru', H: 80, resetAfter: true },
    { kind: 'gru', H: 80, resetAfter: false },
  ] as Partial<Case>[]) {
    test(`${c.kind} H=${c.H}${c.kind === 'gru' ? ` resetAfter=${c.resetAfter}` : ''}: recurrent-kernel gradient after the time loop`, () =>
      runCase({ kind: c.kind!, B: 3, T: 4, D: 5, H: c.H!, mask: true, goBackwards: true, ...c }, 11));
  }
  test('larger LSTM (B=16, T=20, D=24, H=40) with mask and goBackwards', () =>
    runCase({ kind: 'lstm', B: 16, T: 20, D: 24, H: 40, mask: true, goBackwards: true, state: true }, 9));
  test('threads 1 and 2 agree (LSTM and GRU, B=33, T=37, D=40, H=48: big enough to split every phase)', () => {
    for (const kind of ['lstm', 'gru'] as Kind[]) {
      const args = makeArgs({ kind, B: 33, T: 37, D: 40, H: 48, mask: true }, 21);
      const rng = new Random(22);
      const dOutput = randomArray(rng, 33 * 37 * 48, 1);
      const f1 = fwd(W1, kind, args);
      const f2 = fwd(W2, kind, args);
      close('output', f2.output, f1.output, 1e-7);
      const g1 = bwd(W1, kind, { cache: f1.cache!, dOutput, dhLast: null, dcLast: null });
      const g2 = bwd(W2, kind, { cache: f2.cache!, dOutput, dhLast: null, dcLast: null });
      close('dx', g2.dx, g1.dx, 1e-7);
      close('dKernel', g2.dKernel, g1.dKernel, 1e-6);
      close('dRecurrentKernel', g2.dRecurrentKernel, g1.dRecurrentKernel, 1e-6);
      close('dBias', g2.dBias, g1.dBias, 1e-5); // per-slice partial sums: a different summation order
      close('dh0', g2.dh0, g1.dh0, 1e-7);
    }
  });
});

describe('wasm vs reference: dense, embedding, activations, adam', () => {
  for (const [N, D, U] of [[1, 1, 1], [3, 5, 7], [17, 33, 9], [64, 20, 1], [130, 70, 45]]) {
    test(`dense N=${N} D=${D} U=${U}`, () => {
      const rng = new Random(N * 7 + U);
      const x = randomArray(rng, N * D, 1);
      const kernel = randomArray(rng, D * U, 1);
      const bias = randomArray(rng, U, 1);
      const dy = randomArray(rng, N * U, 1);
      for (const K of [W1, W2]) {
        close('y', K.denseForward({ x, kernel, bias, N, D, U }), R.denseForward({ x, kernel, bias, N, D, U }));
        close('y (no bias)', K.denseForward({ x, kernel, bias: null, N, D, U }), R.denseForward({ x, kernel, bias: null, N, D, U }));
        for (const hasBias of [true, false]) {
          const a = K.denseBackward({ x, kernel, dy, N, D, U, hasBias });
          const b = R.denseBackward({ x, kernel, dy, N, D, U, hasBias });
          close('dx', a.dx, b.dx);
          close('dKernel', a.dKernel, b.dKernel);
          close('dBias', a.dBias, b.dBias);
        }
      }
    });
  }
  // the large case (N·E ≥ 2^20) gathers split across 2 threads
  for (const [V, E, N] of [[11, 7, 40], [300, 37, 30000]]) {
    test(`embedding gather / scatter-add with repeated ids, V=${V} E=${E} N=${N}`, () => {
      const rng = new Random(5);
      const ids = Int32Array.from({ length: N }, () => Math.floor(rng.next() * V));
      const table = randomArray(rng, V * E, 1);
      const dOut = randomArray(rng, N * E, 1);
      for (const K of [W1, W2]) {
        close('out', K.embeddingForward(ids, table, N, E), R.embeddingForward(ids, table, N, E));
        close('dTable', K.embeddingBackward(ids, dOut, N, E, V), R.embeddingBackward(ids, dOut, N, E, V), 1e-6);
      }
    });
  }
  test('embedding kernels reject ids outside the table and lengths that do not fit, on both backends', () => {
    const table = new Float32Array(10 * 3); // V = 10, E = 3
    for (const K of [R, W1, W2]) {
      assert.throws(() => K.embeddingForward(Int32Array.of(0, 10), table, 2, 3), /id 10 at position 1 is outside the table's rows \[0, 10\)/);
      assert.throws(() => K.embeddingForward(Int32Array.of(-1), table, 1, 3), /id -1 at position 0/);
      assert.throws(() => K.embeddingForward(Int32Array.of(0, 1, 2), table, 2, 3), /3 ids given, expected N = 2/);
      assert.throws(() => K.embeddingForward(Int32Array.of(0), new Float32Array(31), 1, 3), /table has length 31, not a multiple of E = 3/);
      assert.throws(() => K.embeddingBackward(Int32Array.of(4, 12), new Float32Array(6), 2, 3, 10), /id 12 at position 1/);
      assert.throws(() => K.embeddingBackward(Int32Array.of(4), new Float32Array(6), 1, 3, 10), /dOut has length 6, expected 3/);
      // edge sizes that stay valid: no ids over an empty table, and zero-width rows
      assert.equal(K.embeddingForward(new Int32Array(0), new Float32Array(0), 0, 3).length, 0);
      assert.equal(K.embeddingForward(Int32Array.of(5, 0), new Float32Array(0), 2, 0).length, 0);
    }
  });
  // Threads group the positions by row and split the rows (runtime.scatter); one thread adds in position order.
  // Both add each row's contributions in position order, so they must agree bit for bit, in both modes.
  for (const [V, E, N] of [[5000, 128, 12800], [700, 37, 30000], [3, 9, 120000]]) {
    test(`scatter-add grouped by row on 2 threads equals the in-order scatter exactly, V=${V} E=${E} N=${N}`, () => {
      const rng = new Random(V + E);
      // skewed ids (squared uniform): some rows read often, some never (they must come out zero / unchanged)
      const ids = Int32Array.from({ length: N }, () => Math.floor(rng.next() ** 2 * V));
      const dOut = randomArray(rng, N * E, 1);
      const start = randomArray(rng, V * E, 1);
      const results = [W1, W2].map((K) => {
        const rt = K.runtime;
        const pi = rt.putInts(ids);
        const po = rt.put(dOut);
        const added = rt.put(start);
        rt.scatter(added, pi, po, N, E, V);
        const set = rt.put(start);
        rt.scatter(set, pi, po, N, E, V, true);
        const out = { added: rt.copyOut(added, V * E), set: rt.copyOut(set, V * E) };
        rt.releaseAll([pi, po, added, set]);
        return out;
      });
      // in-order sums in float32 (Math.fround after every add, as the kernel adds)
      const want = Float32Array.from(start);
      const fromZero = new Float32Array(V * E);
      for (let n = 0; n < N; n++)
        for (let e = 0; e < E; e++) {
          const i = ids[n] * E + e;
          want[i] = Math.fround(want[i] + dOut[n * E + e]);
          fromZero[i] = Math.fround(fromZero[i] + dOut[n * E + e]);
        }
      for (const r of results) {
        assert.deepEqual(r.added, want);
        assert.deepEqual(r.set, fromZero);
      }
    });
  }
  const acts: ActivationName[] = ['linear', 'sigmoid', 'hardSigmoid', 'tanh', 'relu', 'softplus', 'elu', 'selu', 'exponential', 'softmax'];
  for (const n of [5, 4100]) {
    for (const a of acts) {
      test(`activation ${a} n=${n}`, () => {
        const rng = new Random(n);
        const x = randomArray(rng, n, 6);
        const dy = randomArray(rng, n, 1);
        const y = W1.activationForward(a, x, 5);
        const yr = R.activationForward(a, x, 5);
        close('y', y, yr);
        close('dx', W1.activationBackward(a, x, yr, dy, 5), R.activationBackward(a, x, yr, dy, 5));
      });
    }
  }
  test('adam / adamW match (JS path and chunked wasm path)', () => {
    for (const [weightDecay, n] of [[0, 37], [0.01, 37], [0, 70001], [0.01, 70001]]) {
      const rng = new Random(3);
      const p = randomArray(rng, n, 1);
      const g = randomArray(rng, n, 1);
      const [p1, p2, m1, m2, v1, v2] = [p.slice(), p.slice(), new Float32Array(n), new Float32Array(n), new Float32Array(n), new Float32Array(n)];
      for (let step = 1; step <= 3; step++) {
        const common = { grad: g, learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, step, weightDecay };
        W1.adamUpdate({ ...common, param: p1, m: m1, v: v1 });
        R.adamUpdate({ ...common, param: p2, m: m2, v: v2 });
      }
      close('param', p1, p2, 1e-6);
      close('m', m1, m2, 1e-6);
      close('v', v1, v2, 1e-6);
    }
  });
});

describe('wasm GEMM on odd shapes', () => {
  const ex = W1.runtime.exports;
  const rt = W1.runtime;
  function refGemm(M: number, N: number, K: number, a: Float32Array, ars: number, acs: number, b: Float32Array, c: Float32Array): void {
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += a[i * ars + k * acs] * b[k * N + j];
        c[i * N + j] += s;
      }
  }
  // [5, 12, 100] … [32, 128, 2000] have the weight-gradient shape (Aᵀ·B with N > M over a long K); the last one
  // spans several row blocks (MC = 128) and k-blocks (KC = 256) with leftover rows and columns
  for (const [M, N, K] of [[1, 1, 1], [3, 5, 7], [4, 8, 1], [5, 9, 3], [17, 33, 13], [33, 17, 300], [7, 520, 9], [64, 64, 64], [5, 12, 100], [7, 29, 401], [32, 128, 2000], [263, 19, 270]]) {
    for (const trans of [false, true]) {
      test(`C += A${trans ? 'ᵀ' : ''}·B M=${M} N=${N} K=${K}`, () => {
        const rng = new Random(M * 31 + N * 7 + K);
        const a = randomArray(rng, M * K, 1);
        const b = randomArray(rng, K * N, 1);
        const c0 = randomArray(rng, M * N, 1);
        const [ars, acs] = trans ? [1, M] : [K, 1];
        const want = c0.slice();
        refGemm(M, N, K, a, ars, acs, b, want);
        const pa = rt.put(a), pb = rt.put(b), pc = rt.put(c0);
        ex.gemm(M, N, K, pa, ars, acs, pb, N, pc, N);
        close('C (gemm)', rt.copyOut(pc, M * N), want, 1e-5 * Math.sqrt(K));
        rt.f32(pc, M * N).set(c0);
        rt.gemm(M, N, K, pa, ars, acs, pb, N, 1, pc, N); // packed B
        close('C (packed)', rt.copyOut(pc, M * N), want, 1e-5 * Math.sqrt(K));
        // B given transposed (Bᵀ stored [N, K]) through the pack strides
        const bt = new Float32Array(N * K);
        for (let k = 0; k < K; k++) for (let j = 0; j < N; j++) bt[j * K + k] = b[k * N + j];
        const pbt = rt.put(bt);
        rt.f32(pc, M * N).set(c0);
        rt.gemm(M, N, K, pa, ars, acs, pbt, 1, K, pc, N);
        close('C (packed, Bᵀ)', rt.copyOut(pc, M * N), want, 1e-5 * Math.sqrt(K));
        rt.releaseAll([pa, pb, pc, pbt]);
      });
    }
  }
});

describe('wasm GEMM into a column block of a wider C', () => {
  const rt = W1.runtime;
  test('C[:, 3:3+N] += Aᵀ·B with ldc > N (a GRU dU block)', () => {
    const [M, N, K, ldc] = [6, 14, 300, 21];
    const rng = new Random(3);
    const a = randomArray(rng, K * M, 1); // A(i, k) at a[k·M + i]: column-strided
    const b = randomArray(rng, K * N, 1);
    const c0 = randomArray(rng, M * ldc, 1);
    const want = c0.slice();
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += a[k * M + i] * b[k * N + j];
        want[i * ldc + 3 + j] += s;
      }
    const pa = rt.put(a), pb = rt.put(b), pc = rt.put(c0);
    rt.gemm(M, N, K, pa, 1, M, pb, N, 1, pc + 3 * 4, ldc);
    close('C', rt.copyOut(pc, M * ldc), want, 1e-5 * Math.sqrt(K));
    rt.releaseAll([pa, pb, pc]);
  });
});

describe('wasm arena', () => {
  test('memory stays flat over repeated training calls', () => {
    const c: Case = { kind: 'lstm', B: 8, T: 10, D: 6, H: 12 };
    const args = makeArgs(c, 2);
    const step = (): void => {
      const f = W1.lstmForward(args);
      W1.lstmBackward({ cache: f.cache!, dOutput: null, dhLast: f.hLast, dcLast: null });
      W1.lstmForward({ ...args, training: false });
    };
    step();
    const before = W1.runtime.stats();
    for (let i = 0; i < 20; i++) step();
    const afterStats = W1.runtime.stats();
    assert.equal(afterStats.liveBytes, before.liveBytes);
    assert.equal(afterStats.arenaBytes, before.arenaBytes);
  });
  test('a cache is consumed by its backward', () => {
    const args = makeArgs({ kind: 'gru', B: 2, T: 3, D: 2, H: 3 }, 4);
    const f = W1.gruForward(args);
    W1.gruBackward({ cache: f.cache!, dOutput: null, dhLast: f.hLast });
    assert.throws(() => W1.gruBackward({ cache: f.cache!, dOutput: null, dhLast: f.hLast }), /already consumed/);
    assert.throws(() => W1.lstmBackward({ cache: W1.gruForward(args).cache!, dOutput: null, dhLast: null }), /cache/);
  });
  // token ids through an embedding table (the projected route: 4·50 positions read at most 20 of 1000 rows)
  const embeddedArgs = (): RnnForwardArgs => {
    const rng = new Random(11);
    const [B, T, D, H, V] = [4, 50, 8, 6, 1000];
    return {
      ...makeArgs({ kind: 'lstm', B, T, D, H }, 5),
      x: new Float32Array(0),
      embeddedInput: { table: randomArray(rng, V * D, 1), ids: Int32Array.from({ length: B * T }, () => Math.floor(rng.next() * 20)), V },
    };
  };
  test('a forward that throws midway releases what it had allocated', () => {
    const bad = { ...embeddedArgs(), recurrentKernel: null as unknown as Float32Array }; // an untyped caller's mistake
    for (const K of [W1, W2]) {
      const before = K.runtime.stats().liveBytes;
      for (let i = 0; i < 3; i++) assert.throws(() => K.lstmForward(bad));
      assert.equal(K.runtime.stats().liveBytes, before);
    }
  });
  test('a backward with a wrong tableGrad throws before touching the cache, which stays usable', () => {
    const args = embeddedArgs();
    const V = args.embeddedInput!.V;
    const f = W1.lstmForward(args);
    assert.throws(() => W1.lstmBackward({ cache: f.cache!, dOutput: null, dhLast: f.hLast, tableGrad: new Float32Array(5) }), /tableGrad has length 5/);
    const tableGrad = new Float32Array(V * args.D);
    W1.lstmBackward({ cache: f.cache!, dOutput: null, dhLast: f.hLast, tableGrad });
    assert.ok(tableGrad.some((v) => v !== 0));
  });
});
