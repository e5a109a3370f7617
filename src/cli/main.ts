#!/usr/bin/env node
// Command-line entry: `recurrent imdb …` trains and evaluates a sentiment model on IMDB.
import { Command, InvalidArgumentError, Option } from 'commander';
import { runImdb, runPredict } from './imdb-command.js';

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function positiveNumber(v: string): number {
  const n = Number(v);
  if (!(n > 0)) throw new InvalidArgumentError('expected a positive number');
  return n;
}

function rate(v: string): number {
  const n = Number(v);
  if (!(n >= 0 && n < 1)) throw new InvalidArgumentError('expected a number in [0, 1)');
  return n;
}

const program = new Command('recurrent').description('Recurrent neural networks (LSTM, GRU, SimpleRNN) in TypeScript');

program
  .command('imdb')
  .description('train a sentiment classifier on the IMDB movie reviews, evaluate it and score new reviews')
  .addOption(new Option('--rnn <kind>', 'recurrent layer').choices(['lstm', 'gru', 'simpleRNN']).default('lstm'))
  .option('--bidirectional', 'wrap the recurrent layer in Bidirectional')
  .option('--units <n>', 'recurrent units', positiveInt, 32)
  .option('--embedding-dim <n>', 'embedding size', positiveInt, 32)
  .option('--num-words <n>', 'vocabulary size (most frequent words)', positiveInt, 5000)
  .option('--maxlen <n>', 'pad/truncate reviews to this many tokens', positiveInt, 400)
  .option('--epochs <n>', 'training epochs', positiveInt, 3)
  .option('--batch-size <n>', 'batch size', positiveInt, 32)
  .option('--learning-rate <x>', 'Adam learning rate', positiveNumber, 1e-3)
  .option('--dropout <x>', 'input dropout of the recurrent layer', rate, 0.2)
  .option('--limit <n>', 'use only the first n training and test reviews', positiveInt)
  .option('--seed <n>', 'random seed', positiveInt, 1)
  .addOption(new Option('--backend <name>', 'compute backend').choices(['wasm', 'reference']))
  .option('--path <file>', 'IMDB archive (default: $RECURRENT_IMDB_PATH, else download and cache)')
  .option('--review <text...>', 'review text(s) to score after training')
  .option('--save <file>', 'save the trained model (JSON) for `recurrent predict`')
  .action(async (opts) => {
    await runImdb({ ...opts, review: opts.review ?? [] });
  });

program
  .command('predict')
  .description('score review text with a model saved by `recurrent imdb --save`')
  .requiredOption('--model <file>', 'model file written by `recurrent imdb --save`')
  .requiredOption('--review <text...>', 'review text(s) to score')
  .addOption(new Option('--backend <name>', 'compute backend').choices(['wasm', 'reference']))
  .option('--path <file>', 'IMDB archive the vocabulary comes from (default: $RECURRENT_IMDB_PATH, else the cached download)')
  .action(async (opts) => {
    await runPredict(opts);
  });

program.parseAsync().catch((err: unknown) => {
  console.error(`recurrent: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
