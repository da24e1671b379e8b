/** Gzip detection, and decompression through the Web Streams API (browsers and Node ≥ 18). */

import { DataFormatError } from '../errors.js';

/** True when `bytes` start with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Returns `bytes` gunzipped when they carry the gzip magic, unchanged otherwise. */
export async function maybeGunzip(bytes: Uint8Array): Promise<Uint8Array> {
  if (!isGzip(bytes)) return bytes;
  try {
    // Blob parts must not be views of a SharedArrayBuffer; copy in that rare case.
    const chunk = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : bytes.slice();
    const stream = new Blob([chunk]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    throw new DataFormatError('gzip', `corrupt gzip stream (${e instanceof Error ? e.message : String(e)})`);
  }
}
