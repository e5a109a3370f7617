/**
 * Normalizer — per-feature standardization, like Keras' Normalization layer
 * with axis=-1: `fit` learns mean and (population) variance of each feature
 * over all other axes; `transform` computes (x - mean) / max(std, 1e-7)
 * (the floor keeps constant features finite, as Keras' epsilon does).
 */
import { Tensor, type TensorLike, toTensor } from '../tensor.js';

const EPSILON = 1e-7;

export interface NormalizerJSON {
  mean: number[];
  variance: number[];
}

export class Normalizer {
  mean: Float64Array | null = null;
  variance: Float64Array | null = null;

  /** Learns per-feature statistics; the last axis is the feature axis (1-D data = one feature). */
  fit(data: TensorLike): this {
    const t = toTensor(data, 'Normalizer.fit');
    const f = t.rank <= 1 ? 1 : t.shape[t.rank - 1];
    const n = t.size / f;
    if (n === 0) throw new RangeError('Normalizer.fit: no data');
    const mean = new Float64Array(f);
    const m2 = new Float64Array(f);
    // Two passes in float64: one-pass sums lose precision on prices ~1e3 with variance ~1e1.
    for (let i = 0; i < t.size; i++) mean[i % f] += t.data[i];
    for (let j = 0; j < f; j++) mean[j] /= n;
    for (let i = 0; i < t.size; i++) {
      const d = t.data[i] - mean[i % f];
      m2[i % f] += d * d;
    }
    for (let j = 0; j < f; j++) m2[j] /= n;
    for (let j = 0; j < f; j++) {
      if (!Number.isFinite(mean[j]) || !Number.isFinite(m2[j])) throw new RangeError(`Normalizer.fit: feature ${j} has non-finite values`);
    }
    this.mean = mean;
    this.variance = m2;
    return this;
  }

  private stats(what: string, t: Tensor): { mean: Float64Array; std: Float64Array } {
    if (this.mean === null || this.variance === null) throw new Error(`Normalizer.${what}: call fit() (or fromJSON) first`);
    const f = t.rank <= 1 ? 1 : t.shape[t.rank - 1];
    if (f !== this.mean.length) throw new RangeError(`Normalizer.${what}: expected ${this.mean.length} features, got ${f}`);
    const std = this.variance.map((v) => Math.max(Math.sqrt(v), EPSILON));
    return { mean: this.mean, std };
  }

  transform(data: TensorLike): Tensor {
    const t = toTensor(data, 'Normalizer.transform');
    const { mean, std } = this.stats('transform', t);
    const f = mean.length;
    const out = new Float32Array(t.size);
    for (let i = 0; i < t.size; i++) out[i] = (t.data[i] - mean[i % f]) / std[i % f];
    return new Tensor(out, t.shape, 'float32');
  }

  inverseTransform(data: TensorLike): Tensor {
    const t = toTensor(data, 'Normalizer.inverseTransform');
    const { mean, std } = this.stats('inverseTransform', t);
    const f = mean.length;
    const out = new Float32Array(t.size);
    for (let i = 0; i < t.size; i++) out[i] = t.data[i] * std[i % f] + mean[i % f];
    return new Tensor(out, t.shape, 'float32');
  }

  toJSON(): NormalizerJSON {
    if (this.mean === null || this.variance === null) throw new Error('Normalizer.toJSON: not fitted');
    return { mean: Array.from(this.mean), variance: Array.from(this.variance) };
  }

  static fromJSON(json: NormalizerJSON | string): Normalizer {
    const j = (typeof json === 'string' ? JSON.parse(json) : json) as NormalizerJSON;
    if (!Array.isArray(j.mean) || !Array.isArray(j.variance) || j.mean.length !== j.variance.length) {
      throw new TypeError('Normalizer.fromJSON: expected {mean: number[], variance: number[]} of equal length');
    }
    const n = new Normalizer();
    n.mean = Float64Array.from(j.mean);
    n.variance = Float64Array.from(j.variance);
    return n;
  }
}
