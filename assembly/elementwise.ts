// Elementwise activation kernels over flat buffers (dense-layer outputs), n floats each.

import { ld, st } from './simd';
import { actV, dactV } from './activations';

/** Elementwise activation over n floats. */
export function activationForward(code: i32, x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) {
    const m = min(4, n - i);
    const o = <usize>i << 2;
    st(y + o, actV(code, ld(x + o, m)), m);
  }
}

/** dx = dy ⊙ act'(y). */
export function activationBackward(code: i32, y: usize, dy: usize, dx: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) {
    const m = min(4, n - i);
    const o = <usize>i << 2;
    st(dx + o, f32x4.mul(ld(dy + o, m), dactV(code, ld(y + o, m))), m);
  }
}
