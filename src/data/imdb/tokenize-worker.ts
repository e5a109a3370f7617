/**
 * Worker side of the parallel IMDB load (see corpus.ts): the main thread
 * gunzips and untars, and sends batches of review bytes here; this thread
 * tokenizes them with its own WordInterner, in the order received.
 *
 * Messages in:  { type: 'batch', buf: ArrayBuffer, ends: Int32Array } — review k is
 *               buf[ends[k - 1] (0 for k = 0), ends[k]); both buffers are transferred.
 *               { type: 'end' }
 * Message out:  { type: 'done', ids: Int32Array, counts: Int32Array, words: string[] } —
 *               the interned ids of every token, the token count of every review,
 *               and the word of each id.
 */
import { parentPort } from 'node:worker_threads';
import { WordInterner } from './tokenize.js';

export interface BatchMessage {
  type: 'batch';
  buf: ArrayBuffer;
  ends: Int32Array;
}
export interface EndMessage {
  type: 'end';
}
export interface DoneMessage {
  type: 'done';
  ids: Int32Array;
  counts: Int32Array;
  words: string[];
}

if (parentPort !== null) {
  const port = parentPort;
  const interner = new WordInterner();
  let counts = new Int32Array(1 << 16);
  let reviews = 0;
  port.on('message', (msg: BatchMessage | EndMessage) => {
    if (msg.type === 'batch') {
      const buf = new Uint8Array(msg.buf);
      const ends = msg.ends;
      if (reviews + ends.length > counts.length) {
        const bigger = new Int32Array(Math.max(counts.length * 2, reviews + ends.length));
        bigger.set(counts);
        counts = bigger;
      }
      let s = 0;
      for (let k = 0; k < ends.length; k++) {
        counts[reviews++] = interner.tokenize(buf, s, ends[k]);
        s = ends[k];
      }
      return;
    }
    const ids = interner.ids.slice(0, interner.idCount);
    const out = counts.slice(0, reviews);
    const done: DoneMessage = { type: 'done', ids, counts: out, words: interner.words() };
    port.postMessage(done, [ids.buffer, out.buffer]);
    port.close(); // nothing else to do: let the thread exit
  });
}
