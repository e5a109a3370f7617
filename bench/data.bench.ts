// IMDB loading benchmark: archive → tokenized corpus (no cache), then from the cache;
// then the corpus build alone with 0 (main thread), 1 and 2 tokenizer workers, interleaved.
// Run: npm run bench:data   (archive: $RECURRENT_IMDB_PATH or ../shared/datasets/aclImdb_labeled.tar.gz; RUNS=n)
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildCorpus, defaultWorkers } from '../src/data/imdb/corpus.js';
import { loadData } from '../src/data/imdb/load.js';

const archive = process.env.RECURRENT_IMDB_PATH || resolve(process.cwd(), '../shared/datasets/aclImdb_labeled.tar.gz');
const runs = Number(process.env.RUNS ?? 3);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function line(label: string, xs: number[], cpu?: number[]): string {
  const c = cpu === undefined ? '' : `  (process CPU median ${median(cpu).toFixed(0)} ms)`;
  return `${label.padEnd(52)} median ${median(xs).toFixed(0).padStart(5)} ms  runs ${xs.map((v) => v.toFixed(0)).join(', ')}${c}`;
}

async function timed<T>(f: () => Promise<T>, wall: number[], cpu?: number[]): Promise<T> {
  const c = process.cpuUsage();
  const t = performance.now();
  const out = await f();
  wall.push(performance.now() - t);
  const u = process.cpuUsage(c);
  cpu?.push((u.user + u.system) / 1000);
  return out;
}

async function main(): Promise<void> {
  const load = [loadavg()[0]];
  const cold: number[] = [];
  const warm: number[] = [];
  const modes = [0, 1, 2];
  const build = modes.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
  for (let r = 0; r < runs; r++) {
    const home = await mkdtemp(join(tmpdir(), 'recurrent-bench-'));
    process.env.RECURRENT_HOME = home;
    const [[x], [xt]] = await timed(() => loadData({ path: archive }), cold);
    if (x.length + xt.length !== 50000) throw new Error(`expected 50000 reviews, got ${x.length + xt.length}`);
    await timed(() => loadData({ path: archive }), warm);
    await rm(home, { recursive: true, force: true });
    for (let m = 0; m < modes.length; m++) {
      const k = (m + r) % modes.length; // rotate the order so that load swings hit every mode alike
      await timed(() => buildCorpus(archive, { workers: modes[k] }), build[k].wall, build[k].cpu);
    }
    load.push(loadavg()[0]);
  }
  console.log(`archive: ${archive}`);
  console.log(`1-min load average during the run: ${load.map((l) => l.toFixed(1)).join(' → ')} (${availableParallelism()} CPUs)`);
  console.log(line(`loadData, no cache (default: ${defaultWorkers()} worker(s))`, cold));
  console.log(line('loadData from the cache', warm));
  for (let m = 0; m < modes.length; m++) console.log(line(`buildCorpus, workers: ${modes[m]}`, build[m].wall, build[m].cpu));
}

await main();
