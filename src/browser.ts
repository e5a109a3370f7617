// recurrent — public API for browsers: everything but what needs the file system
// (the IMDB loader and readCsv). Runs single-threaded on the wasm backend without
// cross-origin isolation; call `await precompileWasm()` first where synchronous
// WebAssembly compilation of the kernels is not allowed (browser main threads).
export * from './core.js';
export * as preprocessing from './data/preprocessing-portable.js';
