// IMDB loading benchmark: archive → tokenized corpus (no cache), then from the cache.
// Run: npm run bench:data   (archive: $RECURRENT_IMDB_PATH or ../shared/datasets/aclImdb_labeled.tar.gz)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadData } from '../src/data/imdb/load.js';

const archive = process.env.RECURRENT_IMDB_PATH || resolve(process.cwd(), '../shared/datasets/aclImdb_labeled.tar.gz');
const runs = Number(process.env.RUNS ?? 3);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const cold: number[] = [];
  const warm: number[] = [];
  for (let r = 0; r < runs; r++) {
    const home = await mkdtemp(join(tmpdir(), 'recurrent-bench-'));
    process.env.RECURRENT_HOME = home;
    let t = performance.now();
    const [[x], [xt]] = await loadData({ path: archive });
    cold.push(performance.now() - t);
    if (x.length + xt.length !== 50000) throw new Error(`expected 50000 reviews, got ${x.length + xt.length}`);
    t = performance.now();
    await loadData({ path: archive });
    warm.push(performance.now() - t);
    await rm(home, { recursive: true, force: true });
  }
  console.log(`archive: ${archive}`);
  console.log(`load+tokenize 50,000 reviews (no cache): median ${median(cold).toFixed(0)} ms  runs ${cold.map((v) => v.toFixed(0)).join(', ')}`);
  console.log(`load from cache:                         median ${median(warm).toFixed(0)} ms  runs ${warm.map((v) => v.toFixed(0)).join(', ')}`);
}

await main();
