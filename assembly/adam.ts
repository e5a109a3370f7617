// Adam / AdamW parameter update over flat buffers: p, g, m, v each [n] floats.

import { ld, st } from './simd';

/** Adam / AdamW (Keras 3 form), in place. alpha = lr·√(1−β₂ᵗ)/(1−β₁ᵗ), decay = 1 − wd·lr. */
export function adam(p: usize, g: usize, m: usize, v: usize, n: i32, alpha: f32, b1: f32, b2: f32, eps: f32, decay: f32): void {
  const va = f32x4.splat(alpha), v1 = f32x4.splat(1 - b1), v2 = f32x4.splat(1 - b2), ve = f32x4.splat(eps), vd = f32x4.splat(decay);
  for (let i = 0; i < n; i += 4) {
    const c = min(4, n - i);
    const o = <usize>i << 2;
    const gg = ld(g + o, c);
    let mm = ld(m + o, c);
    let vv = ld(v + o, c);
    mm = f32x4.add(mm, f32x4.mul(f32x4.sub(gg, mm), v1));
    vv = f32x4.add(vv, f32x4.mul(f32x4.sub(f32x4.mul(gg, gg), vv), v2));
    const pp = f32x4.sub(f32x4.mul(ld(p + o, c), vd), f32x4.div(f32x4.mul(va, mm), f32x4.add(f32x4.sqrt(vv), ve)));
    st(m + o, mm, c);
    st(v + o, vv, c);
    st(p + o, pp, c);
  }
}
