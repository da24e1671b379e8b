/**
 * Image data sets as CSV: one image per row, one label column plus one column per pixel
 * (the Kaggle MNIST layout `label,pixel0,…,pixel783`). The header row is optional.
 */

import { DataFormatError } from '../errors.js';
import { type ImageSet, type ImageShape, imageSize, makeImageSet } from './image-set.js';

/** How to read a CSV image file. */
export interface CsvImageOptions {
  /** Index or header name of the label column (default 0). */
  readonly labelColumn?: number | string;
  /** 'auto' (default): the first row is a header when any of its fields is not a number. */
  readonly header?: boolean | 'auto';
  /** Image shape; default 1×s×s when the pixel count is a square s², else 1×1×n. */
  readonly shape?: ImageShape;
  /** Pixels are divided by this (default 255, so 0..255 maps to [0, 1]). */
  readonly pixelScale?: number;
  /** Field separator (default ','). */
  readonly delimiter?: string;
}

/** Parses CSV text or UTF-8 bytes into an ImageSet. */
export function parseCsvImages(input: string | Uint8Array, options: CsvImageOptions = {}): ImageSet {
  const text = typeof input === 'string' ? input : new TextDecoder().decode(input);
  const delimiter = options.delimiter ?? ',';
  const lines = text.split(/\r?\n/);
  const rows: { line: number; fields: string[] }[] = [];
  lines.forEach((raw, i) => {
    if (raw.trim() !== '') rows.push({ line: i + 1, fields: raw.split(delimiter).map((f) => f.trim()) });
  });
  if (rows.length === 0) throw new DataFormatError('csv', 'no rows');

  const first = rows[0]!;
  const hasHeader =
    options.header === 'auto' || options.header === undefined
      ? first.fields.some((f) => f === '' || !Number.isFinite(Number(f)))
      : options.header;
  const names = hasHeader ? first.fields.map((f) => f.replace(/^"(.*)"$/, '$1')) : undefined;
  const body = hasHeader ? rows.slice(1) : rows;
  const columns = first.fields.length;
  const labelAt = resolveLabelColumn(options.labelColumn ?? 0, names, columns);

  const pixelsPerImage = columns - 1;
  const shape = options.shape ?? defaultShape(pixelsPerImage);
  if (imageSize(shape) !== pixelsPerImage) {
    throw new DataFormatError(
      'csv',
      `${pixelsPerImage} pixel columns do not fill a ${shape.channels}×${shape.height}×${shape.width} image`,
    );
  }
  const scale = options.pixelScale ?? 255;
  const images = new Float32Array(body.length * pixelsPerImage);
  const labels = new Uint8Array(body.length);
  body.forEach(({ line, fields }, r) => {
    if (fields.length !== columns) {
      throw new DataFormatError('csv', `line ${line} has ${fields.length} fields, expected ${columns}`);
    }
    let p = r * pixelsPerImage;
    for (let c = 0; c < columns; c++) {
      const value = Number(fields[c]);
      if (fields[c] === '' || !Number.isFinite(value)) {
        throw new DataFormatError('csv', `line ${line}, column ${c + 1}: '${fields[c]}' is not a number`);
      }
      if (c === labelAt) {
        if (!Number.isInteger(value) || value < 0 || value > 255) {
          throw new DataFormatError('csv', `line ${line}: label ${fields[c]} is not a class index in 0..255`);
        }
        labels[r] = value;
      } else {
        images[p++] = value / scale;
      }
    }
  });
  return makeImageSet(shape, images, labels);
}

function resolveLabelColumn(label: number | string, names: string[] | undefined, columns: number): number {
  if (typeof label === 'number') {
    if (!Number.isInteger(label) || label < 0 || label >= columns) {
      throw new DataFormatError('csv', `label column ${label} outside 0..${columns - 1}`);
    }
    return label;
  }
  const at = names?.indexOf(label) ?? -1;
  if (at < 0) throw new DataFormatError('csv', `no column named '${label}' in the header`);
  return at;
}

function defaultShape(pixels: number): ImageShape {
  const side = Math.round(Math.sqrt(pixels));
  return side * side === pixels
    ? { channels: 1, height: side, width: side }
    : { channels: 1, height: 1, width: pixels };
}
