/**
 * Reading Keras's HDF5 files through jsfive (a pure-JavaScript HDF5 reader): groups, string
 * attributes and float32 datasets, with errors that name the file and the path.
 */
import { Dataset, File, Group } from 'jsfive';

export { Group };

/** Opens HDF5 bytes (an .h5 file, or model.weights.h5 from a .keras archive). */
export function openHdf5(bytes: Uint8Array, source: string): File {
  // jsfive reads an ArrayBuffer from its start: hand it exactly these bytes
  const buffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.slice().buffer;
  try {
    return new File(buffer as ArrayBuffer, source);
  } catch (err) {
    throw new Error(`${source}: not a readable HDF5 file (${(err as Error).message})`);
  }
}

/** The group at `path`, or null when there is none. */
export function groupAt(root: Group, path: string): Group | null {
  const g = nodeAt(root, path);
  return g instanceof Group ? g : null;
}

/** The node at `path`, or undefined (jsfive throws for a missing path). */
function nodeAt(root: Group, path: string): Group | Dataset | undefined {
  let node: Group | Dataset | undefined = root;
  for (const part of path.split('/').filter(Boolean)) {
    if (!(node instanceof Group) || !node.keys.includes(part)) return undefined;
    node = node.get(part);
  }
  return node;
}

/** A string attribute (Keras writes JSON configs and names as strings), or null. */
export function stringAttr(node: Group | Dataset, name: string): string | null {
  const v = node.attrs[name];
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  return String(v);
}

/** A list-of-strings attribute (Keras's layer_names, weight_names). */
export function stringListAttr(node: Group, name: string): string[] {
  const v = node.attrs[name];
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.map((s) => (s instanceof Uint8Array ? new TextDecoder().decode(s) : String(s)));
}

/** A float dataset at `path` under `root` as float32 values and its shape. */
export function readFloats(root: Group, path: string, source: string): { data: Float32Array; shape: number[] } {
  const d = nodeAt(root, path);
  if (!(d instanceof Dataset)) throw new Error(`${source}: no dataset at ${path}`);
  const dtype = String(d.dtype);
  if (!/^[<>|]?f[48]$/.test(dtype)) throw new Error(`${source}: dataset ${path} has dtype ${dtype}; expected float32 or float64 weights`);
  const v = d.value;
  if (!Array.isArray(v) && !ArrayBuffer.isView(v)) throw new Error(`${source}: dataset ${path} could not be read`);
  return { data: Float32Array.from(v as ArrayLike<number>), shape: [...d.shape] };
}

/** A numeric scalar dataset (an optimizer's iteration count or learning rate). */
export function readScalar(root: Group, path: string, source: string): number {
  const d = nodeAt(root, path);
  if (!(d instanceof Dataset)) throw new Error(`${source}: no dataset at ${path}`);
  const v = d.value;
  const x = Array.isArray(v) || ArrayBuffer.isView(v) ? Number((v as ArrayLike<number | bigint>)[0]) : Number(v);
  if (!Number.isFinite(x)) throw new Error(`${source}: dataset ${path} is not a number`);
  return x;
}
