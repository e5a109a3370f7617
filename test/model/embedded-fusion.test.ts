// Training through Embedding → recurrent layer as one kernel call (forwardEmbedded,
// RnnForwardArgs.embeddedInput): the same model trained with the two layers run one
// by one (a rate-0 Dropout in between keeps them apart) must end with the same
// weights, for LSTM, GRU, SimpleRNN and Bidirectional, with and without input /
// recurrent dropout (the masks draw from the same seeded stream), on the default backend
// (wasm; the model suite reruns on reference). Vocabularies below and above B·T
// cover both wasm routes (projected table / gathered rows).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { layers, resolveBackend, Sequential, tensor, type Kernels } from '../../src/index.js';
import type { Layer } from '../../src/layers/layer.js';
import { Random } from '../../src/random.js';
import { countingBackend } from '../helpers/rnn-kernels.js';

const B = 6;
const T = 7;

function rnn(kind: string): Layer {
  if (kind === 'lstm') return layers.lstm({ units: 5 });
  if (kind === 'lstm+dropout') return layers.lstm({ units: 5, dropout: 0.3, recurrentDropout: 0.2 });
  if (kind === 'bidirectional+dropout') return layers.bidirectional({ layer: layers.gru({ units: 4, dropout: 0.25 }), mergeMode: 'sum' });
  if (kind === 'gru') return layers.gru({ units: 5 });
  if (kind === 'simpleRNN') return layers.simpleRNN({ units: 5, goBackwards: true });
  return layers.bidirectional({ layer: layers.lstm({ units: 4 }), mergeMode: 'concat' });
}

function build(kind: string, V: number, separate: boolean, kernels: Kernels): Sequential {
  const stack: Layer[] = [layers.embedding({ inputDim: V, outputDim: 3, inputLength: T })];
  if (separate) stack.push(layers.dropout({ rate: 0 }));
  stack.push(rnn(kind));
  stack.push(layers.dense({ units: 1, activation: 'sigmoid' }));
  const model = new Sequential(stack, { seed: 3, backend: kernels });
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  return model;
}

describe('training through Embedding → recurrent layer in one kernel call', () => {
  for (const kind of ['lstm', 'gru', 'simpleRNN', 'bidirectional', 'lstm+dropout', 'bidirectional+dropout']) {
    for (const V of [9, 100]) {
      it(`${kind}, V = ${V} (${V < B * T ? 'V < B·T' : 'V ≥ B·T'}): same weights as the layers run one by one`, () => {
        const rng = new Random(5);
        const ids = Int32Array.from({ length: B * T }, () => rng.int(V));
        const x = tensor(ids, [B, T], 'int32');
        const y = tensor(Float32Array.from({ length: B }, (_, i) => i % 2), [B, 1]);
        const counted = countingBackend((a) => !!a.embeddedInput);
        const fused = build(kind, V, false, counted.kernels);
        const apart = build(kind, V, true, resolveBackend());
        fused.build([null, T]); // then both start from the same weights
        apart.build([null, T]);
        apart.setWeights(fused.getWeights());
        for (let step = 0; step < 3; step++) {
          const a = fused.trainOnBatch(x, y)[0];
          const b = apart.trainOnBatch(x, y)[0];
          assert.ok(Math.abs(a - b) <= 1e-5, `step ${step}: loss ${a} vs ${b}`);
        }
        assert.ok(counted.count() >= 3, 'the fused path ran');
        const wa = fused.getWeights();
        const wb = apart.getWeights();
        assert.equal(wa.length, wb.length);
        wa.forEach((w, i) => {
          const d = w.data as Float32Array;
          const e = wb[i].data as Float32Array;
          for (let j = 0; j < d.length; j++) assert.ok(Math.abs(d[j] - e[j]) <= 1e-5, `weight ${i}[${j}]: ${d[j]} vs ${e[j]}`);
        });
        // the embedding did learn (its gradient reached the table)
        const table0 = build(kind, V, false, resolveBackend()).getWeights()[0].data as Float32Array;
        assert.ok((wa[0].data as Float32Array).some((v, j) => Math.abs(v - table0[j]) > 1e-4), 'embedding table changed');
      });
    }
  }
});
