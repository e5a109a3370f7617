// Initializers: Keras definitions (keras/src/initializers/random_initializers.py)
// and the per-layer Keras defaults.
//   glorot_uniform  U(−l, l), l = √(6/(fanIn+fanOut))      → variance 2/(fanIn+fanOut)
//   glorot_normal   truncated N(0, σ), σ = √(2/(fanIn+fanOut))/0.87962566 (cut at 2σ) → variance 2/(fanIn+fanOut)
//   he_uniform      U(−l, l), l = √(6/fanIn);  he_normal truncated, variance 2/fanIn
//   orthogonal      QR of a normal matrix; rows (or columns) orthonormal, times gain
//   For a 2-D kernel [fanIn, fanOut].
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { initialize, type InitializerConfig } from '../../src/initializers/initializers.js';
import { layers, Sequential } from '../../src/index.js';
import { Random } from '../../src/random.js';

function stats(a: Float32Array): { mean: number; variance: number; min: number; max: number } {
  let s = 0, s2 = 0, min = Infinity, max = -Infinity;
  for (const v of a) {
    s += v;
    s2 += v * v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = s / a.length;
  return { mean, variance: s2 / a.length - mean * mean, min, max };
}

/** Relative closeness for sample statistics (n = 20 000 → relative sd of the variance ≈ 1–2%). */
const near = (got: number, want: number, rel: number, what: string): void => assert.ok(Math.abs(got - want) <= rel * Math.abs(want), `${what}: got ${got}, expected ≈ ${want}`);

describe('random initializers', () => {
  const shape = [100, 200];
  it('glorotUniform: within ±√(6/(fanIn+fanOut)), variance 2/(fanIn+fanOut), fills the range', () => {
    const w = initialize('glorotUniform', shape, new Random(1));
    const limit = Math.sqrt(6 / 300);
    const s = stats(w);
    assert.ok(s.min >= -limit && s.max <= limit, `range [${s.min}, ${s.max}] vs ±${limit}`);
    assert.ok(s.min < -0.99 * limit && s.max > 0.99 * limit, 'uses the whole range');
    near(s.variance, 2 / 300, 0.05, 'variance');
    assert.ok(Math.abs(s.mean) < 0.002, `mean ${s.mean}`);
  });
  it('glorotNormal: truncated at 2σ, variance 2/(fanIn+fanOut)', () => {
    const w = initialize('glorotNormal', shape, new Random(2));
    const sigma = Math.sqrt(2 / 300) / 0.87962566103423978;
    const s = stats(w);
    assert.ok(s.min >= -2 * sigma - 1e-7 && s.max <= 2 * sigma + 1e-7, `range [${s.min}, ${s.max}] vs ±${2 * sigma}`);
    near(s.variance, 2 / 300, 0.05, 'variance');
  });
  it('heUniform / heNormal: variance 2/fanIn', () => {
    const u = stats(initialize('heUniform', shape, new Random(3)));
    assert.ok(u.max <= Math.sqrt(6 / 100) && u.min >= -Math.sqrt(6 / 100));
    near(u.variance, 2 / 100, 0.05, 'heUniform variance');
    near(stats(initialize('heNormal', shape, new Random(4))).variance, 2 / 100, 0.05, 'heNormal variance');
  });
  it('randomUniform / randomNormal defaults and options', () => {
    const u = stats(initialize('randomUniform', [20000], new Random(5)));
    assert.ok(u.min >= -0.05 && u.max <= 0.05 && u.max > 0.049);
    const u2 = stats(initialize({ name: 'randomUniform', minval: 1, maxval: 3 }, [20000], new Random(5)));
    assert.ok(u2.min >= 1 && u2.max <= 3);
    near(u2.mean, 2, 0.01, 'uniform(1,3) mean');
    const n = stats(initialize({ name: 'randomNormal', mean: 1, stddev: 0.5 }, [20000], new Random(6)));
    near(n.mean, 1, 0.02, 'normal mean');
    near(n.variance, 0.25, 0.05, 'normal variance');
  });
  it('constants', () => {
    assert.deepEqual(Array.from(initialize('zeros', [3], new Random(0))), [0, 0, 0]);
    assert.deepEqual(Array.from(initialize('ones', [2, 2], new Random(0))), [1, 1, 1, 1]);
    assert.deepEqual(Array.from(initialize({ name: 'constant', value: 0.5 }, [2], new Random(0))), [0.5, 0.5]);
    assert.throws(() => initialize('nope' as InitializerConfig, [2], new Random(0)), /unknown initializer "nope"/);
  });
  it('same seed → same values; different seed → different', () => {
    const a = initialize('glorotUniform', [4, 5], new Random(9));
    assert.deepEqual(a, initialize('glorotUniform', [4, 5], new Random(9)));
    assert.notDeepEqual(a, initialize('glorotUniform', [4, 5], new Random(10)));
  });
});

/** Max |M·Mᵀ − g²·I| over the rows of a row-major [rows, cols] matrix (rows ≤ cols), or MᵀM when by = 'cols'. */
function orthoError(w: Float32Array, rows: number, cols: number, by: 'rows' | 'cols', gain = 1): number {
  const n = by === 'rows' ? rows : cols;
  const len = by === 'rows' ? cols : rows;
  const at = (i: number, k: number): number => (by === 'rows' ? w[i * cols + k] : w[k * cols + i]);
  let worst = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let d = 0;
      for (let k = 0; k < len; k++) d += at(i, k) * at(j, k);
      worst = Math.max(worst, Math.abs(d - (i === j ? gain * gain : 0)));
    }
  }
  return worst;
}

