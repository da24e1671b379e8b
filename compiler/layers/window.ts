/**
 * Sliding-window arithmetic shared by convolution and pooling — the one place the output-size
 * formula lives:  out = round((in + before + after − dilation·(kernel−1) − 1) / stride) + 1,
 * round = floor (default) or ceil (Caffe's pooling).
 */

export type PaddingSpec =
  | { readonly mode: "valid" }
  | { readonly mode: "same" }
  | { readonly mode: "full" }
  /** Explicit pads per axis: [[before, after] for each spatial axis]. */
  | { readonly mode: "explicit"; readonly pads: readonly (readonly [number, number])[] };

export type Rounding = "floor" | "ceil";

export interface AxisWindow {
  readonly input: number;
  readonly kernel: number;
  readonly stride: number;
  readonly dilation: number;
  readonly before: number;
  readonly after: number;
  readonly output: number;
}

/** Span of input covered by one window: dilation·(kernel−1) + 1. */
export function extent(kernel: number, dilation: number): number {
  return dilation * (kernel - 1) + 1;
}

/** Padding on each side of one axis for a padding mode. `same` puts the odd row after (TF/ONNX SAME_UPPER). */
export function resolvePads(p: PaddingSpec, axis: number, input: number, kernel: number, stride: number, dilation: number): [number, number] {
  switch (p.mode) {
    case "valid":
      return [0, 0];
    case "full":
      return [dilation * (kernel - 1), dilation * (kernel - 1)];
    case "same": {
      const out = Math.ceil(input / stride);
      const total = Math.max((out - 1) * stride + extent(kernel, dilation) - input, 0);
      const before = Math.floor(total / 2);
      return [before, total - before];
    }
    case "explicit": {
      const pads = p.pads[axis] ?? p.pads[0] ?? [0, 0];
      return [pads[0], pads[1]];
    }
  }
}

/** Output length of one axis; ≤ 0 means the window does not fit. */
export function outputSize(input: number, before: number, after: number, kernel: number, stride: number, dilation: number, rounding: Rounding): number {
  const span = input + before + after - extent(kernel, dilation);
  if (span < 0) return 0;
  if (rounding === "floor") return Math.floor(span / stride) + 1;
  let out = Math.ceil(span / stride) + 1;
  // As Caffe does: the last window must start inside the input or its leading padding.
  if ((out - 1) * stride >= input + before) out -= 1;
  return out;
}

/** Full window geometry of one axis. */
export function axisWindow(p: PaddingSpec, axis: number, input: number, kernel: number, stride: number, dilation: number, rounding: Rounding): AxisWindow {
  const [before, after] = resolvePads(p, axis, input, kernel, stride, dilation);
  return { input, kernel, stride, dilation, before, after, output: outputSize(input, before, after, kernel, stride, dilation, rounding) };
}

/** Input rows/columns at the end that no window reads (floor rounding can drop them). */
export function unreadTail(w: AxisWindow): number {
  if (w.output <= 0) return 0;
  const lastRead = (w.output - 1) * w.stride + extent(w.kernel, w.dilation) - w.before; // exclusive, in input coords
  return Math.max(0, w.input - lastRead);
}
