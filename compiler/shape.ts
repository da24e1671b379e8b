/** Tensor shapes as the language sees them (per example; the batch axis is implicit). */

export type Shape =
  | { readonly kind: "image"; readonly c: number; readonly h: number; readonly w: number }
  | { readonly kind: "vector"; readonly n: number }
  | { readonly kind: "sequence"; readonly l: number; readonly c: number };

/** `20×24×24`, `100`, `100×4`. */
export function formatShape(s: Shape): string {
  switch (s.kind) {
    case "image":
      return `${s.c}×${s.h}×${s.w}`;
    case "vector":
      return `${s.n}`;
    case "sequence":
      return `${s.l}×${s.c}`;
  }
}

/** "an image 20×24×24 (C×H×W)", "a vector of 100", "a sequence 100×4 (L×C)". */
export function describeShape(s: Shape): string {
  switch (s.kind) {
    case "image":
      return `an image ${formatShape(s)} (C×H×W)`;
    case "vector":
      return `a vector of ${s.n}`;
    case "sequence":
      return `a sequence ${formatShape(s)} (L×C)`;
  }
}

/** Number of scalars in one example of this shape. */
export function shapeSize(s: Shape): number {
  switch (s.kind) {
    case "image":
      return s.c * s.h * s.w;
    case "vector":
      return s.n;
    case "sequence":
      return s.l * s.c;
  }
}

/** Channels (images, sequences) or units (vectors): the axis layers like batchnorm act per. */
export function channels(s: Shape): number {
  return s.kind === "vector" ? s.n : s.c;
}

/** Spatial extents: [H, W] for images, [L] for sequences, [] for vectors. */
export function spatial(s: Shape): number[] {
  return s.kind === "image" ? [s.h, s.w] : s.kind === "sequence" ? [s.l] : [];
}

/** Rebuild a shape of the same kind with new channels and spatial extents. */
export function withSpatial(s: Shape, c: number, dims: readonly number[]): Shape {
  if (s.kind === "image") return { kind: "image", c, h: dims[0]!, w: dims[1]! };
  if (s.kind === "sequence") return { kind: "sequence", l: dims[0]!, c };
  return { kind: "vector", n: c };
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  return formatShape(a) === formatShape(b) && a.kind === b.kind;
}