describe('orthogonal', () => {
  for (const H of [3, 8, 16]) {
    it(`[H, 4H] = [${H}, ${4 * H}] has orthonormal rows (W·Wᵀ = I)`, () => {
      const w = initialize('orthogonal', [H, 4 * H], new Random(H));
      assert.ok(orthoError(w, H, 4 * H, 'rows') < 1e-5, `error ${orthoError(w, H, 4 * H, 'rows')}`);
    });
    it(`[4H, H] = [${4 * H}, ${H}] has orthonormal columns (Wᵀ·W = I)`, () => {
      const w = initialize('orthogonal', [4 * H, H], new Random(H + 1));
      assert.ok(orthoError(w, 4 * H, H, 'cols') < 1e-5);
    });
  }
  it('square [H, H] is orthogonal both ways; gain scales', () => {
    const w = initialize({ name: 'orthogonal', gain: 2 }, [6, 6], new Random(1));
    assert.ok(orthoError(w, 6, 6, 'rows', 2) < 1e-5);
    assert.ok(orthoError(w, 6, 6, 'cols', 2) < 1e-5);
  });
  it('is not a trivial (identity-like or repeated) matrix', () => {
    const w = initialize('orthogonal', [4, 16], new Random(3));
    const s = stats(w);
    near(s.variance, 1 / 16, 0.5, 'entries spread like a random rotation');
  });
});

describe('layer initialization', () => {
  it('LSTM unitForgetBias puts exactly 1 in the f block (i | f | c | o) and 0 elsewhere', () => {
    const H = 5;
    const model = new Sequential([layers.lstm({ units: H, inputShape: [3, 2] })], { seed: 1 });
    const bias = model.getWeights()[2];
    assert.deepEqual(bias.shape, [4 * H]);
    const expected = Array.from({ length: 4 * H }, (_, i) => (i >= H && i < 2 * H ? 1 : 0));
    assert.deepEqual(Array.from(bias.data), expected);
  });
  it('LSTM unitForgetBias: false leaves the bias to biasInitializer', () => {
    const m = new Sequential([layers.lstm({ units: 3, inputShape: [3, 2], unitForgetBias: false })], { seed: 1 });
    assert.deepEqual(Array.from(m.getWeights()[2].data), new Array(12).fill(0));
    const m2 = new Sequential([layers.lstm({ units: 2, inputShape: [3, 2], biasInitializer: { name: 'constant', value: 0.5 } })], { seed: 1 });
    assert.deepEqual(Array.from(m2.getWeights()[2].data), [0.5, 0.5, 1, 1, 0.5, 0.5, 0.5, 0.5], 'Keras: concat(init(H), ones(H), init(2H))');
  });
  it('GRU bias: [2, 3H] with resetAfter (default), [3H] without', () => {
    const a = new Sequential([layers.gru({ units: 4, inputShape: [3, 2] })], { seed: 1 }).getWeights();
    assert.deepEqual(a.map((w) => w.shape), [[2, 12], [4, 12], [2, 12]]);
    const b = new Sequential([layers.gru({ units: 4, inputShape: [3, 2], resetAfter: false })], { seed: 1 }).getWeights();
    assert.deepEqual(b.map((w) => w.shape), [[2, 12], [4, 12], [12]]);
  });
  it('Keras default initializers per layer', () => {
    const dense = layers.dense({ units: 2 }).getConfig();
    assert.equal(dense.kernelInitializer, 'glorotUniform');
    assert.equal(dense.biasInitializer, 'zeros');
    assert.deepEqual(layers.embedding({ inputDim: 5, outputDim: 2 }).getConfig().embeddingsInitializer, { name: 'randomUniform', minval: -0.05, maxval: 0.05 });
    for (const l of [layers.simpleRNN({ units: 2 }), layers.lstm({ units: 2 }), layers.gru({ units: 2 })]) {
      const c = l.getConfig();
      assert.equal(c.kernelInitializer, 'glorotUniform', `${l.className} kernel`);
      assert.equal(c.recurrentInitializer, 'orthogonal', `${l.className} recurrent`);
      assert.equal(c.biasInitializer, 'zeros', `${l.className} bias`);
    }
  });
  it('built weights follow those defaults (ranges and orthogonality)', () => {
    const H = 8, D = 6, V = 50, E = D;
    const model = new Sequential([layers.embedding({ inputDim: V, outputDim: E, inputLength: 4 }), layers.lstm({ units: H }), layers.dense({ units: 3 })], { seed: 7 });
    const [emb, kernel, rec, , dk, db] = model.getWeights();
    const se = stats(emb.data as Float32Array);
    assert.ok(se.min >= -0.05 && se.max <= 0.05 && se.max - se.min > 0.08, 'embedding uniform ±0.05');
    const lim = Math.sqrt(6 / (D + 4 * H));
    const sk = stats(kernel.data as Float32Array);
    assert.ok(sk.min >= -lim && sk.max <= lim && sk.max > 0.8 * lim, 'LSTM kernel glorot uniform over [D, 4H]');
    assert.ok(orthoError(rec.data as Float32Array, H, 4 * H, 'rows') < 1e-5, 'LSTM recurrent kernel orthogonal');
    const dl = Math.sqrt(6 / (H + 3));
    assert.ok(stats(dk.data as Float32Array).max <= dl);
    assert.deepEqual(Array.from(db.data), [0, 0, 0]);
  });
});
