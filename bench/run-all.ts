/**
 * `npm run bench`: the model-level comparison (bench/compare.ts) and, when they
 * have been built, the kernel and data micro-benchmarks, each in its own child
 * process with its output passed through. Environment knobs (BENCH_QUICK,
 * BENCH_ONLY, ...) are documented in bench/compare.ts and apply to all.
 * BENCH_SKIP=kernels,data skips scripts by name.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const skip = (process.env.BENCH_SKIP ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const scripts: [string, string][] = [
  ['compare', 'compare.js'],
  ['kernels', 'kernels.bench.js'],
  ['data', 'data.bench.js'],
];

let failed = 0;
for (const [name, file] of scripts) {
  const path = join(here, file);
  if (skip.includes(name)) {
    console.log(`\n(bench ${name}: skipped by BENCH_SKIP)\n`);
    continue;
  }
  if (!existsSync(path)) {
    if (name !== 'compare') console.log(`\n(bench ${name}: ${file} not present, skipped)\n`);
    else failed++;
    continue;
  }
  console.log(`\n======== bench: ${name} (${file}) ========\n`);
  const r = spawnSync(process.execPath, [path], { stdio: 'inherit', env: process.env });
  if (r.status !== 0) {
    failed++;
    console.log(`\nbench ${name} exited with ${r.status ?? r.signal}`);
  }
}
if (failed) process.exitCode = 1;
