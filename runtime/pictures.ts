/**
 * The pictures `dnnc eval --misclassified` and `dnnc viz` draw (seed 004's figures): misclassified
 * test images with their labels, first-layer filters, and feature maps.
 */
import type { ImageSet } from './data/image-set.js';
import { black, cell, drawGrey, drawText, grid, raster, rangeOf, red, textHeight, textWidth, type Raster } from './raster.js';

/** Every image whose prediction differs from its label, as (index, label, predicted). */
export function misclassified(labels: ArrayLike<number>, predicted: ArrayLike<number>): { index: number; label: number; predicted: number }[] {
  const out: { index: number; label: number; predicted: number }[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] !== predicted[i]) out.push({ index: i, label: labels[i]!, predicted: predicted[i]! });
  return out;
}

/**
 * A grid of the given images (ink dark on white, first channel), each captioned "label>predicted"
 * with the label in black and the prediction in red.
 */
export function labelledImages(set: ImageSet, items: readonly { index: number; label: number; predicted: number }[], options: { zoom?: number; columns?: number } = {}): Raster {
  const zoom = options.zoom ?? 2;
  const { height, width } = set.shape;
  const size = set.shape.channels * height * width;
  const textZoom = 2;
  const captionWidth = Math.max(...items.map((it) => textWidth(`${it.label}>${it.predicted}`, textZoom)), 0);
  const g = grid(Math.max(1, items.length), Math.max(width * zoom, captionWidth), height * zoom + textHeight(textZoom) + 4, options.columns ?? 12, 6);
  const r = raster(g.width, g.height);
  items.forEach((it, n) => {
    const { x, y } = cell(g, n);
    drawGrey(r, x, y, set.images, height, width, { lo: 0, hi: 1, invert: true }, zoom, it.index * size);
    const ty = y + height * zoom + 3;
    const label = String(it.label);
    drawText(r, x, ty, label, black, textZoom);
    drawText(r, x + textWidth(label + " ", textZoom) - textZoom * 1, ty, ">", black, textZoom);
    drawText(r, x + textWidth(label + "> ", textZoom) - textZoom * 1, ty, String(it.predicted), red, textZoom);
  });
  return r;
}

/**
 * Convolution filters (dims F × C × kh × kw): one row of C tiles per filter, laid out in a grid; a
 * shared symmetric scale, so zero is mid-grey and darker means a larger weight (as in the seeds).
 */
export function filterPicture(weights: ArrayLike<number>, dims: readonly number[], options: { zoom?: number; columns?: number } = {}): Raster {
  if (dims.length !== 4) throw new RangeError(`filters need 4 dimensions (filters × channels × height × width), not ${dims.length}`);
  const [f, c, kh, kw] = dims as [number, number, number, number];
  const zoom = options.zoom ?? 8;
  const { lo, hi } = rangeOf(Array.from({ length: f * c * kh * kw }, (_, i) => weights[i]!));
  const m = Math.max(Math.abs(lo), Math.abs(hi));
  const scale = { lo: -m, hi: m, invert: true };
  const tileW = c * (kw * zoom + 1) - 1;
  const g = grid(f, tileW, kh * zoom, options.columns ?? 10, 4);
  const r = raster(g.width, g.height);
  for (let n = 0; n < f; n++) {
    const { x, y } = cell(g, n);
    for (let ch = 0; ch < c; ch++) drawGrey(r, x + ch * (kw * zoom + 1), y, weights, kh, kw, scale, zoom, (n * c + ch) * kh * kw);
  }
  return r;
}

/** Feature maps (dims C × H × W): one tile per channel, one scale for the whole layer, bright = active. */
export function featureMaps(values: ArrayLike<number>, dims: readonly number[], options: { zoom?: number; columns?: number } = {}): Raster {
  if (dims.length !== 3) throw new RangeError(`feature maps need 3 dimensions (channels × height × width), not ${dims.length}`);
  const [c, h, w] = dims as [number, number, number];
  const zoom = options.zoom ?? Math.max(1, Math.round(48 / Math.max(h, w)));
  const scale = rangeOf(Array.from({ length: c * h * w }, (_, i) => values[i]!));
  const g = grid(c, w * zoom, h * zoom, options.columns ?? 10, 4);
  const r = raster(g.width, g.height, [255, 255, 255]);
  for (let n = 0; n < c; n++) {
    const { x, y } = cell(g, n);
    drawGrey(r, x, y, values, h, w, scale, zoom, n * h * w);
  }
  return r;
}
