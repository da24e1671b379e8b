/** The grid of test images with the model's predictions: green when right, red when wrong. */
import type { ImageSet } from "../../runtime/data/image-set.js";
import { imageSize } from "../../runtime/data/image-set.js";

/** Draws image `i` of `set` (its first channel, or RGB for three) into a canvas at its own size. */
export function drawImage(canvas: HTMLCanvasElement, set: ImageSet, i: number): void {
  const { channels, height, width } = set.shape;
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  const img = ctx.createImageData(width, height);
  const base = i * imageSize(set.shape);
  const plane = height * width;
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) {
      const v = set.images[base + (channels === 3 ? c * plane : 0) + p]!;
      img.data[4 * p + c] = Math.round(255 * Math.min(1, Math.max(0, v)));
    }
    img.data[4 * p + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

/** Fills `grid` with the first `count` test images, each labelled with its prediction. */
export function showPredictions(grid: HTMLElement, test: ImageSet, predicted: Uint32Array, classNames: readonly string[], count: number): void {
  grid.replaceChildren();
  for (let i = 0; i < Math.min(count, test.count, predicted.length); i++) {
    const truth = test.labels[i]!;
    const guess = predicted[i]!;
    const cell = document.createElement("figure");
    cell.className = `digit ${guess === truth ? "right" : "wrong"}`;
    cell.dataset["predicted"] = String(guess);
    cell.dataset["label"] = String(truth);
    const canvas = document.createElement("canvas");
    drawImage(canvas, test, i);
    const caption = document.createElement("figcaption");
    caption.textContent = guess === truth ? (classNames[guess] ?? String(guess)) : `${classNames[guess] ?? guess} (is ${classNames[truth] ?? truth})`;
    cell.title = `test image ${i}: label ${classNames[truth] ?? truth}, predicted ${classNames[guess] ?? guess}`;
    cell.append(canvas, caption);
    grid.append(cell);
  }
}
