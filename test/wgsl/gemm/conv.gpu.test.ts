// Needs a WebGPU adapter: a GPU, or Mesa's llvmpipe (apt-get install libegl1 libgles2 libegl-mesa0 libgl1-mesa-dri).
/**
 * Conv kernels (forward, dW + db with split-K where it applies, dX) against the float64 reference
 * over padding valid/same/full × stride 1, 2 × dilation 1, 2, on images and on sequences (H = 1),
 * cycling the fused activation, bias on/off and overwrite/accumulate through the grid.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkGemmOp } from "./check.js";
import { GpuHarness, model } from "./harness.js";

let h: GpuHarness;
beforeAll(async () => {
  h = await GpuHarness.open();
}, 30_000);
afterAll(async () => {
  await h?.destroy();
});

const activations = ["relu", "sigmoid", "tanh", "leaky_relu slope 0.2", "identity"];
const grid = (["valid", "same", "full"] as const).flatMap((padding) =>
  [1, 2].flatMap((stride) => [1, 2].map((dilation) => ({ padding, stride, dilation }))),
).map((g, i) => ({ ...g, act: activations[i % activations.length]!, bias: i % 3 === 2 ? "off" : "on", accumulate: i % 2 === 1 }));

describe("2-D conv kernels equal the float64 reference", () => {
  it.each(grid)("image 2×7×6, 3 filters 3×2, padding $padding, stride $stride, dilation $dilation, $act, bias $bias", async ({ padding, stride, dilation, act, bias, accumulate }) => {
    const src = model("input image 2x7x6", `conv 3 filters 3x2 stride ${stride} padding ${padding} dilation ${dilation} bias ${bias} ${act}`);
    await checkGemmOp(h, src, { batch: 3, accumulate });
  });

  it("explicit asymmetric padding [1, 0, 2, 1]", async () => {
    await checkGemmOp(h, model("input image 3x5x5", "conv 5 filters 3x3 padding [1, 0, 2, 1] tanh"), { batch: 2 });
  });
});

describe("1-D conv kernels (sequences stored C×1×L) equal the float64 reference", () => {
  it.each(grid)("sequence 11×2, 3 filters of 3, padding $padding, stride $stride, dilation $dilation, $act, bias $bias", async ({ padding, stride, dilation, act, bias, accumulate }) => {
    const src = model("input sequence 11x2", `conv 3 filters 3 stride ${stride} padding ${padding} dilation ${dilation} bias ${bias} ${act}`);
    const { op } = await checkGemmOp(h, src, { batch: 3, accumulate });
    expect(op.kind === "conv" && op.inH === 1 && op.kernelH === 1).toBe(true);
  });
});

describe("split-K parameter gradients", () => {
  it("a long batch·positions sum runs in slices and a reduce kernel, leaving out rows past uniforms.rows", async () => {
    const { kernels } = await checkGemmOp(h, model("input image 1x12x12", "conv 2 filters 3x3 sigmoid"), { batch: 8, rows: 5 });
    const names = kernels.map((k) => k.name);
    expect(names).toContain("conv1_grad_params_reduce");
    const split = kernels.find((k) => k.name === "conv1_grad_params")!;
    expect(split.workgroups[2]).toBeGreaterThan(1);
    expect(split.bindings.map((b) => b.buffer)).toContain("aux:conv1_grad_params_partials");
  });
});
