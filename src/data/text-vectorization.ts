/**
 * textVectorization — a small stand-in for Keras' TextVectorization layer
 * (int output mode): `adapt` learns a vocabulary, `call` turns texts into a
 * fixed-length [n, sequenceLength] int32 Tensor. Index 0 is padding and
 * index 1 the OOV token '[UNK]', as in Keras; `maxTokens` counts both.
 * Sequences are padded and truncated at the end, like TextVectorization's
 * output_sequence_length.
 */
import type { Tensor } from '../tensor.js';
import { padSequences } from './pad-sequences.js';
import { Tokenizer } from './tokenizer.js';

export interface TextVectorizationOptions {
  /** Vocabulary size including padding (0) and OOV (1); default unlimited. */
  maxTokens?: number;
  /** Output length; default: the longest text of each call. */
  sequenceLength?: number;
  /** Characters stripped before splitting (default: Keras Tokenizer filters). */
  filters?: string;
  lower?: boolean;
}

export interface TextVectorizer {
  adapt(texts: readonly string[]): void;
  call(texts: readonly string[]): Tensor;
  /** Index → token, starting with '' (padding) and '[UNK]'. */
  getVocabulary(): string[];
  readonly tokenizer: Tokenizer;
}

export function textVectorization(options: TextVectorizationOptions = {}): TextVectorizer {
  const tokenizer = new Tokenizer({ numWords: options.maxTokens ?? null, oovToken: '[UNK]', filters: options.filters, lower: options.lower });
  return {
    tokenizer,
    adapt(texts) {
      tokenizer.fitOnTexts(texts);
    },
    call(texts) {
      return padSequences(tokenizer.textsToSequences(texts), { maxlen: options.sequenceLength, padding: 'post', truncating: 'post' });
    },
    getVocabulary() {
      const vocab = [''];
      const limit = options.maxTokens ?? Infinity;
      for (let i = 1; i < limit && tokenizer.indexWord.has(i); i++) vocab.push(tokenizer.indexWord.get(i) as string);
      return vocab;
    },
  };
}
