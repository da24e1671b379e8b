/**
 * Resampling primitives for CPU augmentation: bilinear sampling with zero fill, affine warps,
 * warps by a displacement field, and a separable Gaussian blur. Images are C×H×W Float32.
 */

import type { ImageShape } from './image-set.js';

/**
 * Inverse affine map [a, b, c, d, e, f]: output pixel (x, y) reads the source at
 * (a·x + b·y + c, d·x + e·y + f). Pixel centres sit at integer coordinates.
 */
export type Affine = readonly [number, number, number, number, number, number];

/** Bilinear sample of one H×W plane starting at `offset`; points outside the image read as 0. */
export function sampleBilinear(
  src: Float32Array,
  offset: number,
  height: number,
  width: number,
  x: number,
  y: number,
): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  if (x0 < -1 || y0 < -1 || x0 >= width || y0 >= height) return 0;
  const fx = x - x0;
  const fy = y - y0;
  const inX0 = x0 >= 0, inX1 = x0 + 1 < width && fx !== 0;
  const inY0 = y0 >= 0, inY1 = y0 + 1 < height && fy !== 0;
  const row0 = offset + y0 * width + x0;
  const row1 = row0 + width;
  // Zero weights are skipped, so integer coordinates return the pixel exactly.
  let top = 0, bottom = 0;
  if (inY0) top = (inX0 ? src[row0]! * (1 - fx) : 0) + (inX1 ? src[row0 + 1]! * fx : 0);
  if (inY1) bottom = (inX0 ? src[row1]! * (1 - fx) : 0) + (inX1 ? src[row1 + 1]! * fx : 0);
  return fy === 0 ? top : top * (1 - fy) + bottom * fy;
}

/** Warps every channel of `src` by the inverse affine map `m` (bilinear, zero fill). */
export function warpAffine(src: Float32Array, shape: ImageShape, m: Affine, out?: Float32Array): Float32Array {
  const { channels, height, width } = shape;
  const dst = out ?? new Float32Array(src.length);
  const [a, b, c, d, e, f] = m;
  for (let ch = 0; ch < channels; ch++) {
    const base = ch * height * width;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        dst[base + y * width + x] = sampleBilinear(src, base, height, width, a * x + b * y + c, d * x + e * y + f);
      }
    }
  }
  return dst;
}

/** Output pixel (x, y) reads the source at (x + dx[y·W+x], y + dy[y·W+x]); one field for all channels. */
export function warpByField(
  src: Float32Array,
  shape: ImageShape,
  dx: Float32Array,
  dy: Float32Array,
  out?: Float32Array,
): Float32Array {
  const { channels, height, width } = shape;
  const dst = out ?? new Float32Array(src.length);
  for (let ch = 0; ch < channels; ch++) {
    const base = ch * height * width;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = y * width + x;
        dst[base + i] = sampleBilinear(src, base, height, width, x + dx[i]!, y + dy[i]!);
      }
    }
  }
  return dst;
}

/** A normalised 1-D Gaussian of standard deviation σ, radius ⌊4σ + ½⌋ (SciPy's default truncation). */
export function gaussianKernel(sigma: number): Float32Array {
  const radius = Math.max(0, Math.floor(4 * sigma + 0.5));
  const k = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    const w = sigma > 0 ? Math.exp(-(i * i) / (2 * sigma * sigma)) : i === 0 ? 1 : 0;
    k[i + radius] = w;
    sum += w;
  }
  return Float32Array.from(k, (w) => w / sum);
}

/** Blurs one H×W plane with a separable Gaussian of σ; outside the plane counts as 0. */
export function gaussianBlur(plane: Float32Array, height: number, width: number, sigma: number): Float32Array {
  const k = Float64Array.from(gaussianKernel(sigma));
  const r = (k.length - 1) / 2;
  const rows = new Float64Array(plane.length); // float64 keeps V8 off float32 conversions
  for (let y = 0; y < height; y++) {
    const base = y * width;
    for (let x = 0; x < width; x++) {
      // Only taps that land inside the row contribute (zero padding).
      const lo = Math.max(-r, -x), hi = Math.min(r, width - 1 - x);
      let s = 0;
      for (let t = lo; t <= hi; t++) s += k[t + r]! * plane[base + x + t]!;
      rows[base + x] = s;
    }
  }
  const out = new Float32Array(plane.length);
  const acc = new Float64Array(width);
  for (let y = 0; y < height; y++) {
    const lo = Math.max(-r, -y), hi = Math.min(r, height - 1 - y);
    acc.fill(0);
    // Whole rows at a time: contiguous reads, one weight per row.
    for (let t = lo; t <= hi; t++) {
      const w = k[t + r]!, from = (y + t) * width;
      for (let x = 0; x < width; x++) acc[x]! += w * rows[from + x]!;
    }
    out.set(acc, y * width);
  }
  return out;
}
