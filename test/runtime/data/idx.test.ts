import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DataFormatError } from '../../../runtime/errors.js';
import { isGzip, maybeGunzip } from '../../../runtime/data/gzip.js';
import { idxToImageSet, parseIdx } from '../../../runtime/data/idx.js';

// 2 images of 2×3 u8: header 00 00 08 03, dims 2, 2, 3 (big-endian u32), then 12 pixels.
const images = Uint8Array.from([
  0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3,
  0, 51, 102, 153, 204, 255,
  255, 0, 0, 0, 0, 1,
]);
const labels = Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 2, 7, 3]);

describe('parseIdx', () => {
  it('reads a u8 rank-3 file', () => {
    const a = parseIdx(images);
    expect(a.type).toBe('u8');
    expect(a.shape).toEqual([2, 2, 3]);
    expect(Array.from(a.data)).toEqual([0, 51, 102, 153, 204, 255, 255, 0, 0, 0, 0, 1]);
  });

  it('reads big-endian f32 and i16 values', () => {
    // 0x3fc00000 = 1.5, 0xc0100000 = -2.25
    const f = parseIdx(Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 2, 0x3f, 0xc0, 0, 0, 0xc0, 0x10, 0, 0]));
    expect(f.type).toBe('f32');
    expect(Array.from(f.data)).toEqual([1.5, -2.25]);
    const s = parseIdx(Uint8Array.from([0, 0, 0x0b, 1, 0, 0, 0, 2, 0xff, 0xfe, 0x01, 0x00]));
    expect(Array.from(s.data)).toEqual([-2, 256]);
  });

  it('works on a subarray with a non-zero byte offset', () => {
    const padded = new Uint8Array(labels.length + 3);
    padded.set(labels, 3);
    expect(Array.from(parseIdx(padded.subarray(3)).data)).toEqual([7, 3]);
  });

  it('rejects bad magic, unknown types and wrong lengths with one-line messages', () => {
    expect(() => parseIdx(Uint8Array.from([1, 0, 8, 1]))).toThrow(DataFormatError);
    expect(() => parseIdx(Uint8Array.from([0, 0, 0x42, 1, 0, 0, 0, 0]))).toThrow(/unknown element type 0x42/);
    expect(() => parseIdx(labels.subarray(0, 9))).toThrow(/needs 10 bytes, file has 9/);
  });
});

describe('idxToImageSet', () => {
  it('scales u8 pixels to [0,1] and keeps labels as class indices', () => {
    const set = idxToImageSet(parseIdx(images), parseIdx(labels));
    expect(set.shape).toEqual({ channels: 1, height: 2, width: 3 });
    expect(set.count).toBe(2);
    expect(Array.from(set.images.subarray(0, 6))).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1].map(Math.fround));
    expect(Array.from(set.labels)).toEqual([7, 3]);
  });

  it('rejects a label file of the wrong length', () => {
    const three = Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3]);
    expect(() => idxToImageSet(parseIdx(images), parseIdx(three))).toThrow(/does not match 2 images/);
  });
});

describe('gzip', () => {
  it('detects the magic and gunzips through DecompressionStream', async () => {
    const gz = new Uint8Array(gzipSync(images));
    expect(isGzip(gz)).toBe(true);
    expect(isGzip(images)).toBe(false);
    expect(await maybeGunzip(gz)).toEqual(images);
    expect(await maybeGunzip(images)).toBe(images);
  });

  it('reports a corrupt stream as a DataFormatError', async () => {
    await expect(maybeGunzip(Uint8Array.from([0x1f, 0x8b, 8, 0, 1, 2, 3]))).rejects.toThrow(DataFormatError);
  });
});
