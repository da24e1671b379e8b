import { describe, expect, it } from 'vitest';
import { type NpyArray, encodeNpy, npyToImageSet, npyToLabels, parseNpy } from '../../../runtime/data/npy.js';
import { DataFormatError } from '../../../runtime/errors.js';

// Bytes written by NumPy 2.4 (np.save / np.lib.format.write_array), base64-encoded.
const NP = {
  u1: 'k05VTVBZAQB2AHsnZGVzY3InOiAnfHUxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAQL9/v8=',
  f4: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAMA/AAAQwFnZADM=',
  f8: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDEpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAqamZmZmZm5P5x1AIg85Dd+',
  i4: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGk0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAr/////////fwAAAIA=',
  i8: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAr9/////////wAAAAAAAQAABwAAAAAAAAA=',
  scalar: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAGBA',
  v2: 'k05VTVBZAgB0AAAAeydkZXNjcic6ICc8aTQnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAAAAgAAAA==',
  fortran: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAABAQAAAgD8AAIBAAAAAQAAAoEA=',
  be: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPmY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo/gAAA',
};
const vals = (a: NpyArray) => Array.from(a.data as Iterable<number | bigint>);
const bytes = (k: keyof typeof NP) => new Uint8Array(Buffer.from(NP[k], 'base64'));

describe('parseNpy', () => {
  it('reads u1 (2, 3)', () => {
    const a = parseNpy(bytes('u1'));
    expect([a.dtype, a.shape]).toEqual(['u1', [2, 3]]);
    expect(vals(a)).toEqual([0, 1, 2, 253, 254, 255]);
  });

  it('reads f4, f8, i4, i8 and 0-d arrays', () => {
    expect(vals(parseNpy(bytes('f4')))).toEqual([1.5, -2.25, Math.fround(3e-8)]);
    const f8 = parseNpy(bytes('f8'));
    expect(f8.shape).toEqual([2, 1]);
    expect(vals(f8)).toEqual([0.1, 1e300]);
    expect(vals(parseNpy(bytes('i4')))).toEqual([-1, 2147483647, -2147483648]);
    expect(vals(parseNpy(bytes('i8')))).toEqual([-3n, 2n ** 40n, 7n]);
    const scalar = parseNpy(bytes('scalar'));
    expect(scalar.shape).toEqual([]);
    expect(vals(scalar)).toEqual([3.5]);
  });

  it('reads format version 2', () => {
    const a = parseNpy(bytes('v2'));
    expect([a.dtype, a.shape, vals(a)]).toEqual(['i4', [2], [1, 2]]);
  });

  it('rejects Fortran order, big-endian data and truncation', () => {
    expect(() => parseNpy(bytes('fortran'))).toThrow(/Fortran-order/);
    expect(() => parseNpy(bytes('be'))).toThrow(/dtype '>f4' not supported/);
    const b = bytes('f4');
    expect(() => parseNpy(b.subarray(0, b.length - 1))).toThrow(DataFormatError);
    expect(() => parseNpy(Uint8Array.from([1, 2, 3]))).toThrow(/magic/);
  });
});

describe('encodeNpy', () => {
  it('writes the same bytes as NumPy', () => {
    for (const k of ['u1', 'f4', 'i8', 'v2'] as const) {
      const a = parseNpy(bytes(k));
      const expected = k === 'v2' ? null : bytes(k); // we always write version 1.0
      const round = encodeNpy(a);
      if (expected) expect(round).toEqual(expected);
      expect(parseNpy(round)).toEqual(a);
    }
  });
});

describe('npyToImageSet', () => {
  it('pairs u1 images with integer labels', () => {
    const images = parseNpy(encodeNpy({ dtype: 'u1', shape: [2, 1, 3], data: Uint8Array.from([0, 255, 51, 0, 0, 102]) }));
    const labels = parseNpy(bytes('i8')).data.subarray(1) as BigInt64Array;
    expect(() => npyToLabels({ dtype: 'i8', shape: [2], data: labels })).toThrow(/not a class index/);
    const set = npyToImageSet(images, { dtype: 'i4', shape: [2], data: Int32Array.from([4, 1]) });
    expect(set.shape).toEqual({ channels: 1, height: 1, width: 3 });
    expect(Array.from(set.images)).toEqual([0, 1, 0.2, 0, 0, 0.4].map(Math.fround));
    expect(Array.from(set.labels)).toEqual([4, 1]);
  });
});
