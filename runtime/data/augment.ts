/**
 * CPU data augmentation on C×H×W Float32 images: integer shifts that add copies of the set,
 * and seeded random rotation, shear and elastic distortion (Simard, Steinkraus & Platt 2003).
 */

import { InvalidArgumentError } from '../errors.js';
import type { Rng } from '../random.js';
import { type ImageSet, type ImageShape, imageSize } from './image-set.js';
import { type Affine, gaussianBlur, warpAffine, warpByField } from './warp.js';

/** The four shift directions, in the order addShiftedCopies appends them: (dx, dy) per unit. */
export const SHIFT_DIRECTIONS = [
  { name: 'right', dx: 1, dy: 0 },
  { name: 'left', dx: -1, dy: 0 },
  { name: 'down', dx: 0, dy: 1 },
  { name: 'up', dx: 0, dy: -1 },
] as const;

/** Shifts an image by whole pixels (content moves by +dx right, +dy down); vacated pixels are 0. */
export function shiftImage(src: Float32Array, shape: ImageShape, dx: number, dy: number, out?: Float32Array): Float32Array {
  const { channels, height, width } = shape;
  const dst = out ?? new Float32Array(src.length);
  dst.fill(0);
  // Copy the overlapping rectangle one row segment at a time.
  const x0 = Math.max(0, dx), x1 = Math.min(width, width + dx);
  if (x1 <= x0) return dst;
  for (let ch = 0; ch < channels; ch++) {
    const base = ch * height * width;
    for (let y = Math.max(0, dy); y < Math.min(height, height + dy); y++) {
      const from = base + (y - dy) * width + (x0 - dx);
      dst.set(src.subarray(from, from + (x1 - x0)), base + y * width + x0);
    }
  }
  return dst;
}

/**
 * The set followed by four shifted copies of it (by k pixels right, left, down, up), so the
 * result holds 5× the images; labels are repeated to match.
 */
export function addShiftedCopies(set: ImageSet, k: number): ImageSet {
  if (!Number.isInteger(k) || k < 1) throw new InvalidArgumentError(`shift must be a whole number of pixels ≥ 1, got ${k}`);
  const size = imageSize(set.shape);
  const copies = 1 + SHIFT_DIRECTIONS.length;
  const images = new Float32Array(set.images.length * copies);
  const labels = new Uint8Array(set.count * copies);
  images.set(set.images, 0);
  labels.set(set.labels, 0);
  SHIFT_DIRECTIONS.forEach(({ dx, dy }, d) => {
    const block = (d + 1) * set.count;
    for (let i = 0; i < set.count; i++) {
      const src = set.images.subarray(i * size, (i + 1) * size);
      shiftImage(src, set.shape, dx * k, dy * k, images.subarray((block + i) * size, (block + i + 1) * size));
    }
    labels.set(set.labels, block);
  });
  return { shape: set.shape, count: set.count * copies, images, labels };
}

/** Inverse map of a rotation by `degrees` (counter-clockwise on screen) about the image centre. */
export function rotationAffine(shape: ImageShape, degrees: number): Affine {
  const t = (degrees * Math.PI) / 180;
  const cos = Math.cos(t), sin = Math.sin(t);
  const cx = (shape.width - 1) / 2, cy = (shape.height - 1) / 2;
  return [cos, -sin, cx - cos * cx + sin * cy, sin, cos, cy - sin * cx - cos * cy];
}

/** Inverse map of a shear: row y slides right by sx·(y − cy), column x slides down by sy·(x − cx). */
export function shearAffine(shape: ImageShape, sx: number, sy = 0): Affine {
  const cx = (shape.width - 1) / 2, cy = (shape.height - 1) / 2;
  return [1, -sx, sx * cy, -sy, 1, sy * cx];
}

/** Rotates an image by `degrees` about its centre (bilinear, zero fill). */
export function rotateImage(src: Float32Array, shape: ImageShape, degrees: number, out?: Float32Array): Float32Array {
  return warpAffine(src, shape, rotationAffine(shape, degrees), out);
}

/** Shears (skews) an image about its centre (bilinear, zero fill). */
export function shearImage(src: Float32Array, shape: ImageShape, sx: number, sy = 0, out?: Float32Array): Float32Array {
  return warpAffine(src, shape, shearAffine(shape, sx, sy), out);
}

/**
 * Elastic distortion per Simard et al. 2003: uniform(−1, 1) displacement fields, each smoothed
 * by a Gaussian of σ and scaled by α, then bilinear resampling. Same field for every channel.
 */
export function elasticDistort(
  src: Float32Array,
  shape: ImageShape,
  alpha: number,
  sigma: number,
  rng: Rng,
  out?: Float32Array,
): Float32Array {
  const plane = shape.height * shape.width;
  const field = (): Float32Array => {
    const f = gaussianBlur(rng.fillUniform(new Float32Array(plane), -1, 1), shape.height, shape.width, sigma);
    for (let i = 0; i < plane; i++) f[i]! *= alpha;
    return f;
  };
  const dx = field();
  const dy = field();
  return warpByField(src, shape, dx, dy, out);
}

/** Random augmentation applied per image; absent parts are skipped. */
export interface AugmentSpec {
  /** Rotate by a uniform angle in [−deg, +deg]. */
  readonly rotateDegrees?: number;
  /** Shear horizontally by a uniform factor in [−s, +s]. */
  readonly shear?: number;
  /** Elastic distortion with these α (pixels) and σ (pixels). */
  readonly elastic?: { readonly alpha: number; readonly sigma: number };
}

/** One random augmentation of one image: rotation and shear as one affine warp, then elastic. */
export function augmentImage(src: Float32Array, shape: ImageShape, spec: AugmentSpec, rng: Rng, out?: Float32Array): Float32Array {
  let img = src;
  if (spec.rotateDegrees || spec.shear) {
    const r = rotationAffine(shape, spec.rotateDegrees ? rng.uniformIn(-spec.rotateDegrees, spec.rotateDegrees) : 0);
    const s = shearAffine(shape, spec.shear ? rng.uniformIn(-spec.shear, spec.shear) : 0);
    img = warpAffine(img, shape, compose(r, s));
  }
  if (spec.elastic) img = elasticDistort(img, shape, spec.elastic.alpha, spec.elastic.sigma, rng);
  if (out) {
    out.set(img);
    return out;
  }
  return img === src ? src.slice() : img;
}

/** A new set holding one random augmentation of every image of `set` (labels unchanged). */
export function augmentSet(set: ImageSet, spec: AugmentSpec, rng: Rng): ImageSet {
  const size = imageSize(set.shape);
  const images = new Float32Array(set.images.length);
  for (let i = 0; i < set.count; i++) {
    augmentImage(set.images.subarray(i * size, (i + 1) * size), set.shape, spec, rng, images.subarray(i * size, (i + 1) * size));
  }
  return { shape: set.shape, count: set.count, images, labels: set.labels };
}

/** Inverse map of "shear, then rotate", from the two inverse maps: undo the rotation, then the shear. */
function compose(r: Affine, s: Affine): Affine {
  const [a, b, c, d, e, f] = r;
  const [A, B, C, D, E, F] = s;
  // p_src = s(r(p_out))
  return [A * a + B * d, A * b + B * e, A * c + B * f + C, D * a + E * d, D * b + E * e, D * c + E * f + F];
}
