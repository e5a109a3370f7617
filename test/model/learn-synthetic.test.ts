// End to end: a small LSTM/GRU learns "does the sequence contain token 7?" from scratch.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Sequential, layers, optimizers, tensor, Random } from '../../src/index.js';

export function containsSevenData(n: number, T: number, seed: number): { x: number[][]; y: number[] } {
  const rng = new Random(seed);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const seq = Array.from({ length: T }, () => 1 + rng.int(9)); // tokens 1..9
    const positive = i % 2 === 0;
    for (let t = 0; t < T; t++) if (seq[t] === 7) seq[t] = positive ? 7 : 8;
    if (positive && !seq.includes(7)) seq[rng.int(T)] = 7;
    x.push(seq);
    y.push(positive ? 1 : 0);
  }
  return { x, y };
}

describe('learning a synthetic sequence task', () => {
  for (const kind of ['lstm', 'gru'] as const) {
    it(`${kind} reaches >95% accuracy on held-out data`, async () => {
      const train = containsSevenData(512, 12, 1);
      const test = containsSevenData(256, 12, 2);
      const rnn = kind === 'lstm' ? layers.lstm({ units: 16 }) : layers.gru({ units: 16 });
      const model = new Sequential([layers.embedding({ inputDim: 10, outputDim: 8, inputLength: 12 }), rnn, layers.dense({ units: 1, activation: 'sigmoid' })], { seed: 42 });
      model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
      const history = await model.fit(tensor(train.x, undefined, 'int32'), train.y.map((v) => [v]), { epochs: 12, batchSize: 32, verbose: 0 });
      const [loss, acc] = await model.evaluate(tensor(test.x, undefined, 'int32'), test.y.map((v) => [v]));
      assert.ok(history.history.loss[history.history.loss.length - 1] < history.history.loss[0], 'training loss decreases');
      assert.ok(acc > 0.95, `accuracy ${acc} (loss ${loss})`);
    });
  }
});
