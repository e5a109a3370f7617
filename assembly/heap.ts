// The end of the static data: the JS arena (src/kernels/wasm/runtime.ts) allocates from here.

export function heapBase(): usize {
  return __heap_base;
}
