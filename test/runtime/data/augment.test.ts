import { describe, expect, it } from 'vitest';
import {
  addShiftedCopies,
  augmentImage,
  augmentSet,
  elasticDistort,
  rotateImage,
  shearImage,
  shiftImage,
} from '../../../runtime/data/augment.js';
import { makeImageSet } from '../../../runtime/data/image-set.js';
import { gaussianBlur, gaussianKernel, sampleBilinear } from '../../../runtime/data/warp.js';
import { derive } from '../../../runtime/random.js';

const s3 = { channels: 1, height: 3, width: 3 };
// 1 2 3
// 4 5 6
// 7 8 9
const img = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);

describe('shift', () => {
  it('moves a known 3×3 image by one pixel in each direction with zero fill', () => {
    expect(Array.from(shiftImage(img, s3, 1, 0))).toEqual([0, 1, 2, 0, 4, 5, 0, 7, 8]);
    expect(Array.from(shiftImage(img, s3, -1, 0))).toEqual([2, 3, 0, 5, 6, 0, 8, 9, 0]);
    expect(Array.from(shiftImage(img, s3, 0, 1))).toEqual([0, 0, 0, 1, 2, 3, 4, 5, 6]);
    expect(Array.from(shiftImage(img, s3, 0, -1))).toEqual([4, 5, 6, 7, 8, 9, 0, 0, 0]);
    expect(Array.from(shiftImage(img, s3, 2, 2))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(Array.from(shiftImage(img, s3, -3, 0))).toEqual(new Array(9).fill(0));
  });

  it('addShiftedCopies appends right, left, down, up copies with their labels', () => {
    const set = makeImageSet(s3, img, Uint8Array.from([6]));
    const out = addShiftedCopies(set, 1);
    expect(out.count).toBe(5);
    expect(Array.from(out.labels)).toEqual([6, 6, 6, 6, 6]);
    const copy = (k: number) => Array.from(out.images.subarray(9 * k, 9 * k + 9));
    expect(copy(0)).toEqual(Array.from(img));
    expect(copy(1)).toEqual([0, 1, 2, 0, 4, 5, 0, 7, 8]);
    expect(copy(2)).toEqual([2, 3, 0, 5, 6, 0, 8, 9, 0]);
    expect(copy(3)).toEqual([0, 0, 0, 1, 2, 3, 4, 5, 6]);
    expect(copy(4)).toEqual([4, 5, 6, 7, 8, 9, 0, 0, 0]);
  });
});

describe('bilinear sampling', () => {
  it('interpolates between the four neighbours and reads zero outside', () => {
    // (0.5, 0.5) → mean of 1, 2, 4, 5 = 3; (0.25, 0) → 1·0.75 + 2·0.25 = 1.25.
    expect(sampleBilinear(img, 0, 3, 3, 0.5, 0.5)).toBeCloseTo(3, 12);
    expect(sampleBilinear(img, 0, 3, 3, 0.25, 0)).toBeCloseTo(1.25, 12);
    expect(sampleBilinear(img, 0, 3, 3, 2.5, 2)).toBeCloseTo(4.5, 12); // half of 9, half outside
    expect(sampleBilinear(img, 0, 3, 3, -0.5, 0)).toBeCloseTo(0.5, 12); // half of 1, half outside
    expect(sampleBilinear(img, 0, 3, 3, 1, -0.5)).toBeCloseTo(1, 12); // half of 2
    expect(sampleBilinear(img, 0, 3, 3, -1, 0)).toBe(0);
    expect(sampleBilinear(img, 0, 3, 3, 3, 1)).toBe(0);
  });
});

describe('rotation and shear', () => {
  it('rotation by 0 and shear by 0 are exact identities', () => {
    const rng = derive(1);
    const big = rng.fillUniform(new Float32Array(2 * 28 * 28));
    const shape = { channels: 2, height: 28, width: 28 };
    expect(rotateImage(big, shape, 0)).toEqual(big);
    expect(shearImage(big, shape, 0)).toEqual(big);
    expect(augmentImage(big, shape, {}, rng)).toEqual(big);
  });

  it('rotates 90° counter-clockwise on screen', () => {
    // 1 2 3      3 6 9
    // 4 5 6  →   2 5 8
    // 7 8 9      1 4 7
    const r = Array.from(rotateImage(img, s3, 90));
    [3, 6, 9, 2, 5, 8, 1, 4, 7].forEach((v, i) => expect(r[i]).toBeCloseTo(v, 5));
    const back = rotateImage(rotateImage(img, s3, 90), s3, -90);
    Array.from(img).forEach((v, i) => expect(back[i]).toBeCloseTo(v, 5));
  });

  it('shears rows about the centre row', () => {
    // sx = 1: row y reads from x − (y − 1): top row moves left, bottom row right.
    expect(Array.from(shearImage(img, s3, 1))).toEqual([2, 3, 0, 4, 5, 6, 0, 7, 8]);
  });
});

describe('elastic distortion', () => {
  it('the Gaussian kernel is normalised with SciPy radius ⌊4σ+½⌋', () => {
    const k = gaussianKernel(1);
    expect(k.length).toBe(9);
    const raw = [-4, -3, -2, -1, 0, 1, 2, 3, 4].map((i) => Math.exp(-(i * i) / 2));
    const z = raw.reduce((a, b) => a + b);
    raw.forEach((w, i) => expect(k[i]).toBeCloseTo(w / z, 7));
  });

  it('blurring a centred delta gives the outer product of the kernel', () => {
    const plane = new Float32Array(81);
    plane[40] = 1;
    const b = gaussianBlur(plane, 9, 9, 1);
    const k = gaussianKernel(1);
    expect(b[40]).toBeCloseTo(k[4]! * k[4]!, 7);
    expect(b[0]).toBeCloseTo(k[0]! * k[0]!, 9);
  });

  it('α = 0 is the identity; otherwise it is seeded and stays within the input range', () => {
    const shape = { channels: 1, height: 28, width: 28 };
    const src = derive(2).fillUniform(new Float32Array(784));
    expect(elasticDistort(src, shape, 0, 4, derive(3))).toEqual(src);
    const a = elasticDistort(src, shape, 34, 4, derive(3, 'elastic'));
    const b = elasticDistort(src, shape, 34, 4, derive(3, 'elastic'));
    expect(a).toEqual(b);
    expect(a).not.toEqual(src);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a)).toBeLessThanOrEqual(1);
  });

  it('augmentSet is seeded, keeps labels, and moves pixels', () => {
    const set = makeImageSet(s3, Float32Array.from([...img, ...img]), Uint8Array.from([1, 2]));
    const spec = { rotateDegrees: 15, shear: 0.2, elastic: { alpha: 2, sigma: 1 } };
    const a = augmentSet(set, spec, derive(4, 'augment', 0));
    expect(a.images).toEqual(augmentSet(set, spec, derive(4, 'augment', 0)).images);
    expect(a.images).not.toEqual(augmentSet(set, spec, derive(4, 'augment', 1)).images);
    expect(a.labels).toEqual(set.labels);
    expect(Array.from(a.images.subarray(0, 9))).not.toEqual(Array.from(a.images.subarray(9)));
  });
});
