/**
 * timeseriesDataset — keras.utils.timeseries_dataset_from_array, eagerly:
 * returns the array of batches instead of a tf.data pipeline.
 *
 * Window j starts at `startIndex + p_j` with `p_j = j * sequenceStride` and
 * takes rows `start, start + samplingRate, ...` (sequenceLength of them);
 * its target is `targets[start]` (targets[i] belongs to the window that
 * starts at i — shift targets yourself to forecast ahead). Windows must end
 * before `endIndex` (exclusive, default data length).
 * With `shuffle`, window order is shuffled once with our seeded Random
 * (Keras uses numpy's RNG plus a tf.data buffer shuffle, so orders differ).
 */
import { Random } from '../random.js';
import { Tensor, type TensorLike, toTensor } from '../tensor.js';

export interface TimeseriesOptions {
  sequenceLength: number;
  sequenceStride?: number;
  samplingRate?: number;
  /** Windows per batch (default 128); null for one batch with everything. */
  batchSize?: number | null;
  shuffle?: boolean;
  seed?: number;
  startIndex?: number;
  endIndex?: number;
}

export interface TimeseriesBatch {
  /** [b, sequenceLength, features] (features = product of the data's trailing dims; 1 for 1-D data). */
  x: Tensor;
  /** [b, ...target row shape] when targets were given. */
  y?: Tensor;
}

function rowsOf(t: Tensor): { rows: number; width: number; rowShape: number[] } {
  const rows = t.shape.length === 0 ? 0 : t.shape[0];
  const rowShape = t.shape.slice(1);
  return { rows, width: rowShape.reduce((a, b) => a * b, 1), rowShape };
}

export function timeseriesDataset(data: TensorLike, targets: TensorLike | null, options: TimeseriesOptions): TimeseriesBatch[] {
  const d = toTensor(data, 'timeseriesDataset data');
  const t = targets === null || targets === undefined ? null : toTensor(targets, 'timeseriesDataset targets');
  const { rows, width } = rowsOf(d);
  const { sequenceLength, sequenceStride = 1, samplingRate = 1, shuffle = false } = options;
  const batchSize = options.batchSize === undefined ? 128 : options.batchSize;
  const positive = (name: string, v: number): void => {
    if (!Number.isInteger(v) || v <= 0) throw new RangeError(`timeseriesDataset: ${name} must be a positive integer, got ${v}`);
  };
  positive('sequenceLength', sequenceLength);
  positive('sequenceStride', sequenceStride);
  positive('samplingRate', samplingRate);
  if (batchSize !== null) positive('batchSize', batchSize);
  const startIndex = options.startIndex ?? 0;
  const endIndex = options.endIndex ?? rows;
  if (!Number.isInteger(startIndex) || startIndex < 0 || startIndex >= rows) {
    throw new RangeError(`timeseriesDataset: startIndex must be in [0, ${rows}), got ${startIndex}`);
  }
  if (!Number.isInteger(endIndex) || endIndex <= startIndex || endIndex > rows) {
    throw new RangeError(`timeseriesDataset: endIndex must be in (${startIndex}, ${rows}], got ${endIndex}`);
  }
  const span = (sequenceLength - 1) * samplingRate + 1;
  if (span > endIndex - startIndex) {
    throw new RangeError(
      `timeseriesDataset: a window of sequenceLength=${sequenceLength} with samplingRate=${samplingRate} spans ${span} steps, ` +
        `longer than the ${endIndex - startIndex} steps of the series between startIndex=${startIndex} and endIndex=${endIndex}`,
    );
  }
  let numSeqs = endIndex - startIndex - (sequenceLength - 1) * samplingRate;
  if (t !== null) {
    const tr = rowsOf(t).rows;
    // Keras: num_seqs = min(num_seqs, len(targets)); targets may be shorter than data.
    numSeqs = Math.min(numSeqs, tr - startIndex);
    if (numSeqs <= 0) throw new RangeError(`timeseriesDataset: targets has ${tr} rows, none at or after startIndex=${startIndex}`);
  }
  const starts: number[] = [];
  for (let p = 0; p < numSeqs; p += sequenceStride) starts.push(startIndex + p);
  if (shuffle) new Random(options.seed ?? (Date.now() >>> 0)).shuffle(starts);

  const size = batchSize ?? Math.max(starts.length, 1);
  const tw = t === null ? 0 : rowsOf(t).width;
  const batches: TimeseriesBatch[] = [];
  for (let b0 = 0; b0 < starts.length; b0 += size) {
    const chunk = starts.slice(b0, b0 + size);
    const xd = d.dtype === 'int32' ? new Int32Array(chunk.length * sequenceLength * width) : new Float32Array(chunk.length * sequenceLength * width);
    chunk.forEach((s, i) => {
      for (let k = 0; k < sequenceLength; k++) {
        const row = s + k * samplingRate;
        xd.set(d.data.subarray(row * width, (row + 1) * width), (i * sequenceLength + k) * width);
      }
    });
    const batch: TimeseriesBatch = { x: new Tensor(xd, [chunk.length, sequenceLength, width], d.dtype) };
    if (t !== null) {
      const yd = t.dtype === 'int32' ? new Int32Array(chunk.length * tw) : new Float32Array(chunk.length * tw);
      chunk.forEach((s, i) => yd.set(t.data.subarray(s * tw, (s + 1) * tw), i * tw));
      batch.y = new Tensor(yd, [chunk.length, ...t.shape.slice(1)], t.dtype);
    }
    batches.push(batch);
  }
  return batches;
}
