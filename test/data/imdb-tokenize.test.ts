import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tokenizeReview } from '../../src/data/imdb/tokenize.js';

test('lower-cases and drops <br /> tags', () => {
  assert.deepEqual(tokenizeReview('Great Movie!<br /><br />Loved IT.<BR>end<br/>'), ['great', 'movie', 'loved', 'it', 'end']);
});

test('apostrophes stay inside words only', () => {
  assert.deepEqual(tokenizeReview("Don't say 'never' - the films' O'Brien"), ["don't", 'say', 'never', 'the', 'films', "o'brien"]);
});

test('unicode letters and digits are word characters; typographic punctuation separates', () => {
  assert.deepEqual(tokenizeReview('CLICHÉ café… 10/10 naïve—ok “quoted” it’s'), ['cliché', 'café', '10', '10', 'naïve', 'ok', 'quoted', 'it', 's']);
  assert.deepEqual(tokenizeReview('snake_case x2'), ['snake_case', 'x2']);
});

test('non-string input is rejected', () => {
  assert.throws(() => tokenizeReview(42 as unknown as string), /expected a string, got number/);
});
