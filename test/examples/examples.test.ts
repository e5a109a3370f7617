// The examples run as users run them (compiled, from the repository root), with their results checked:
// the IMDB example on the real archive (../shared or $RECURRENT_IMDB_PATH; ~20-40 s: it trains two full
// epochs on 20,000 reviews) and the weather forecast on the CSV shipped with vega-datasets.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ARCHIVE = process.env.RECURRENT_IMDB_PATH || resolve(process.cwd(), '../shared/datasets/aclImdb_labeled.tar.gz');
const example = (name: string): string => resolve(process.cwd(), 'build/examples', name);

test('IMDB example: two epochs reach at least 83% test accuracy and score a clear review pair the right way round', { skip: existsSync(ARCHIVE) ? false : `IMDB archive not found at ${ARCHIVE}` }, async () => {
  const home = await mkdtemp(join(tmpdir(), 'recurrent-example-'));
  const env = { ...process.env, RECURRENT_HOME: home, RECURRENT_IMDB_PATH: ARCHIVE };
  const { stdout } = await run('node', [example('imdb-sentiment.js')], { env, maxBuffer: 16 << 20 });
  const acc = /test loss (\d\.\d{4}), accuracy (\d\.\d{4})/.exec(stdout);
  assert.ok(acc, stdout);
  // 86.3% in a run here; the example is unseeded (as a user would write it), so this is a floor, not a pin
  assert.ok(Number(acc[2]) >= 0.83, `test accuracy ${acc[2]}`);
  const scores = [...stdout.matchAll(/^(\d\.\d{3}) {2}(.+)$/gm)].map((m) => Number(m[1]));
  assert.equal(scores.length, 2, stdout);
  assert.ok(scores[0] > 0.5 && scores[1] < 0.5, `positive review ${scores[0]}, negative review ${scores[1]}`);
});

test('weather example: the LSTM beats the "same as today" baseline on the held-out days', async () => {
  const { stdout } = await run('node', [example('forecast-weather.js')], { maxBuffer: 16 << 20 });
  const mae = /Test MAE over (\d+) days: LSTM (\d+\.\d\d) °C, "same as today" baseline (\d+\.\d\d) °C/.exec(stdout);
  assert.ok(mae, stdout);
  assert.equal(Number(mae[1]), 293);
  assert.ok(Number(mae[2]) < Number(mae[3]), `LSTM ${mae[2]} °C against the baseline's ${mae[3]} °C`);
});
