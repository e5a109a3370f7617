/**
 * Keras-style progress output for fit/evaluate: with verbose 1 a live bar on a
 * terminal (one line per epoch elsewhere), with verbose 2 one line per epoch.
 */
import type { Logs } from './history.js';

interface Sink {
  isTTY: boolean;
  write(s: string): void;
}

function defaultSink(): Sink {
  const out = typeof process !== 'undefined' ? process.stdout : undefined;
  if (out) return { isTTY: Boolean(out.isTTY), write: (s) => void out.write(s) };
  return { isTTY: false, write: (s) => console.log(s.replace(/\n$/, '')) };
}

export function formatLogs(logs: Logs): string {
  return Object.entries(logs)
    .map(([k, v]) => `${k}: ${Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(4)}`)
    .join(' - ');
}

function formatDuration(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)}s` : `${Math.round(ms)}ms`;
}

export class ProgressBar {
  private readonly start = Date.now();
  private lastDraw = 0;

  constructor(
    private readonly total: number,
    private readonly verbose: number,
    private readonly sink: Sink = defaultSink(),
  ) {}

  static epochHeader(epoch: number, epochs: number, verbose: number, sink: Sink = defaultSink()): void {
    if (verbose > 0) sink.write(`Epoch ${epoch + 1}/${epochs}\n`);
  }

  update(done: number, logs: Logs): void {
    if (this.verbose !== 1 || !this.sink.isTTY) return;
    const now = Date.now();
    if (done < this.total && now - this.lastDraw < 100) return; // redraw at most 10×/s
    this.lastDraw = now;
    this.sink.write(`\r${this.line(done, logs)}\x1b[K`);
  }

  finish(logs: Logs): void {
    if (this.verbose === 0) return;
    const line = this.line(this.total, logs);
    this.sink.write(this.verbose === 1 && this.sink.isTTY ? `\r${line}\x1b[K\n` : `${line}\n`);
  }

  private line(done: number, logs: Logs): string {
    const width = 20;
    const filled = Math.round((width * done) / Math.max(1, this.total));
    const bar = '━'.repeat(filled) + ' '.repeat(width - filled);
    const elapsed = Date.now() - this.start;
    const perStep = done > 0 ? elapsed / done : 0;
    const timing = done < this.total ? `ETA ${formatDuration(perStep * (this.total - done))}` : `${formatDuration(elapsed)} ${Math.round(perStep)}ms/step`;
    const digits = String(this.total).length;
    return `${String(done).padStart(digits)}/${this.total} ${bar} ${timing}${Object.keys(logs).length ? ' - ' + formatLogs(logs) : ''}`;
  }
}
