/** Float32Array ⇄ base64 of its little-endian bytes, in Node (Buffer) and browsers (btoa/atob). */

interface BufferLike {
  from(data: ArrayBufferLike | string, offsetOrEncoding?: number | string, length?: number): { toString(encoding: string): string; buffer: ArrayBufferLike; byteOffset: number; byteLength: number };
}
const NodeBuffer = (globalThis as { Buffer?: BufferLike }).Buffer;
const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function bytesOf(a: Float32Array): Uint8Array {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  if (littleEndian) return bytes;
  const out = new Uint8Array(a.byteLength);
  const view = new DataView(out.buffer);
  a.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}

export function encodeFloat32(a: Float32Array): string {
  const bytes = bytesOf(a);
  if (NodeBuffer) return NodeBuffer.from(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

export function decodeFloat32(b64: string, expectedLength: number, what: string): Float32Array {
  let bytes: Uint8Array;
  if (NodeBuffer) {
    const b = NodeBuffer.from(b64, 'base64');
    bytes = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } else {
    const bin = atob(b64);
    bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  }
  if (bytes.length !== expectedLength * 4) throw new Error(`${what}: expected ${expectedLength} float32 values, the data holds ${bytes.length / 4}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(expectedLength);
  for (let i = 0; i < expectedLength; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
