// The command line end to end on the real IMDB archive (../shared or $RECURRENT_IMDB_PATH):
// a tiny `recurrent imdb --save` run, then `recurrent predict` with the saved model.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ARCHIVE = process.env.RECURRENT_IMDB_PATH || resolve(process.cwd(), '../shared/datasets/aclImdb_labeled.tar.gz');
const CLI = resolve(process.cwd(), 'build/src/cli/main.js');

test('recurrent imdb --save, then recurrent predict', async () => {
  const home = await mkdtemp(join(tmpdir(), 'recurrent-cli-'));
  const env = { ...process.env, RECURRENT_HOME: home };
  const model = join(home, 'model.json');
  const train = await run('node', [CLI, 'imdb', '--path', ARCHIVE, '--limit', '64', '--epochs', '2', '--maxlen', '20', '--units', '4', '--save', model, '--review', 'great movie'], { env });
  assert.match(train.stdout, /Total params: 160,597\n/); // Embedding 5000·32 + LSTM 4·(32·4 + 4·4 + 4) + Dense 4 + 1
  assert.match(train.stdout, /Epoch 2\/2/);
  assert.match(train.stdout, /Test loss \d\.\d{4}, test accuracy \d+\.\d\d%/);
  assert.match(train.stdout, /Saved the model to/);
  const trained = /\n {2}(\d\.\d{3}) {2}great movie/.exec(train.stdout);
  assert.ok(trained, train.stdout);
  const predict = await run('node', [CLI, 'predict', '--model', model, '--path', ARCHIVE, '--review', 'great movie'], { env });
  assert.match(predict.stdout, new RegExp(` {2}${trained[1].replace('.', '\\.')} {2}great movie`), 'the saved model scores the review as the trained one did');
  await assert.rejects(run('node', [CLI, 'imdb', '--epochs', '0']), /expected a positive integer/);
});
