/**
 * Minimal typings for the WebAssembly JS API: the library compiles with
 * lib ES2022 and @types/node, neither of which declares WebAssembly, and it
 * must not add global declarations to its consumers' builds.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}
export type WasmModule = object;
export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
export interface WasmApi {
  Memory: new (desc: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => WasmInstance;
  validate(bytes: Uint8Array): boolean;
}

/** The global WebAssembly object, or null where there is none. */
export function wasmApi(): WasmApi | null {
  const wa = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  return typeof wa === 'object' && wa !== null ? wa : null;
}
