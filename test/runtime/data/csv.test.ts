import { describe, expect, it } from 'vitest';
import { parseCsvImages } from '../../../runtime/data/csv.js';
import { DataFormatError } from '../../../runtime/errors.js';

const f = (xs: number[]) => xs.map(Math.fround);

describe('parseCsvImages', () => {
  it('reads a headed Kaggle-style file with a square image', () => {
    const set = parseCsvImages('label,p0,p1,p2,p3\r\n3,0,255,51,102\r\n9,255,255,0,0\r\n');
    expect(set.shape).toEqual({ channels: 1, height: 2, width: 2 });
    expect(Array.from(set.labels)).toEqual([3, 9]);
    expect(Array.from(set.images)).toEqual(f([0, 1, 0.2, 0.4, 1, 1, 0, 0]));
  });

  it('reads a headerless file, a named label column and an explicit shape and scale', () => {
    const text = 'x,y,z,class\n0.5,1,0,2\n';
    const set = parseCsvImages(text, { labelColumn: 'class', shape: { channels: 3, height: 1, width: 1 }, pixelScale: 1 });
    expect(Array.from(set.labels)).toEqual([2]);
    expect(Array.from(set.images)).toEqual([0.5, 1, 0]);
    const bare = parseCsvImages(new TextEncoder().encode('1,0,0,255\n\n'), { labelColumn: 3 });
    expect(bare.shape).toEqual({ channels: 1, height: 1, width: 3 });
    expect(Array.from(bare.labels)).toEqual([255]);
  });

  it('names the line and column of a bad field', () => {
    expect(() => parseCsvImages('1,2,3,4,5\n1,2,x,4,5\n')).toThrow(/line 2, column 3: 'x' is not a number/);
    expect(() => parseCsvImages('1,2,3,4,5\n1,2,3\n')).toThrow(/line 2 has 3 fields, expected 5/);
    expect(() => parseCsvImages('300,0,0,0,0\n')).toThrow(/label 300 is not a class index/);
    expect(() => parseCsvImages('')).toThrow(DataFormatError);
  });
});
