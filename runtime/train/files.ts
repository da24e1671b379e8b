/** Node-only: a compiled model's directory, and the data sets a training config names. */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsvImages } from '../data/csv.js';
import type { ImageSet } from '../data/image-set.js';
import { npyToImageSet, parseNpy } from '../data/npy.js';
import { FileAccessError } from '../errors.js';
import { loadDataset, loadIdxPair } from '../node/datasets.js';
import { readDataFile } from '../node/files.js';
import { checkManifest, type CompiledModel, type DataConfig, type Manifest } from '../engine/manifest.js';

/** Reads `manifest.json` and every kernel's WGSL from a directory written by `dnnc compile`. */
export function readCompiledModel(dir: string): CompiledModel {
  const path = join(dir, 'manifest.json');
  let manifest: Manifest;
  try {
    manifest = checkManifest(JSON.parse(readFileSync(path, 'utf8')), path);
  } catch (e) {
    if (e instanceof SyntaxError || (e as NodeJS.ErrnoException).code) throw new FileAccessError(`cannot read ${path}: ${(e as Error).message}`);
    throw e;
  }
  const code = new Map(manifest.kernels.map((k) => [k.name, readFileSync(join(dir, k.file), 'utf8')]));
  return { manifest, code };
}

/** The training and test sets a data config names (test absent when the config has none). */
export function loadData(data: DataConfig): { train: ImageSet; test: ImageSet | undefined } {
  switch (data.kind) {
    case 'mnist':
    case 'fashion_mnist': {
      const name = data.kind === 'mnist' ? 'mnist' : 'fashion-mnist';
      return { train: loadDataset(name, 'train'), test: loadDataset(name, 'test') };
    }
    case 'idx':
      return {
        train: loadIdxPair(data.images, data.labels),
        test: data.testImages && data.testLabels ? loadIdxPair(data.testImages, data.testLabels) : undefined,
      };
    case 'npy': {
      const npy = (images: string, labels: string) => npyToImageSet(parseNpy(readDataFile(images)), parseNpy(readDataFile(labels)));
      return { train: npy(data.images, data.labels), test: data.testImages && data.testLabels ? npy(data.testImages, data.testLabels) : undefined };
    }
    case 'csv':
      return { train: parseCsvImages(readDataFile(data.train)), test: data.test ? parseCsvImages(readDataFile(data.test)) : undefined };
  }
}

