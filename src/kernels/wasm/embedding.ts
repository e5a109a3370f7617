/**
 * Embedding glue on the wasm backend: row gather and scatter-add of the gradient.
 * Dimensions: N ids, E embedding width, V vocabulary; table / dTable [V, E], ids [N], out / dOut [N, E].
 */
import { checkEmbeddingArgs, tableRowCount } from '../reference/embedding.js';
import type { WasmRuntime } from './runtime.js';

export function embeddingForward(rt: WasmRuntime, ids: Int32Array, table: Float32Array, N: number, E: number): Float32Array {
  checkEmbeddingArgs('wasm embeddingForward', ids, N, E, tableRowCount('wasm embeddingForward', table, E));
  const pt = rt.input(table); // in place when resident (see runtime.input)
  const pi = rt.putInts(ids);
  const po = rt.alloc(N * E * 4);
  rt.gather(po, pt, pi, N, E);
  const out = rt.copyOut(po, N * E);
  rt.releaseAll([pt, pi, po]);
  return out;
}

export function embeddingBackward(rt: WasmRuntime, ids: Int32Array, dOut: Float32Array, N: number, E: number, V: number): Float32Array {
  checkEmbeddingArgs('wasm embeddingBackward', ids, N, E, V, dOut);
  const pd = rt.alloc(V * E * 4);
  const pi = rt.putInts(ids);
  const po = rt.put(dOut);
  rt.scatter(pd, pi, po, N, E, V, true);
  const dTable = rt.copyOut(pd, V * E);
  rt.releaseAll([pd, pi, po]);
  return dTable;
}
