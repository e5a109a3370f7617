/** Keras-style model summary table. */
import type { Layer, Shape } from '../layers/layer.js';

function shapeText(s: Shape): string {
  return `(${s.map((d) => (d === null ? 'None' : String(d))).join(', ')}${s.length === 1 ? ',' : ''})`;
}

export function summarize(name: string, layers: Layer[], inputShape: Shape): string {
  const rows: [string, string, string][] = [];
  let shape = inputShape;
  let total = 0;
  let trainable = 0;
  for (const l of layers) {
    shape = l.computeOutputShape(shape);
    const n = l.countParams();
    total += n;
    if (l.trainable) trainable += n;
    rows.push([`${l.name} (${l.className})`, shapeText(shape), n.toLocaleString('en-US')]);
  }
  const head: [string, string, string] = ['Layer (type)', 'Output Shape', 'Param #'];
  const w = [0, 1, 2].map((i) => Math.max(head[i].length, ...rows.map((r) => r[i].length)) + 2);
  const line = (c: string): string => c.repeat(w[0] + w[1] + w[2]);
  const fmt = (r: [string, string, string]): string => r[0].padEnd(w[0]) + r[1].padEnd(w[1]) + r[2].padStart(w[2]);
  return [
    `Model: "${name}"`,
    line('─'),
    fmt(head),
    line('═'),
    ...rows.map(fmt),
    line('─'),
    `Total params: ${total.toLocaleString('en-US')}`,
    `Trainable params: ${trainable.toLocaleString('en-US')}`,
    `Non-trainable params: ${(total - trainable).toLocaleString('en-US')}`,
  ].join('\n');
}
