import assert from 'node:assert/strict';
import { test } from 'node:test';
import { textVectorization } from '../../src/data/text-vectorization.js';
import { Tokenizer, textToWordSequence } from '../../src/data/tokenizer.js';

test('textToWordSequence: lower-cases, strips the Keras filters, splits on spaces', () => {
  assert.deepEqual(textToWordSequence('Hello, World!  The\tend.'), ['hello', 'world', 'the', 'end']);
  assert.deepEqual(textToWordSequence("It's fine", { lower: false }), ["It's", 'fine']);
});

test('fitOnTexts ranks by count, ties in first-seen order, index 0 reserved', () => {
  const t = new Tokenizer();
  t.fitOnTexts(['The cat sat on the mat.', 'The dog ate my homework!']);
  // the:3, then count-1 words in order of first appearance
  assert.deepEqual([...t.wordIndex], [['the', 1], ['cat', 2], ['sat', 3], ['on', 4], ['mat', 5], ['dog', 6], ['ate', 7], ['my', 8], ['homework', 9]]);
  assert.equal(t.wordCounts.get('the'), 3);
  assert.equal(t.wordDocs.get('the'), 2);
  assert.equal(t.documentCount, 2);
  assert.deepEqual(t.textsToSequences(['the cat ate the fish']), [[1, 2, 7, 1]]);
  assert.deepEqual(t.sequencesToTexts([[1, 2, 7, 1, 99]]), ['the cat ate the']);
});

test('oovToken gets index 1; numWords keeps indices < numWords', () => {
  const t = new Tokenizer({ numWords: 4, oovToken: '<OOV>' });
  t.fitOnTexts(['a a a b b c d']);
  assert.deepEqual([...t.wordIndex], [['<OOV>', 1], ['a', 2], ['b', 3], ['c', 4], ['d', 5]]);
  assert.deepEqual(t.textsToSequences(['a b c d zebra']), [[2, 3, 1, 1, 1]]);
  assert.deepEqual(t.sequencesToTexts([[2, 3, 4, 5]]), ['a b <OOV> <OOV>']);
  // Without an oov token, out-of-range and unknown words are dropped.
  const u = new Tokenizer({ numWords: 3 });
  u.fitOnTexts(['a a a b b c d']);
  assert.deepEqual(u.textsToSequences(['a b c d zebra']), [[1, 2]]);
});

test('toJSON / fromJSON round-trip', () => {
  const t = new Tokenizer({ numWords: 10, oovToken: '[UNK]' });
  t.fitOnTexts(['one two two three three three', 'four']);
  const back = Tokenizer.fromJSON(JSON.stringify(t.toJSON()));
  assert.deepEqual([...back.wordIndex], [...t.wordIndex]);
  assert.deepEqual([...back.wordCounts], [...t.wordCounts]);
  assert.equal(back.documentCount, 2);
  assert.deepEqual(back.textsToSequences(['three four five']), t.textsToSequences(['three four five']));
});

test('non-string texts are rejected with their position', () => {
  const t = new Tokenizer();
  assert.throws(() => t.fitOnTexts(['ok', 42 as unknown as string]), /text 1 is number/);
  assert.throws(() => t.textsToSequences([null as unknown as string]), /text 0 is null/);
});

test('textVectorization: adapt then fixed-length, post-padded int32 output', () => {
  const v = textVectorization({ maxTokens: 5, sequenceLength: 4 });
  v.adapt(['the cat', 'the dog', 'the bird flew']);
  assert.deepEqual(v.getVocabulary(), ['', '[UNK]', 'the', 'cat', 'dog']);
  const out = v.call(['the dog flew away home now', 'cat']);
  assert.equal(out.dtype, 'int32');
  assert.deepEqual(out.toArray(), [[2, 4, 1, 1], [3, 0, 0, 0]]);
});
