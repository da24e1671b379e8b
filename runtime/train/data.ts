/**
 * The data a run trains on: the training set split into train and validation by a seeded shuffle,
 * optionally cut to its first N examples for quick runs, expanded by shifted copies, and checked
 * against the model's input size. Random distortions (rotate, skew, elastic) are drawn per epoch.
 */

import { type AugmentSpec, addShiftedCopies, augmentSet } from '../data/augment.js';
import { type ImageSet, imageSize, selectImages } from '../data/image-set.js';
import { type HoldOut, splitTrainValidation } from '../data/split.js';
import { InvalidArgumentError } from '../errors.js';
import { derive } from '../random.js';
import type { Manifest, TrainingConfig } from '../engine/manifest.js';

/** The sets one run uses. */
export interface RunData {
  readonly train: ImageSet;
  readonly validation: ImageSet | undefined;
  readonly test: ImageSet | undefined;
}

/** The first `n` examples of a set (all when it has fewer). */
export function firstExamples(set: ImageSet, n: number): ImageSet {
  if (n >= set.count) return set;
  return selectImages(set, Uint32Array.from({ length: n }, (_, i) => i));
}

/**
 * Splits, limits and expands the training set. With `limit` N the run trains on the first N
 * examples of the training part and validates on the first ⌈N/5⌉ of the held-out part.
 */
export function prepareData(manifest: Manifest, train: ImageSet, test: ImageSet | undefined, options: { seed: number; limit?: number }): RunData {
  const config = manifest.training;
  checkShape(manifest, train, 'training');
  if (test) checkShape(manifest, test, 'test');
  const holdOut: HoldOut = config.validation >= 1 ? { count: Math.round(config.validation) } : { fraction: config.validation };
  const split = config.validation > 0 ? splitTrainValidation(train, holdOut, derive(options.seed, 'split')) : undefined;
  let trainSet = split ? split.train : train;
  let validation = split?.validation;
  if (options.limit !== undefined) {
    trainSet = firstExamples(trainSet, options.limit);
    if (validation) validation = firstExamples(validation, Math.ceil(options.limit / 5));
  }
  for (const a of config.augment) if (a.kind === 'shift') trainSet = addShiftedCopies(trainSet, a.pixels);
  return { train: trainSet, validation, test };
}

/** The per-epoch random distortions of the training spec, or undefined when it has none. */
export function randomAugmentation(config: TrainingConfig): AugmentSpec | undefined {
  const spec: { rotateDegrees?: number; shear?: number; elastic?: { alpha: number; sigma: number } } = {};
  for (const a of config.augment) {
    if (a.kind === 'rotate') spec.rotateDegrees = a.degrees;
    if (a.kind === 'skew') spec.shear = a.amount;
    if (a.kind === 'elastic') spec.elastic = { alpha: a.alpha, sigma: a.sigma };
  }
  return Object.keys(spec).length > 0 ? spec : undefined;
}

/** The training images of one epoch: distorted afresh from derive(seed, 'augment', member, epoch), or as they are. */
export function epochImages(set: ImageSet, config: TrainingConfig, seed: number, member: number, epoch: number): ImageSet {
  const spec = randomAugmentation(config);
  return spec ? augmentSet(set, spec, derive(seed, 'augment', member, epoch)) : set;
}

/** Copies the examples at order[from … from+rows) into the batch arrays. */
export function gatherBatch(set: ImageSet, order: Uint32Array, from: number, rows: number, images: Float32Array, labels: Uint32Array): void {
  const size = imageSize(set.shape);
  for (let r = 0; r < rows; r++) {
    const i = order[from + r]!;
    images.set(set.images.subarray(i * size, (i + 1) * size), r * size);
    labels[r] = set.labels[i]!;
  }
}

function checkShape(manifest: Manifest, set: ImageSet, what: string): void {
  const size = imageSize(set.shape);
  if (size !== manifest.input.size) {
    const { channels, height, width } = set.shape;
    throw new InvalidArgumentError(
      `the ${what} images are ${channels}×${height}×${width} (${size} values) but model ${manifest.model} takes ${manifest.input.dims.join('×')} (${manifest.input.size})`,
    );
  }
  const classes = manifest.output.classes;
  for (let i = 0; i < set.count; i++) {
    if (set.labels[i]! >= classes) throw new InvalidArgumentError(`${what} example ${i} has label ${set.labels[i]}, but the model has ${classes} classes`);
  }
}
