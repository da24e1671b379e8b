/**
 * Data sets over HTTP, for a browser page: the same IDX files the Node runtime reads from disk,
 * fetched from a base URL laid out as `<base>/<dataset>/<file>` (web/serve.ts serves them so),
 * gunzipped when compressed, parsed by the same IDX reader. Browser-safe; works in Node ≥ 18 too.
 */

import { DatasetNotFoundError, FileAccessError } from '../errors.js';
import { DATASETS, type DatasetName, type DatasetPart } from './datasets.js';
import { maybeGunzip } from './gzip.js';
import { idxToImageSet, parseIdx } from './idx.js';
import type { ImageSet } from './image-set.js';

/** The bytes at `url`, gunzipped when they carry the gzip magic; a missing file is DatasetNotFoundError. */
export async function fetchDataBytes(url: string, fetchFn: typeof fetch = fetch): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetchFn(url);
  } catch (e) {
    throw new FileAccessError(`cannot fetch ${url}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (response.status === 404) throw new DatasetNotFoundError(`${url} was not found on the server`);
  if (!response.ok) throw new FileAccessError(`cannot fetch ${url}: HTTP ${response.status} ${response.statusText}`.trim());
  return maybeGunzip(new Uint8Array(await response.arrayBuffer()));
}

/** URLs of one part of a named data set under `base` (no trailing slash needed). */
export function datasetUrls(base: string, name: DatasetName, part: DatasetPart): { images: string; labels: string } {
  const root = `${base.replace(/\/+$/, '')}/${name}`;
  const files = DATASETS[name].files[part];
  return { images: `${root}/${files.images}`, labels: `${root}/${files.labels}` };
}

/** Fetches an IDX image file and its IDX label file (either may be gzipped) as an ImageSet. */
export async function fetchIdxPair(imagesUrl: string, labelsUrl: string, fetchFn: typeof fetch = fetch): Promise<ImageSet> {
  const [images, labels] = await Promise.all([fetchDataBytes(imagesUrl, fetchFn), fetchDataBytes(labelsUrl, fetchFn)]);
  return idxToImageSet(parseIdx(images), parseIdx(labels));
}

/** Fetches one part of a named data set from `<base>/<name>/`. */
export function fetchDataset(base: string, name: DatasetName, part: DatasetPart, fetchFn: typeof fetch = fetch): Promise<ImageSet> {
  const urls = datasetUrls(base, name, part);
  return fetchIdxPair(urls.images, urls.labels, fetchFn);
}
