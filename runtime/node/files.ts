/** Node-only: reading data files from disk, gunzipping them when they are compressed. */

import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DataFormatError } from '../errors.js';
import { isGzip } from '../data/gzip.js';

/** The bytes of `path`, transparently gunzipped when they start with the gzip magic. */
export function readDataFile(path: string): Uint8Array {
  const raw = readFileSync(path);
  const bytes = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  if (!isGzip(bytes)) return bytes;
  try {
    const out = gunzipSync(bytes);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (e) {
    throw new DataFormatError('gzip', `${path}: corrupt gzip stream (${e instanceof Error ? e.message : String(e)})`);
  }
}
