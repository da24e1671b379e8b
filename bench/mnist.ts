/**
 * MNIST for the benchmark's peers, kept as bytes: every peer reads the same IDX files through the
 * runtime's readers and converts one batch at a time to floats in [0, 1], so a peer's peak memory is
 * not dominated by a 188 MB float copy of the training set.
 */
import { parseIdx } from "../runtime/data/idx.js";
import { locateDataset } from "../runtime/node/datasets.js";
import { readDataFile } from "../runtime/node/files.js";

/** `count` 28×28 images as bytes (image-major) and their labels. */
export interface ByteImages {
  readonly count: number;
  readonly pixels: Uint8Array;
  readonly labels: Uint8Array;
}

/** The first `limit` images of MNIST's training or test part, in file order. */
export function loadMnistBytes(part: "train" | "test", limit = Infinity): ByteImages {
  const files = locateDataset("mnist", part);
  const images = parseIdx(readDataFile(files.images));
  const labels = parseIdx(readDataFile(files.labels));
  const count = Math.min(limit, images.shape[0]!);
  return {
    count,
    pixels: new Uint8Array(images.data.buffer, images.data.byteOffset, count * IMAGE_SIZE).slice(),
    labels: new Uint8Array(labels.data.buffer, labels.data.byteOffset, count).slice(),
  };
}

export const IMAGE_SIZE = 28 * 28;

/**
 * Copies `rows` images starting at `from` (wrapping around the set) into `out` as floats in [0, 1]
 * and their labels into `labels`.
 */
export function fillBatch(set: ByteImages, from: number, rows: number, out: Float32Array, labels: Uint32Array): void {
  for (let r = 0; r < rows; r++) {
    const i = (from + r) % set.count;
    const src = i * IMAGE_SIZE;
    for (let p = 0; p < IMAGE_SIZE; p++) out[r * IMAGE_SIZE + p] = set.pixels[src + p]! / 255;
    labels[r] = set.labels[i]!;
  }
}
