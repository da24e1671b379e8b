/** Convolution gradients against finite differences over the padding × stride × dilation grid, 2-D and 1-D. */
import { describe, expect, it } from "vitest";
import { checkOpGradients, lowerSource, model } from "./helpers.js";

const paddings = ["valid", "same", "full"] as const;
const strides = [1, 2] as const;
const dilations = [1, 2] as const;
const grid = paddings.flatMap((padding) => strides.flatMap((stride) => dilations.map((dilation) => ({ padding, stride, dilation }))));

describe("conv gradients equal finite differences", () => {
  it.each(grid)("image 2×6×5, 3×2 kernel, padding $padding, stride $stride, dilation $dilation", ({ padding, stride, dilation }) => {
    const g = lowerSource(model("input image 2x6x5", `conv 3 filters 3x2 stride ${stride} padding ${padding} dilation ${dilation} tanh`));
    const op = g.ops[0]!;
    expect(op.kind).toBe("conv");
    expect(checkOpGradients(g, op, { rows: 2 })).toBeGreaterThan(0);
  });

  it.each(grid)("sequence 9×2 (stored 2×1×9), kernel 3, padding $padding, stride $stride, dilation $dilation", ({ padding, stride, dilation }) => {
    const g = lowerSource(model("input sequence 9x2", `conv 2 filters 3 stride ${stride} padding ${padding} dilation ${dilation} sigmoid`));
    const op = g.ops[0]!;
    expect(op.kind === "conv" && op.inH === 1 && op.kernelH === 1).toBe(true);
    expect(checkOpGradients(g, op, { rows: 2 })).toBeGreaterThan(0);
  });

  it.each(["relu", "leaky_relu slope 0.2", "identity bias off", "identity padding [1, 0, 2, 1]"])("2-D with %s", (rest) => {
    const g = lowerSource(model("input image 2x5x5", `conv 2 filters 3x3 ${rest}`));
    expect(checkOpGradients(g, g.ops[0]!, { rows: 2 }, 5)).toBeGreaterThan(0);
  });
});
