import assert from 'node:assert/strict';
import { test } from 'node:test';
import { padSequences } from '../../src/data/pad-sequences.js';

// The examples from the keras.utils.pad_sequences docstring.
const sequence = [[1], [2, 3], [4, 5, 6]];

test('defaults: pre-padding to the longest, int32', () => {
  const t = padSequences(sequence);
  assert.equal(t.dtype, 'int32');
  assert.deepEqual(t.shape, [3, 3]);
  assert.deepEqual(t.toArray(), [[0, 0, 1], [0, 2, 3], [4, 5, 6]]);
});

test('value=-1', () => {
  assert.deepEqual(padSequences(sequence, { value: -1 }).toArray(), [[-1, -1, 1], [-1, 2, 3], [4, 5, 6]]);
});

test("padding='post'", () => {
  assert.deepEqual(padSequences(sequence, { padding: 'post' }).toArray(), [[1, 0, 0], [2, 3, 0], [4, 5, 6]]);
});

test('maxlen=2 truncates at the start by default', () => {
  assert.deepEqual(padSequences(sequence, { maxlen: 2 }).toArray(), [[0, 1], [2, 3], [5, 6]]);
});

test("truncating='post', float32, typed-array input, empty sequences", () => {
  const t = padSequences([Int32Array.of(1, 2, 3), [], [7]], { maxlen: 2, truncating: 'post', padding: 'post', dtype: 'float32' });
  assert.equal(t.dtype, 'float32');
  assert.deepEqual(t.toArray(), [[1, 2], [0, 0], [7, 0]]);
  assert.deepEqual(padSequences([], { maxlen: 4 }).shape, [0, 4]);
});

test('bad arguments name the problem', () => {
  assert.throws(() => padSequences(sequence, { maxlen: -1 }), /maxlen/);
  assert.throws(() => padSequences(sequence, { padding: 'middle' as 'pre' }), /padding/);
  assert.throws(() => padSequences([[1, 'a' as unknown as number]]), /non-number/);
});
