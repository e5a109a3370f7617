/**
 * Tensor: a row-major typed array plus a shape. Deliberately minimal — the
 * math lives in kernels that take flat buffers and explicit dimensions, so a
 * Tensor is only the carrier of data across the public API.
 */

export type DType = 'float32' | 'int32';
export type TypedArray = Float32Array | Int32Array;

/** Arbitrarily nested number arrays, as users write them by hand. */
export type NestedArray = number | NestedArray[];

export class Tensor {
  readonly data: TypedArray;
  readonly shape: readonly number[];
  readonly dtype: DType;

  constructor(data: TypedArray, shape: readonly number[], dtype?: DType) {
    const size = shapeSize(shape);
    if (data.length !== size) {
      throw new Error(`Tensor: data has ${data.length} values but shape [${shape.join(', ')}] needs ${size}`);
    }
    this.data = data;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype ?? (data instanceof Int32Array ? 'int32' : 'float32');
    if (this.dtype === 'int32' && !(data instanceof Int32Array)) throw new Error('Tensor: int32 tensor needs an Int32Array');
    if (this.dtype === 'float32' && !(data instanceof Float32Array)) throw new Error('Tensor: float32 tensor needs a Float32Array');
  }

  get rank(): number {
    return this.shape.length;
  }

  get size(): number {
    return this.data.length;
  }

  /** Nested arrays (a plain number for a scalar). */
  toArray(): NestedArray {
    if (this.shape.length === 0) return this.data[0];
    const build = (offset: number, dim: number): NestedArray[] => {
      const n = this.shape[dim];
      const stride = shapeSize(this.shape.slice(dim + 1));
      const out: NestedArray[] = new Array<NestedArray>(n);
      for (let i = 0; i < n; i++) {
        out[i] = dim === this.shape.length - 1 ? this.data[offset + i] : build(offset + i * stride, dim + 1);
      }
      return out;
    };
    return build(0, 0);
  }

  /** A view with another shape over the same data (no copy). */
  reshape(shape: readonly number[]): Tensor {
    return new Tensor(this.data, shape, this.dtype);
  }

  clone(): Tensor {
    return new Tensor(this.data.slice(), this.shape, this.dtype);
  }

  toString(): string {
    return `Tensor(${this.dtype}, [${this.shape.join(', ')}])`;
  }
}

export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function shapeEquals(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function formatShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`;
}

function inferShape(values: NestedArray): number[] {
  const shape: number[] = [];
  let v: NestedArray = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0];
  }
  return shape;
}

function flattenInto(values: NestedArray, shape: number[], dim: number, out: number[], path: number[]): void {
  if (dim === shape.length) {
    if (typeof values !== 'number') throw new Error(`tensor: expected a number at [${path.join(', ')}], got ${Array.isArray(values) ? 'an array' : typeof values}`);
    out.push(values);
    return;
  }
  if (!Array.isArray(values) || values.length !== shape[dim]) {
    throw new Error(`tensor: ragged nested array at [${path.join(', ')}]: expected length ${shape[dim]}, got ${Array.isArray(values) ? values.length : typeof values}`);
  }
  for (let i = 0; i < values.length; i++) flattenInto(values[i], shape, dim + 1, out, [...path, i]);
}

/**
 * Creates a tensor from nested arrays or a typed array.
 * `tensor([[1, 2], [3, 4]])` → float32 [2, 2]; `tensor(new Int32Array(6), [2, 3])`.
 */
export function tensor(values: NestedArray | TypedArray | Tensor, shape?: readonly number[], dtype?: DType): Tensor {
  if (values instanceof Tensor) {
    if (dtype && dtype !== values.dtype) return cast(values, dtype);
    return shape ? values.reshape(shape) : values;
  }
  if (values instanceof Float32Array || values instanceof Int32Array) {
    const dt = dtype ?? (values instanceof Int32Array ? 'int32' : 'float32');
    const data = dt === 'int32' ? (values instanceof Int32Array ? values : Int32Array.from(values)) : values instanceof Float32Array ? values : Float32Array.from(values);
    return new Tensor(data, shape ?? [values.length], dt);
  }
  const inferred = inferShape(values);
  const flat: number[] = [];
  flattenInto(values, inferred, 0, flat, []);
  const dt = dtype ?? 'float32';
  const data = dt === 'int32' ? Int32Array.from(flat) : Float32Array.from(flat);
  for (let i = 0; i < flat.length; i++) {
    if (Number.isNaN(flat[i]) && dt === 'int32') throw new Error('tensor: NaN cannot be stored as int32');
  }
  return new Tensor(data, shape ?? inferred, dt);
}

export function cast(t: Tensor, dtype: DType): Tensor {
  if (t.dtype === dtype) return t;
  return new Tensor(dtype === 'int32' ? Int32Array.from(t.data) : Float32Array.from(t.data), t.shape, dtype);
}

export function zeros(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  const n = shapeSize(shape);
  return new Tensor(dtype === 'int32' ? new Int32Array(n) : new Float32Array(n), shape, dtype);
}

export function ones(shape: readonly number[]): Tensor {
  return new Tensor(new Float32Array(shapeSize(shape)).fill(1), shape, 'float32');
}

/** Anything the model API accepts as data: a Tensor, nested arrays or a flat typed array with a shape given elsewhere. */
export type TensorLike = Tensor | NestedArray;

export function toTensor(value: TensorLike, what: string): Tensor {
  if (value instanceof Tensor) return value;
  if (!Array.isArray(value)) throw new Error(`${what}: expected a Tensor or nested number arrays, got ${typeof value}`);
  return tensor(value);
}

/** Rows [start, end) along axis 0, copied. */
export function sliceRows(t: Tensor, start: number, end: number): Tensor {
  const row = shapeSize(t.shape.slice(1));
  return new Tensor(t.data.slice(start * row, end * row), [end - start, ...t.shape.slice(1)], t.dtype);
}

/** Rows picked by index along axis 0, copied (used for shuffled batches). */
export function gatherRows(t: Tensor, indices: ArrayLike<number>): Tensor {
  const row = shapeSize(t.shape.slice(1));
  const out = t.dtype === 'int32' ? new Int32Array(indices.length * row) : new Float32Array(indices.length * row);
  for (let i = 0; i < indices.length; i++) out.set(t.data.subarray(indices[i] * row, (indices[i] + 1) * row), i * row);
  return new Tensor(out, [indices.length, ...t.shape.slice(1)], t.dtype);
}
