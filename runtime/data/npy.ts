/**
 * NumPy .npy arrays (format versions 1, 2 and 3): magic "\x93NUMPY", version, header length
 * (u16 in v1, u32 in v2/v3), a Python dict literal header, then the raw values.
 * Supported: little-endian u1, f4, f8, i4, i8 in C order.
 */

import { DataFormatError } from '../errors.js';
import { type ImageSet, makeImageSet } from './image-set.js';

/** Element types this reader understands (NumPy's kind + byte size). */
export type NpyDtype = 'u1' | 'f4' | 'f8' | 'i4' | 'i8';

/** A parsed .npy array; i8 stays exact as BigInt64Array. */
export interface NpyArray {
  readonly dtype: NpyDtype;
  readonly shape: readonly number[];
  readonly data: Uint8Array | Float32Array | Float64Array | Int32Array | BigInt64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const DESCR: Record<string, NpyDtype> = {
  '|u1': 'u1', '<u1': 'u1', u1: 'u1',
  '<f4': 'f4', '<f8': 'f8', '<i4': 'i4', '<i8': 'i8',
};
const BYTES: Record<NpyDtype, number> = { u1: 1, f4: 4, f8: 8, i4: 4, i8: 8 };

/** Parses .npy bytes into a typed array with its shape. */
export function parseNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m)) {
    throw new DataFormatError('npy', 'not a .npy file (missing the \\x93NUMPY magic)');
  }
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new DataFormatError('npy', 'header truncated');
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new DataFormatError('npy', `unsupported format version ${major}.${bytes[7]}`);
  }
  const dataStart = headerStart + headerLength;
  if (bytes.length < dataStart) throw new DataFormatError('npy', 'header truncated');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));
  const { dtype, shape } = parseHeader(header);
  const count = shape.reduce((a, b) => a * b, 1);
  const byteLength = count * BYTES[dtype];
  if (bytes.length - dataStart !== byteLength) {
    throw new DataFormatError(
      'npy',
      `shape (${shape.join(', ')}) of ${dtype} needs ${byteLength} data bytes, file has ${bytes.length - dataStart}`,
    );
  }
  // slice() copies into a fresh, aligned buffer; typed arrays read it in host order (little-endian
  // on every platform WebGPU runs on).
  const buffer = bytes.slice(dataStart, dataStart + byteLength).buffer;
  const data = {
    u1: () => new Uint8Array(buffer),
    f4: () => new Float32Array(buffer),
    f8: () => new Float64Array(buffer),
    i4: () => new Int32Array(buffer),
    i8: () => new BigInt64Array(buffer),
  }[dtype]();
  return { dtype, shape, data };
}

function parseHeader(header: string): { dtype: NpyDtype; shape: number[] } {
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new DataFormatError('npy', `header is not a NumPy array description: ${header.trim()}`);
  }
  const dtype = DESCR[descr];
  if (!dtype) {
    throw new DataFormatError('npy', `dtype '${descr}' not supported (use little-endian u1, f4, f8, i4 or i8)`);
  }
  if (fortran === 'True') throw new DataFormatError('npy', 'Fortran-order arrays are not supported; save in C order');
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const n = Number(s.replace(/L$/, ''));
      if (!Number.isInteger(n) || n < 0) throw new DataFormatError('npy', `bad dimension '${s}' in shape`);
      return n;
    });
  return { dtype, shape };
}

/** Encodes a C-order array as .npy version 1.0 bytes (header padded to 64 bytes, as NumPy does). */
export function encodeNpy(array: NpyArray): Uint8Array {
  const descr = array.dtype === 'u1' ? '|u1' : `<${array.dtype}`;
  const dims = array.shape.length === 1 ? `${array.shape[0]},` : array.shape.join(', ');
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${dims}), }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const data = new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength);
  const out = new Uint8Array(10 + header.length + data.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(data, 10 + header.length);
  return out;
}

/** Class labels from an integer array of any supported dtype, checked to lie in 0..255. */
export function npyToLabels(array: NpyArray): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(array.data.length);
  for (let i = 0; i < out.length; i++) {
    const v = Number(array.data[i]!);
    if (!(Number.isInteger(v) && v >= 0 && v <= 255)) {
      throw new DataFormatError('npy', `label ${i} is ${v}, not a class index in 0..255`);
    }
    out[i] = v;
  }
  return out;
}

/** Pairs image (N×H×W or N×C×H×W) and label (N) arrays as an ImageSet; u1 pixels scale by 1/255. */
export function npyToImageSet(images: NpyArray, labels: NpyArray): ImageSet {
  const s = images.shape;
  if ((s.length !== 3 && s.length !== 4) || images.dtype === 'i8') {
    throw new DataFormatError('npy', `images must be N×H×W or N×C×H×W numbers, got ${images.dtype} (${s.join(', ')})`);
  }
  if (labels.shape.length !== 1 || labels.shape[0] !== s[0]) {
    throw new DataFormatError('npy', `labels of shape (${labels.shape.join(', ')}) do not match ${s[0]} images`);
  }
  const [channels, height, width] = s.length === 3 ? [1, s[1]!, s[2]!] : [s[1]!, s[2]!, s[3]!];
  const scale = images.dtype === 'u1' ? 1 / 255 : 1;
  const pixels = new Float32Array(images.data.length);
  const src = images.data as Exclude<NpyArray['data'], BigInt64Array>;
  for (let i = 0; i < pixels.length; i++) pixels[i] = src[i]! * scale;
  return makeImageSet({ channels, height, width }, pixels, npyToLabels(labels));
}
