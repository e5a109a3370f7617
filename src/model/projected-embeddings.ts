/**
 * Inference shortcut for Embedding → recurrent layer: the recurrent kernel gathers rows of the
 * embedding table projected through its input kernel instead of doing the input GEMM.
 */
import type { Embedding } from '../layers/embedding.js';
import type { ForwardContext } from '../layers/layer.js';
import type { RecurrentLayer } from '../layers/recurrent.js';
import { Tensor } from '../tensor.js';

/** An Embedding's table projected through the next recurrent layer's input kernel (see ProjectedEmbeddings.forward). */
interface ProjectedTable {
  rnn: RecurrentLayer;
  /** [V, G·H] = table·kernel + input bias; null until worth building. */
  table: Float32Array | null;
  /** Copies of the embedding table, kernel and input bias that `table` was computed from. */
  weights: Float32Array[];
  /** Token rows run through the normal path since `table` was last dropped. */
  rowsSeen: number;
}

/**
 * Whether two weight buffers hold the same values, compared 8 bytes at a time where both
 * buffers allow it (~4x faster than float by float on an embedding table). Unchanged weights
 * compare equal (a pair of floats whose bits happen to form a NaN double compares unequal: the
 * table is then rebuilt, which is only slower); a changed value compares unequal (as in a
 * float-by-float compare, +0 and −0 count as equal: they give the same projection).
 */
function sameValues(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const n = a.length;
  let i = 0;
  if (a.byteOffset % 8 === 0 && b.byteOffset % 8 === 0) {
    const a2 = new Float64Array(a.buffer, a.byteOffset, n >> 1);
    const b2 = new Float64Array(b.buffer, b.byteOffset, n >> 1);
    for (let k = 0; k < a2.length; k++) if (a2[k] !== b2[k]) return false;
    i = a2.length * 2;
  }
  for (; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class ProjectedEmbeddings {
  private readonly entries = new Map<Embedding, ProjectedTable>();

  /**
   * Inference through Embedding → recurrent layer without the input GEMM: x·kernel + input bias
   * for token v is row v of P = table·kernel + input bias ([V, G·H]), so P is computed once and
   * the recurrent kernel gathers each batch's rows from it.
   * Staleness: P is kept with a copy of the weights it came from and used only while they are
   * unchanged (compared on each use, ~(V·E + E·G·H) floats, far below one batch's work: in wasm
   * when the backend offers sameBits), so any change — optimizer steps, setWeights, or writes
   * into Param.value — rebuilds it.
   * When to build: P costs the input GEMM over V rows, so it is built only once the token rows
   * run through the normal path since it was last dropped (this batch included) reach V. A single
   * small batch with a large vocabulary keeps the normal path; in total at most about twice the
   * GEMM work of never fusing is spent, and a predict over many batches, or one batch with
   * B·T ≥ V, pays it back. P over 2^24 floats (64 MB) is never built.
   * Returns null to take the normal path.
   */
  forward(embedding: Embedding, rnn: RecurrentLayer, x: Tensor, ctx: ForwardContext): Tensor | null {
    if (x.shape.length !== 2 || !embedding.built || !rnn.built) return null;
    const w = rnn.inputProjectionWeights();
    const V = embedding.inputDim;
    const E = embedding.outputDim;
    if (w.D !== E || V * w.width > 2 ** 24) return null;
    const weights = [embedding.table, w.kernel, w.bias ?? new Float32Array(0)];
    let entry = this.entries.get(embedding);
    if (!entry || entry.rnn !== rnn) {
      entry = { rnn, weights: [], table: null, rowsSeen: 0 };
      this.entries.set(embedding, entry);
    } else if (entry.table && !weights.every((a, i) => (ctx.kernels.sameBits?.(a, entry!.weights[i]) ?? sameValues(a, entry!.weights[i])))) {
      entry.table = null;
      entry.rowsSeen = 0;
    }
    const [B, T] = x.shape;
    if (!entry.table) {
      entry.rowsSeen += B * T;
      if (entry.rowsSeen < V) return null;
      entry.table = ctx.kernels.denseForward({ x: embedding.table, kernel: w.kernel, bias: w.bias, N: V, D: E, U: w.width });
      // the copies live beside the weights where the backend allows (wasm memory), so sameBits can compare them
      // there; a rebuild refills them (new blocks owned by the long-lived entry would never be released)
      const owner = entry;
      entry.weights = weights.map((a, i) => {
        const old = owner.weights[i];
        const copy = old && old.length === a.length ? old : (ctx.kernels.persistentFloats?.(a.length, [owner]) ?? new Float32Array(a.length));
        copy.set(a);
        return copy;
      });
    }
    // the recurrent kernel gathers the rows itself (no [B, T, G·H] buffer in between)
    // entry.table is replaced, never written, when the weights change: the backend may keep its copy
    return rnn.forwardProjected(entry.table, new Tensor(embedding.toIds(x), [B, T], 'int32'), ctx, true);
  }

}
