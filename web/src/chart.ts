/**
 * The live chart: training loss (left axis, from 0 to the largest loss seen) and accuracy (right
 * axis, 0–100 %) against training images, as an SVG string. Each point carries its values as data
 * attributes, so what the chart shows can be read back exactly.
 */
import { escapeHtml } from "./highlight.js";
import type { SeriesPoint } from "./series.js";

export interface ChartSize {
  readonly width: number;
  readonly height: number;
}

const margin = { left: 48, right: 48, top: 12, bottom: 30 };

/** A round number ≥ x from 1, 2, 2.5, 5 × 10^k (axis maxima). */
export function niceCeil(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x * (1 - 1e-12)) return m * p;
  return 10 * p;
}

function fmt(v: number): string {
  return Number(v.toPrecision(3)).toString();
}

/** The chart as an SVG element string. */
export function chartSvg(points: readonly SeriesPoint[], size: ChartSize = { width: 560, height: 240 }): string {
  const { width, height } = size;
  const w = width - margin.left - margin.right;
  const h = height - margin.top - margin.bottom;
  const xMax = niceCeil(Math.max(1, ...points.map((p) => p.images)));
  const lossMax = niceCeil(Math.max(0, ...points.map((p) => (Number.isFinite(p.loss) ? p.loss : 0))));
  const x = (v: number) => margin.left + (v / xMax) * w;
  const yLoss = (v: number) => margin.top + h - (Math.min(v, lossMax) / lossMax) * h;
  const yAcc = (v: number) => margin.top + h - v * h;
  const path = (y: (p: SeriesPoint) => number) => points.map((p, i) => `${i === 0 ? "M" : "L"}${x(p.images).toFixed(1)},${y(p).toFixed(1)}`).join(" ");
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="training loss and accuracy">`,
    `<rect x="${margin.left}" y="${margin.top}" width="${w}" height="${h}" class="plot"/>`,
    ...ticks.map((t) => {
      const y = margin.top + h - t * h;
      return (
        `<line x1="${margin.left}" x2="${margin.left + w}" y1="${y}" y2="${y}" class="grid"/>` +
        `<text x="${margin.left - 6}" y="${y + 4}" text-anchor="end" class="axis loss">${fmt(t * lossMax)}</text>` +
        `<text x="${margin.left + w + 6}" y="${y + 4}" class="axis accuracy">${Math.round(t * 100)}%</text>`
      );
    }),
    ...ticks.map((t) => `<text x="${x(t * xMax)}" y="${height - 12}" text-anchor="middle" class="axis">${escapeHtml(fmt(t * xMax))}</text>`),
    `<text x="${margin.left + w / 2}" y="${height - 1}" text-anchor="middle" class="axis">training images</text>`,
    points.length > 0 ? `<path d="${path((p) => yLoss(p.loss))}" class="line loss"/>` : "",
    points.length > 0 ? `<path d="${path((p) => yAcc(p.accuracy))}" class="line accuracy"/>` : "",
    ...points.map((p) => `<circle cx="${x(p.images).toFixed(1)}" cy="${yLoss(p.loss).toFixed(1)}" r="2" class="point loss" data-images="${p.images}" data-loss="${p.loss}" data-accuracy="${p.accuracy}"/>`),
    "</svg>",
  ];
  return parts.join("");
}
