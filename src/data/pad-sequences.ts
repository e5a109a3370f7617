/**
 * padSequences — keras.utils.pad_sequences for 1-D sequences: pads (or
 * truncates) every sequence to the same length and returns a [n, maxlen] Tensor.
 */
import { Tensor, type DType } from '../tensor.js';

export interface PadSequencesOptions {
  /** Output length; default: the longest sequence. */
  maxlen?: number;
  /** int32 (default) or float32. */
  dtype?: DType;
  /** Pad before ('pre', default) or after ('post') each sequence. */
  padding?: 'pre' | 'post';
  /** Drop values from the start ('pre', default) or the end ('post') of longer sequences. */
  truncating?: 'pre' | 'post';
  /** Padding value (default 0); truncated toward zero for int32, as numpy does. */
  value?: number;
}

export function padSequences(sequences: readonly ArrayLike<number>[], options: PadSequencesOptions = {}): Tensor {
  if (!Array.isArray(sequences)) throw new TypeError('padSequences: `sequences` must be an array of sequences');
  const { dtype = 'int32', padding = 'pre', truncating = 'pre', value = 0 } = options;
  if (padding !== 'pre' && padding !== 'post') throw new RangeError(`padSequences: padding must be 'pre' or 'post', got ${String(padding)}`);
  if (truncating !== 'pre' && truncating !== 'post') throw new RangeError(`padSequences: truncating must be 'pre' or 'post', got ${String(truncating)}`);
  sequences.forEach((s, i) => {
    if (s === null || typeof s !== 'object' || typeof s.length !== 'number') throw new TypeError(`padSequences: sequence ${i} is not an array`);
  });
  let maxlen = 0;
  if (options.maxlen === undefined) {
    for (const s of sequences) if (s.length > maxlen) maxlen = s.length;
  } else if (!Number.isInteger(options.maxlen) || options.maxlen < 0) {
    throw new RangeError(`padSequences: maxlen must be a non-negative integer, got ${options.maxlen}`);
  } else {
    maxlen = options.maxlen;
  }
  const n = sequences.length;
  const data = dtype === 'int32' ? new Int32Array(n * maxlen) : new Float32Array(n * maxlen);
  if (value !== 0) data.fill(value);
  for (let i = 0; i < n; i++) {
    const s = sequences[i];
    const len = Math.min(s.length, maxlen);
    if (len === 0) continue;
    const from = truncating === 'pre' ? s.length - len : 0; // which slice of s survives
    const to = padding === 'pre' ? i * maxlen + maxlen - len : i * maxlen; // where it goes
    for (let k = 0; k < len; k++) {
      const v = s[from + k];
      if (typeof v !== 'number') throw new TypeError(`padSequences: sequence ${i} has a non-number at ${from + k}`);
      data[to + k] = v;
    }
  }
  return new Tensor(data, [n, maxlen], dtype);
}
