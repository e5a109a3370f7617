/**
 * All of a model's parameters in one Float32Array (and gradients in another),
 * each layer's Param rebound to a named view. The optimizer and gradient
 * zeroing then work on contiguous memory, and saving is one copy. The two
 * buffers come from the backend when it offers persistent storage (the wasm
 * backend's memory), so its kernels read weights and write gradients in place.
 */
import type { Kernels } from '../kernels/kernels.js';
import type { Param } from '../layers/layer.js';

export class ParameterStore {
  readonly values: Float32Array;
  readonly grads: Float32Array;
  readonly params: Param[];

  private readonly kernels: Kernels | undefined;

  constructor(params: Param[], kernels?: Kernels) {
    this.params = params;
    this.kernels = kernels;
    const total = params.reduce((n, p) => n + p.value.length, 0);
    // the storage lives while this store or any of its Params (which hold views of it) is reachable
    const owners = [this, ...params];
    this.values = kernels?.persistentFloats?.(total, owners) ?? new Float32Array(total);
    this.grads = kernels?.persistentFloats?.(total, owners) ?? new Float32Array(total);
    let offset = 0;
    for (const p of params) {
      const n = p.value.length;
      this.values.set(p.value, offset);
      p.value = this.values.subarray(offset, offset + n);
      p.grad = this.grads.subarray(offset, offset + n);
      offset += n;
    }
  }

  zeroGrads(): void {
    if (!this.kernels?.zeroFill?.(this.grads)) this.grads.fill(0);
  }

  get trainable(): Param[] {
    return this.params.filter((p) => p.trainable);
  }
}
