/**
 * All of a model's parameters in one Float32Array (and gradients in another),
 * each layer's Param rebound to a named view. The optimizer and gradient
 * zeroing then work on contiguous memory, and saving is one copy. The two
 * buffers come from the backend when it offers persistent storage (the wasm
 * backend's memory), so its kernels read weights and write gradients in place.
 */
import type { Kernels } from '../kernels/kernels.js';
import type { Param } from '../layers/layer.js';

/**
 * The storage owner behind each view handed out to a Param. A WeakMap entry lives exactly as long
 * as its key, so a view (held by a Param, or by user code that kept `param.value`) keeps its
 * store's storage alive, and a store replaced by a rebuild (layers added) releases its storage
 * once its views are gone, although the Params themselves live on.
 */
const storageOfView = new WeakMap<Float32Array, object>();

export class ParameterStore {
  readonly values: Float32Array;
  readonly grads: Float32Array;
  readonly params: Param[];

  private readonly kernels: Kernels | undefined;
  /** The owner of both blocks (persistentFloats): reachable from this store and from every view of it. */
  private readonly storage: object = {};

  constructor(params: Param[], kernels?: Kernels) {
    this.params = params;
    this.kernels = kernels;
    const total = params.reduce((n, p) => n + p.value.length, 0);
    this.values = kernels?.persistentFloats?.(total, [this.storage]) ?? new Float32Array(total);
    this.grads = kernels?.persistentFloats?.(total, [this.storage]) ?? new Float32Array(total);
    let offset = 0;
    for (const p of params) {
      const n = p.value.length;
      this.values.set(p.value, offset);
      p.value = this.view(this.values, offset, n);
      p.grad = this.view(this.grads, offset, n);
      offset += n;
    }
  }

  private view(a: Float32Array, offset: number, n: number): Float32Array {
    const v = a.subarray(offset, offset + n);
    storageOfView.set(v, this.storage);
    return v;
  }

  zeroGrads(): void {
    if (!this.kernels?.zeroFill?.(this.grads)) this.grads.fill(0);
  }

  get trainable(): Param[] {
    return this.params.filter((p) => p.trainable);
  }
}
