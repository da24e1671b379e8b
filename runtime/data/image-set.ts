/** A labelled set of images held on the CPU, the currency of the data pipeline. */

import { InvalidArgumentError } from '../errors.js';

/** Channels × height × width of one image (C×H×W, row-major). */
export interface ImageShape {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
}

/** `count` images of `shape`, pixels normalised to [0, 1], labels as class indices. */
export interface ImageSet {
  readonly shape: ImageShape;
  readonly count: number;
  /** count × C × H × W floats, image-major (ArrayBuffer-backed, so writeBuffer accepts it). */
  readonly images: Float32Array<ArrayBuffer>;
  /** count class indices (no one-hot). */
  readonly labels: Uint8Array<ArrayBuffer>;
}

/** Number of floats in one image of `shape`. */
export function imageSize(shape: ImageShape): number {
  return shape.channels * shape.height * shape.width;
}

/** Builds an ImageSet after checking that the arrays agree with the shape. */
export function makeImageSet(shape: ImageShape, images: Float32Array<ArrayBuffer>, labels: Uint8Array<ArrayBuffer>): ImageSet {
  const size = imageSize(shape);
  if (size <= 0 || images.length % size !== 0 || images.length / size !== labels.length) {
    throw new InvalidArgumentError(
      `image set: ${images.length} floats do not hold ${labels.length} images of ` +
        `${shape.channels}×${shape.height}×${shape.width}`,
    );
  }
  return { shape, count: labels.length, images, labels };
}

/** The images at `indices`, copied into a new set in that order. */
export function selectImages(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const size = imageSize(set.shape);
  const images = new Float32Array(indices.length * size);
  const labels = new Uint8Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    if (!(i >= 0 && i < set.count)) {
      throw new InvalidArgumentError(`image set: index ${i} outside 0..${set.count - 1}`);
    }
    images.set(set.images.subarray(i * size, (i + 1) * size), k * size);
    labels[k] = set.labels[i]!;
  }
  return { shape: set.shape, count: indices.length, images, labels };
}

/** Number of classes implied by the labels (max label + 1). */
export function classCount(set: ImageSet): number {
  let max = -1;
  for (let i = 0; i < set.labels.length; i++) if (set.labels[i]! > max) max = set.labels[i]!;
  return max + 1;
}
