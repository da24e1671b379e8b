/** Train/validation splits of an ImageSet, chosen by a seeded shuffle. */

import { InvalidArgumentError } from '../errors.js';
import type { Rng } from '../random.js';
import { type ImageSet, selectImages } from './image-set.js';

/** How much to hold out: a count of images (≥ 1) or a fraction of the set (0 ≤ f < 1). */
export type HoldOut = { readonly count: number } | { readonly fraction: number };

/** The two halves of a split, plus the original indices of each image. */
export interface Split {
  readonly train: ImageSet;
  readonly validation: ImageSet;
  readonly trainIndices: Uint32Array;
  readonly validationIndices: Uint32Array;
}

/** Number of images `holdOut` takes from a set of `total`; fractions round to nearest. */
export function holdOutCount(total: number, holdOut: HoldOut): number {
  const n = 'count' in holdOut ? holdOut.count : Math.round(holdOut.fraction * total);
  if ('fraction' in holdOut && !(holdOut.fraction >= 0 && holdOut.fraction < 1)) {
    throw new InvalidArgumentError(`validation fraction must be in [0, 1), got ${holdOut.fraction}`);
  }
  if (!Number.isInteger(n) || n < 0 || n >= total) {
    throw new InvalidArgumentError(`cannot hold out ${n} of ${total} images for validation`);
  }
  return n;
}

/** Splits `set` into train and validation parts using a permutation drawn from `rng`. */
export function splitTrainValidation(set: ImageSet, holdOut: HoldOut, rng: Rng): Split {
  const n = holdOutCount(set.count, holdOut);
  const order = rng.permutation(set.count);
  // Each half keeps the original order, so the split depends only on which images it holds.
  const validationIndices = order.slice(0, n).sort();
  const trainIndices = order.slice(n).sort();
  return {
    train: selectImages(set, trainIndices),
    validation: selectImages(set, validationIndices),
    trainIndices,
    validationIndices,
  };
}
