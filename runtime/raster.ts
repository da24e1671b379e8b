/**
 * An RGB picture drawn on the CPU: tiles of grey-scale tensors (images, filters, feature maps) laid
 * out in a grid, with small captions in a 3×5 pixel font. The PNG encoder is runtime/node/png.ts.
 */

/** Width × height pixels, 3 bytes (R, G, B) each, row-major. */
export interface Raster {
  readonly width: number;
  readonly height: number;
  readonly rgb: Uint8Array;
}

export type Rgb = readonly [number, number, number];

export const white: Rgb = [255, 255, 255];
export const black: Rgb = [0, 0, 0];
export const red: Rgb = [200, 30, 30];
export const grey: Rgb = [150, 150, 150];

/** A raster filled with one colour. */
export function raster(width: number, height: number, fill: Rgb = white): Raster {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new RangeError(`a raster needs a positive whole size, not ${width}×${height}`);
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < rgb.length; i += 3) rgb.set(fill, i);
  return { width, height, rgb };
}

/** Sets one pixel; pixels outside the raster are ignored. */
export function setPixel(r: Raster, x: number, y: number, c: Rgb): void {
  if (x < 0 || y < 0 || x >= r.width || y >= r.height) return;
  r.rgb.set(c, (y * r.width + x) * 3);
}

/** How values map to grey levels: `lo` is black … `hi` is white (or the reverse with `invert`). */
export interface GreyScale {
  readonly lo: number;
  readonly hi: number;
  readonly invert?: boolean;
}

/** The smallest and largest finite value of `values` (0…1 when there is none or they are equal). */
export function rangeOf(values: ArrayLike<number>): GreyScale {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) return { lo: Number.isFinite(lo) ? lo : 0, hi: Number.isFinite(lo) ? lo + 1 : 1 };
  return { lo, hi };
}

/** The grey level (0…255) of `v` on `scale`, clamped. */
export function greyLevel(v: number, scale: GreyScale): number {
  const t = Math.min(1, Math.max(0, (v - scale.lo) / (scale.hi - scale.lo)));
  return Math.round((scale.invert ? 1 - t : t) * 255);
}

/**
 * Draws `values` (height × width, row-major, starting at `offset`) at (x, y), each value a
 * `zoom`×`zoom` block of grey.
 */
export function drawGrey(r: Raster, x: number, y: number, values: ArrayLike<number>, height: number, width: number, scale: GreyScale, zoom = 1, offset = 0): void {
  for (let i = 0; i < height; i++) {
    for (let j = 0; j < width; j++) {
      const g = greyLevel(values[offset + i * width + j]!, scale);
      for (let dy = 0; dy < zoom; dy++) for (let dx = 0; dx < zoom; dx++) setPixel(r, x + j * zoom + dx, y + i * zoom + dy, [g, g, g]);
    }
  }
}

/** Draws a one-pixel rectangle outline. */
export function drawFrame(r: Raster, x: number, y: number, width: number, height: number, c: Rgb): void {
  for (let i = 0; i < width; i++) {
    setPixel(r, x + i, y, c);
    setPixel(r, x + i, y + height - 1, c);
  }
  for (let i = 0; i < height; i++) {
    setPixel(r, x, y + i, c);
    setPixel(r, x + width - 1, y + i, c);
  }
}

/** 3×5 glyphs, one string of 15 cells per character ('#' is ink), read row by row. */
const glyphs: Record<string, string> = {
  "0": "###" + "#.#" + "#.#" + "#.#" + "###",
  "1": ".#." + "##." + ".#." + ".#." + "###",
  "2": "###" + "..#" + "###" + "#.." + "###",
  "3": "###" + "..#" + ".##" + "..#" + "###",
  "4": "#.#" + "#.#" + "###" + "..#" + "..#",
  "5": "###" + "#.." + "###" + "..#" + "###",
  "6": "###" + "#.." + "###" + "#.#" + "###",
  "7": "###" + "..#" + ".#." + ".#." + ".#.",
  "8": "###" + "#.#" + "###" + "#.#" + "###",
  "9": "###" + "#.#" + "###" + "..#" + "###",
  ">": "#.." + ".#." + "..#" + ".#." + "#..",
  "-": "..." + "..." + "###" + "..." + "...",
  ".": "..." + "..." + "..." + "..." + ".#.",
  " ": "..." + "..." + "..." + "..." + "...",
};

/** Width in pixels of `text` at `zoom` (glyphs 3 wide, 1 apart). */
export function textWidth(text: string, zoom = 1): number {
  return text.length === 0 ? 0 : (text.length * 4 - 1) * zoom;
}

/** Height in pixels of one line of text at `zoom`. */
export function textHeight(zoom = 1): number {
  return 5 * zoom;
}

/** Draws `text` (digits, '>', '-', '.', ' ') with its top-left corner at (x, y). */
export function drawText(r: Raster, x: number, y: number, text: string, c: Rgb, zoom = 1): void {
  [...text].forEach((ch, n) => {
    const g = glyphs[ch];
    if (g === undefined) throw new RangeError(`no glyph for ${JSON.stringify(ch)}`);
    for (let i = 0; i < 15; i++) {
      if (g[i] !== "#") continue;
      const gx = x + (n * 4 + (i % 3)) * zoom;
      const gy = y + Math.floor(i / 3) * zoom;
      for (let dy = 0; dy < zoom; dy++) for (let dx = 0; dx < zoom; dx++) setPixel(r, gx + dx, gy + dy, c);
    }
  });
}

/** Cells laid out `columns` wide: where cell `n` starts, and the raster size for `count` cells. */
export interface Grid {
  readonly columns: number;
  readonly rows: number;
  readonly cellWidth: number;
  readonly cellHeight: number;
  readonly gap: number;
  readonly width: number;
  readonly height: number;
}

export function grid(count: number, cellWidth: number, cellHeight: number, columns: number, gap = 2): Grid {
  const cols = Math.max(1, Math.min(columns, count));
  const rows = Math.max(1, Math.ceil(count / cols));
  return { columns: cols, rows, cellWidth, cellHeight, gap, width: cols * (cellWidth + gap) + gap, height: rows * (cellHeight + gap) + gap };
}

/** The top-left corner of cell `n`. */
export function cell(g: Grid, n: number): { x: number; y: number } {
  return { x: g.gap + (n % g.columns) * (g.cellWidth + g.gap), y: g.gap + Math.floor(n / g.columns) * (g.cellHeight + g.gap) };
}
