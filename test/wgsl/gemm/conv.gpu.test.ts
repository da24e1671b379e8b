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
    expect(Number(split.code.match(/^const SLICES = (\d+)u;/m)![1])).toBeGreaterThan(1);
    // cpu kernels pack (tile, slice) pairs into consecutive invocations instead of running slices along grid z
    expect(split.workgroups[2]).toBe(1);
    expect(split.bindings.map((b) => b.buffer)).toContain("aux:conv1_grad_params_partials");
  });
});

describe("both input-gradient paths (direct gather, column GEMM + col2im) equal the float64 reference", () => {
  const paths = grid.flatMap((g) => (["gather", "col2im"] as const).map((path) => ({ ...g, path })));
  it.each(paths)("image 3×9×8, 4 filters 3×3, padding $padding, stride $stride, dilation $dilation, $path, accumulate $accumulate", async ({ padding, stride, dilation, act, accumulate, path }) => {
    const src = model("input image 3x9x8", `conv 4 filters 3x3 stride ${stride} padding ${padding} dilation ${dilation} ${act}`);
    const { kernels, aux } = await checkGemmOp(h, src, { batch: 3, accumulate, options: { inputGradient: path } });
    const names = kernels.map((k) => k.name);
    expect(names.includes("conv1_grad_input_cols")).toBe(path === "col2im");
    expect(aux.some((a) => a.name === "conv1_grad_input_cols")).toBe(path === "col2im");
  });

  it("CPU kernels choose col2im where the gather would waste taps (5×5 valid on 12×12), the gather where it would not", async () => {
    const valid = await checkGemmOp(h, model("input image 2x12x12", "conv 3 filters 5x5 relu"), { batch: 2 });
    expect(valid.kernels.map((k) => k.name)).toContain("conv1_grad_input_cols");
    const same = await checkGemmOp(h, model("input image 2x12x12", "conv 3 filters 5x5 padding same relu"), { batch: 2 });
    expect(same.kernels.map((k) => k.name)).not.toContain("conv1_grad_input_cols");
    const gpu = await checkGemmOp(h, model("input image 2x12x12", "conv 3 filters 5x5 relu"), { batch: 2, target: "gpu" });
    expect(gpu.kernels.map((k) => k.name)).not.toContain("conv1_grad_input_cols");
  });
});

describe("dZ formed once for the gradient GEMMs (cpu kernels)", () => {
  it.each([
    { batch: 4, filters: 2, act: "relu", vec4: true }, // 4·2·4·4 = 128 elements (6×6 input)
    { batch: 3, filters: 3, act: "sigmoid", vec4: false }, // 3·3·3·3 = 81 elements
    { batch: 5, filters: 3, act: "leaky_relu slope 0.1", vec4: false }, // 5·3·3·3 = 135
  ])("$filters filters, batch $batch, $act: vec4 $vec4", async ({ batch, filters, act, vec4 }) => {
    const size = vec4 ? "6x6" : "5x5";
    const { kernels, aux, op } = await checkGemmOp(h, model(`input image 2x${size}`, `conv ${filters} filters 3x3 ${act}`), { batch, accumulate: true });
    const dz = kernels.find((k) => k.name === "conv1_grad_activation")!;
    expect(kernels.indexOf(dz)).toBeLessThan(kernels.findIndex((k) => k.name === "conv1_grad_params"));
    expect(dz.code.includes("array<vec4<f32>>")).toBe(vec4);
    expect(aux.find((a) => a.name === "conv1_dz")?.floats).toBe(batch * filters * (vec4 ? 16 : 9));
    for (const k of kernels.filter((k) => k.name.includes("grad") && k !== dz)) expect(k.bindings.map((b) => b.buffer)).not.toContain(`act:${op.y}`);
  });

  it("gpu kernels and the identity keep dZ in the GEMM loads", async () => {
    const gpu = await checkGemmOp(h, model("input image 2x6x6", "conv 2 filters 3x3 relu"), { batch: 4, target: "gpu" });
    expect(gpu.kernels.map((k) => k.name)).not.toContain("conv1_grad_activation");
    const identity = await checkGemmOp(h, model("input image 2x6x6", "conv 2 filters 3x3"), { batch: 4 });
    expect(identity.kernels.map((k) => k.name)).not.toContain("conv1_grad_activation");
  });
});
