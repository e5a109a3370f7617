// recurrent — wasm SIMD kernels (AssemblyScript, --runtime stub, raw pointers).
// The compile entry (scripts/build-wasm.mjs): it only re-exports the module's exports,
// in a fixed order; the kernels live in the files below.
//
// Everything works on raw byte addresses into linear memory handed over by the
// JS side (src/kernels/wasm/). No managed objects; the only mutable global is the
// per-instance packing scratch (gemm.ts), so the same module can run on
// several threads over one shared memory.
//
// Layouts (row-major f32): sequences are [B, T, F] in *processing order*
// (the JS side reverses x for goBackwards), so row b*T + s is step s of batch b;
// the recurrences work on time-major copies [T, B, F]. Gate blocks follow Keras:
// LSTM i|f|c|o, GRU z|r|h.
// Dimensions: B batch, T time, D input features, H units, G gates (H, 4H, 3H).
//
//   simd.ts          madd (FMA in the relaxed build), partial loads/stores
//   activations.ts   activation codes, e^x / sigmoid / tanh approximations, actV / dactV
//   heap.ts          heapBase
//   gemm.ts          A packing + scratch, micro-kernels, unpacked-B GEMM
//   gemm-packed.ts   packB, packed-B GEMM (+ bias init)
//   layout.ts        fillRows, colSum, transpose, time-major reordering, input-dropout masking (steps, table rows), addInto, equalBytes, zeroBytes
//   table-rows.ts    time-major ids, the distinct table rows a batch reads
//   embedding.ts     gather / scatter-add (in order, or grouped by row for threads)
//   elementwise.ts   elementwise activation forward / backward
//   adam.ts          Adam / AdamW update
//   rnn/common.ts    masking, step pointers, bias-gradient accumulation
//   rnn/simple-rnn.ts, rnn/lstm.ts, rnn/gru.ts   fused forward / backward time loops

export { heapBase } from './heap';
export { gemm, setScratch, scratchFloats } from './gemm';
export { packB, gemmPBias, packedSize, gemmP } from './gemm-packed';
export { fillRows, colSum, transpose, toTimeMajor, fromTimeMajor, maskSteps, maskRowsBy, addInto, equalBytes, zeroBytes } from './layout';
export { idsTimeMajor, distinctIds, distinctSampleIds } from './table-rows';
export { embeddingGather, embeddingScatter, groupByRow, scatterGrouped } from './embedding';
export { activationForward, activationBackward } from './elementwise';
export { adam } from './adam';
export { simpleRnnForward, simpleRnnBackward } from './rnn/simple-rnn';
export { lstmForward, lstmBackward } from './rnn/lstm';
export { gruForward, gruBackward } from './rnn/gru';
