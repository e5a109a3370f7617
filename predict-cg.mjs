import { Sequential, createWasmKernels, layers, tensor } from '/work/main/build/src/index.js';
const N = +(process.argv[2] ?? 20), threads = +(process.argv[3] ?? 1);
const wasm = createWasmKernels({ threads });
const model = new Sequential([layers.embedding({ inputDim: 5000, outputDim: 32, inputLength: 400 }), layers.lstm({ units: 32 }), layers.dense({ units: 1, activation: 'sigmoid' })], { seed: 1, backend: wasm });
model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
const ids = new Int32Array(32 * 400); let s = 1; for (let i = 0; i < ids.length; i++) { s = (s * 1103515245 + 12345) >>> 0; ids[i] = 1 + (s % 4999); }
const x = tensor(ids, [32, 400], 'int32');
let sink = 0; const ts = [];
for (let i = 0; i < N; i++) { const t = performance.now(); sink += model.predict(x, { batchSize: 32 }).data[0]; ts.push(performance.now() - t); }
ts.sort((a, b) => a - b);
console.log('median', ts[ts.length >> 1].toFixed(3), 'min', ts[0].toFixed(3), sink > -1e9 ? '' : 'x');
wasm.dispose();
