// recurrent — public API for Node.js. Re-exports only; each concept lives in its own module.
export * from './core.js';
export * from './data/index.js';
export { saveModel, loadModel } from './io/model-file.js';
export { loadKerasModel, type KerasImport } from './io/keras/load.js';
