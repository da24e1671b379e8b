import { describe, expect, it } from 'vitest';
import { makeImageSet } from '../../../runtime/data/image-set.js';
import { holdOutCount, splitTrainValidation } from '../../../runtime/data/split.js';
import { InvalidArgumentError } from '../../../runtime/errors.js';
import { derive } from '../../../runtime/random.js';

// Ten 1×1×2 images whose pixels and labels encode their index.
const set = makeImageSet(
  { channels: 1, height: 1, width: 2 },
  Float32Array.from({ length: 20 }, (_, i) => Math.floor(i / 2)),
  Uint8Array.from({ length: 10 }, (_, i) => i),
);

describe('holdOutCount', () => {
  it('takes counts as given and rounds fractions', () => {
    expect(holdOutCount(60000, { count: 10000 })).toBe(10000);
    expect(holdOutCount(60000, { fraction: 1 / 6 })).toBe(10000);
    expect(holdOutCount(10, { fraction: 0.25 })).toBe(3); // 2.5 rounds up
    expect(holdOutCount(10, { fraction: 0 })).toBe(0);
  });

  it('rejects impossible hold-outs', () => {
    expect(() => holdOutCount(10, { count: 10 })).toThrow(InvalidArgumentError);
    expect(() => holdOutCount(10, { fraction: 1 })).toThrow(/\[0, 1\)/);
    expect(() => holdOutCount(10, { count: 2.5 })).toThrow(InvalidArgumentError);
  });
});

describe('splitTrainValidation', () => {
  it('partitions the set, keeps images with their labels, and is seed-determined', () => {
    const s = splitTrainValidation(set, { count: 3 }, derive(1, 'split'));
    expect(s.validation.count).toBe(3);
    expect(s.train.count).toBe(7);
    const all = [...s.trainIndices, ...s.validationIndices].sort((a, b) => a - b);
    expect(all).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const part of [s.train, s.validation]) {
      for (let k = 0; k < part.count; k++) {
        expect(part.images[2 * k]).toBe(part.labels[k]);
        expect(part.images[2 * k + 1]).toBe(part.labels[k]);
      }
    }
    expect(Array.from(s.validation.labels)).toEqual(Array.from(s.validationIndices));
    const again = splitTrainValidation(set, { count: 3 }, derive(1, 'split'));
    expect(again.validationIndices).toEqual(s.validationIndices);
    const other = splitTrainValidation(set, { fraction: 0.3 }, derive(2, 'split'));
    expect(other.validation.count).toBe(3);
  });
});
