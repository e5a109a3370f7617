/**
 * Weight initializers with Keras definitions and defaults. An initializer
 * fills a buffer of a given shape from an explicit Random.
 * Fans follow Keras: for a 2-D kernel [fanIn, fanOut].
 */
import { Random } from '../random.js';

export type InitializerName =
  | 'glorotUniform'
  | 'glorotNormal'
  | 'heUniform'
  | 'heNormal'
  | 'orthogonal'
  | 'randomUniform'
  | 'randomNormal'
  | 'zeros'
  | 'ones';

export type InitializerConfig =
  | InitializerName
  | { name: 'constant'; value: number }
  | { name: 'randomUniform'; minval?: number; maxval?: number }
  | { name: 'randomNormal'; mean?: number; stddev?: number }
  | { name: 'orthogonal'; gain?: number };

function fans(shape: readonly number[]): [number, number] {
  if (shape.length === 1) return [shape[0], shape[0]];
  if (shape.length === 2) return [shape[0], shape[1]];
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return [shape[shape.length - 2] * receptive, shape[shape.length - 1] * receptive];
}

/** Keras truncated normal: resample outside two standard deviations. */
function truncatedNormal(rng: Random, stddev: number): number {
  for (;;) {
    const v = rng.normal();
    if (Math.abs(v) <= 2) return v * stddev;
  }
}

/**
 * Keras orthogonal: a random normal matrix of the flattened shape [rows, cols]
 * orthonormalised (QR with sign correction), transposed when rows < cols.
 */
function orthogonal(out: Float32Array, shape: readonly number[], rng: Random, gain: number): void {
  const cols = shape[shape.length - 1];
  const rows = out.length / cols;
  const [n, m] = rows < cols ? [cols, rows] : [rows, cols]; // work on a tall n×m matrix, n ≥ m
  // Columns of the tall matrix, orthonormalised by modified Gram–Schmidt (equivalent to QR with positive R diagonal).
  const q: Float64Array[] = [];
  for (let j = 0; j < m; j++) {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = rng.normal();
    for (const u of q) {
      let d = 0;
      for (let i = 0; i < n; i++) d += u[i] * v[i];
      for (let i = 0; i < n; i++) v[i] -= d * u[i];
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) v[i] /= norm;
    q.push(v);
  }
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      // tall matrix element (i, j) = q[j][i]; transposed when rows < cols
      out[r * cols + c] = gain * (rows < cols ? q[r][c] : q[c][r]);
    }
  }
}

export function initialize(config: InitializerConfig, shape: readonly number[], rng: Random): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(size);
  const name = typeof config === 'string' ? config : config.name;
  const [fanIn, fanOut] = fans(shape);
  switch (name) {
    case 'zeros':
      break;
    case 'ones':
      out.fill(1);
      break;
    case 'constant':
      out.fill(typeof config === 'object' && 'value' in config ? config.value : 0);
      break;
    case 'glorotUniform': {
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < size; i++) out[i] = rng.uniform(-limit, limit);
      break;
    }
    case 'glorotNormal': {
      const stddev = Math.sqrt(2 / (fanIn + fanOut)) / 0.8796256610342398; // Keras truncated-normal correction
      for (let i = 0; i < size; i++) out[i] = truncatedNormal(rng, stddev);
      break;
    }
    case 'heUniform': {
      const limit = Math.sqrt(6 / fanIn);
      for (let i = 0; i < size; i++) out[i] = rng.uniform(-limit, limit);
      break;
    }
    case 'heNormal': {
      const stddev = Math.sqrt(2 / fanIn) / 0.8796256610342398;
      for (let i = 0; i < size; i++) out[i] = truncatedNormal(rng, stddev);
      break;
    }
    case 'randomUniform': {
      const c = typeof config === 'object' && config.name === 'randomUniform' ? config : { minval: -0.05, maxval: 0.05 };
      const lo = c.minval ?? -0.05, hi = c.maxval ?? 0.05;
      for (let i = 0; i < size; i++) out[i] = rng.uniform(lo, hi);
      break;
    }
    case 'randomNormal': {
      const c = typeof config === 'object' && config.name === 'randomNormal' ? config : { mean: 0, stddev: 0.05 };
      for (let i = 0; i < size; i++) out[i] = rng.normal(c.mean ?? 0, c.stddev ?? 0.05);
      break;
    }
    case 'orthogonal': {
      const gain = typeof config === 'object' && config.name === 'orthogonal' ? (config.gain ?? 1) : 1;
      orthogonal(out, shape, rng, gain);
      break;
    }
    default:
      throw new Error(`unknown initializer "${String(name)}"`);
  }
  return out;
}
