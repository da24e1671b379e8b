/**
 * IDX files (LeCun's MNIST format): two zero bytes, a type code, the number of dimensions, then
 * one big-endian u32 per dimension and the values, big-endian, row-major.
 * The parser takes bytes; gunzipping is the caller's job (see gzip.ts and node/files.ts).
 */

import { DataFormatError } from '../errors.js';
import { type ImageSet, makeImageSet } from './image-set.js';

/** Element types IDX names by their type byte. */
export type IdxType = 'u8' | 'i8' | 'i16' | 'i32' | 'f32' | 'f64';

/** A parsed IDX array. */
export interface IdxArray {
  readonly type: IdxType;
  readonly shape: readonly number[];
  readonly data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const TYPES: Record<number, { type: IdxType; bytes: number }> = {
  0x08: { type: 'u8', bytes: 1 },
  0x09: { type: 'i8', bytes: 1 },
  0x0b: { type: 'i16', bytes: 2 },
  0x0c: { type: 'i32', bytes: 4 },
  0x0d: { type: 'f32', bytes: 4 },
  0x0e: { type: 'f64', bytes: 8 },
};

/** Parses IDX bytes into a typed array with its shape. */
export function parseIdx(bytes: Uint8Array): IdxArray {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DataFormatError('idx', 'not an IDX file (it must start with two zero bytes)');
  }
  const code = bytes[2]!;
  const info = TYPES[code];
  if (!info) throw new DataFormatError('idx', `unknown element type 0x${code.toString(16)}`);
  const rank = bytes[3]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) throw new DataFormatError('idx', `header truncated (${rank} dimensions)`);
  const shape: number[] = [];
  for (let d = 0; d < rank; d++) shape.push(view.getUint32(4 + 4 * d, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count * info.bytes;
  if (bytes.length !== expected) {
    throw new DataFormatError(
      'idx',
      `shape [${shape.join(', ')}] of ${info.type} needs ${expected} bytes, file has ${bytes.length}`,
    );
  }
  return { type: info.type, shape, data: readValues(view, headerBytes, count, info.type) };
}

function readValues(view: DataView, offset: number, n: number, type: IdxType): IdxArray['data'] {
  switch (type) {
    case 'u8':
      return new Uint8Array(view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + n));
    case 'i8':
      return new Int8Array(view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + n));
    case 'i16': {
      const out = new Int16Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt16(offset + 2 * i, false);
      return out;
    }
    case 'i32': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt32(offset + 4 * i, false);
      return out;
    }
    case 'f32': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(offset + 4 * i, false);
      return out;
    }
    case 'f64': {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(offset + 8 * i, false);
      return out;
    }
  }
}

/**
 * Pairs an IDX image file (N×H×W or N×C×H×W) with an IDX label file (N) as an ImageSet.
 * u8 pixels are scaled by 1/255; float pixels are taken as they are.
 */
export function idxToImageSet(images: IdxArray, labels: IdxArray): ImageSet {
  const s = images.shape;
  if (s.length !== 3 && s.length !== 4) {
    throw new DataFormatError('idx', `image file must have 3 or 4 dimensions, got [${s.join(', ')}]`);
  }
  if (labels.shape.length !== 1 || labels.shape[0] !== s[0]) {
    throw new DataFormatError('idx', `label file shape [${labels.shape.join(', ')}] does not match ${s[0]} images`);
  }
  const [channels, height, width] = s.length === 3 ? [1, s[1]!, s[2]!] : [s[1]!, s[2]!, s[3]!];
  const pixels = new Float32Array(images.data.length);
  const scale = images.type === 'u8' ? 1 / 255 : 1;
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i]! * scale;
  const classes = new Uint8Array(labels.data.length);
  for (let i = 0; i < classes.length; i++) {
    const v = labels.data[i]!;
    if (!(Number.isInteger(v) && v >= 0 && v <= 255)) {
      throw new DataFormatError('idx', `label ${i} is ${v}, not a class index in 0..255`);
    }
    classes[i] = v;
  }
  return makeImageSet({ channels, height, width }, pixels, classes);
}
