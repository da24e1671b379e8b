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

describe("direct convolution forward (cpu kernels: stride 1, no padding, rows and filters in vec4s)", () => {
  const cases = [
    { input: "3x12x8", conv: "conv 8 filters 5x5 relu", batch: 3, tw: 4, tf: 8, th: 2 }, // OW 4, C 3
    { input: "5x10x12", conv: "conv 4 filters 5x5 sigmoid bias off", batch: 2, tw: 8, tf: 4, th: 2 }, // OW 8, C 5
    { input: "1x28x28", conv: "conv 20 filters 5x5 relu", batch: 1, tw: 8, tf: 4, th: 2 }, // the seed CNN's conv1
    { input: "2x6x16", conv: "conv 12 filters 3x1 leaky_relu slope 0.1", batch: 3, tw: 8, tf: 4, th: 2 }, // OW 16: two segments per row
    { input: "3x11x12", conv: "conv 4 filters 5x5 tanh", batch: 3, tw: 8, tf: 4, th: 1 }, // OH 7: one row per invocation
    { input: "20x12x12", conv: "conv 40 filters 5x5 relu", batch: 2, tw: 8, tf: 4, th: 2 }, // the seed CNN's conv2: 2 rows × 4 filters load less than 1 × 8
    { input: "2x10x16", conv: "conv 8 filters 3x1 relu", batch: 2, tw: 8, tf: 8, th: 1 }, // KW 1: one row × 8 filters loads less than 2 × 4
  ];
  it.each(cases)("image $input, $conv, batch $batch: $th × $tw positions × $tf filters per invocation", async ({ input, conv, batch, tw, tf, th }) => {
    const { kernels, aux, op } = await checkGemmOp(h, model(`input image ${input}`, conv), { batch, accumulate: true });
    const forward = kernels.find((k) => k.name === "conv1_forward")!;
    expect(forward.code).toContain("Direct convolution");
    expect(forward.code).toMatch(new RegExp(`const TW: u32 = ${tw}u;[^]*const TF: u32 = ${tf}u;[^]*const TH: u32 = ${th}u;`));
    expect(kernels.map((k) => k.name).slice(0, 2)).toEqual(["conv1_forward_weights", "conv1_forward"]);
    // W tap-major, in one piece, or (conv2: 80,000 bytes) two pieces of 10 channels 40,192 bytes apart for the uniform bindings.
    const wt = aux.find((a) => a.name === "conv1_wt")?.floats;
    if (op.kind === "conv" && op.channels === 20) expect(wt).toBe((2 * 40_192) / 4);
    else expect(wt).toBe(op.kind === "conv" ? op.filters * op.channels * op.kernelH * op.kernelW : 0);
  });

  // With a 1 KiB uniform binding: chunks of a few images (the last one short) and filters in pieces of whole channels.
  it.each([
    { input: "3x8x8", conv: "conv 8 filters 5x5 relu", batch: 5, per: 1, chunks: 5, pieces: 3 }, // 768-byte images; 800 bytes of filters per channel
    { input: "1x8x8", conv: "conv 4 filters 5x5 sigmoid", batch: 7, per: 4, chunks: 2, pieces: 1 }, // 4 × 256 bytes, the second chunk holds 3
    { input: "4x4x8", conv: "conv 8 filters 3x5 tanh bias off", batch: 3, per: 2, chunks: 2, pieces: 2 }, // 512-byte images; 480 bytes per channel
  ])("image $input, $conv, batch $batch, 1 KiB uniforms: $chunks chunk(s) of $per, $pieces filter piece(s)", async ({ input, conv, batch, per, chunks, pieces }) => {
    const { kernels } = await checkGemmOp(h, model(`input image ${input}`, conv), { batch, accumulate: true, limits: { maxUniformBytes: 1024 } });
    const forward = kernels.find((k) => k.name === "conv1_forward")!;
    expect(forward.chunks).toBe(chunks);
    expect(forward.code).toContain(`const PER: u32 = ${per}u;`);
    expect(forward.bindings.filter((b) => b.buffer === "aux:conv1_wt").length).toBe(pieces);
  });

  it("without room for one image in a uniform binding, X and the filters stay storage buffers", async () => {
    const { kernels } = await checkGemmOp(h, model("input image 3x12x12", "conv 4 filters 5x5 relu"), { batch: 2, accumulate: true, limits: { maxUniformBytes: 1024 } }); // 1,728-byte images
    const forward = kernels.find((k) => k.name === "conv1_forward")!;
    expect(forward.code).toContain("Direct convolution");
    expect(forward.chunks).toBeUndefined();
    expect(forward.code).toContain("var<storage, read> x: array<vec4<f32>>");
  });

  it("other geometries, GPUs and a forced GEMM keep the implicit GEMM", async () => {
    const direct = (src: string, target: "cpu" | "gpu" = "cpu", forward?: "gemm") =>
      checkGemmOp(h, src, { batch: 2, target, ...(forward ? { options: { forward } } : {}) }).then((r) => r.kernels.some((k) => k.code.includes("Direct convolution")));
    expect(await direct(model("input image 2x12x8", "conv 4 filters 3x3 padding same relu"))).toBe(false);
    expect(await direct(model("input image 2x12x9", "conv 4 filters 3x3 relu"))).toBe(false); // IW 9: rows unaligned
    expect(await direct(model("input image 2x12x8", "conv 6 filters 5x5 relu"))).toBe(false); // 6 filters
    expect(await direct(model("input image 2x12x8", "conv 4 filters 5x5 relu"), "gpu")).toBe(false);
    expect(await direct(model("input image 2x12x8", "conv 4 filters 5x5 relu"), "cpu", "gemm")).toBe(false);
  });
});

describe("the column GEMM of dX with dZ and W in uniform buffers (cpu kernels, direct forward)", () => {
  // With a 1 KiB uniform binding: dispatch j pairs image chunk j / PIECES with filter piece j % PIECES.
  it.each([
    { input: "3x8x8", conv: "conv 4 filters 5x5 relu", batch: 5, per: 3, chunks: 2 * 2, tm: 16 }, // 256-byte dZ images (4 fit, evened to 3 + 2); W in pieces of 2 + 1 channels
    { input: "1x8x8", conv: "conv 8 filters 5x5 tanh", batch: 3, per: 2, chunks: 2 * 1, tm: 16 }, // 512-byte dZ images: the last chunk holds 1
    { input: "2x8x12", conv: "conv 8 filters 5x5 sigmoid", batch: 3, per: 1, chunks: 3 * 2, tm: 16 }, // 1 KiB of dZ per image; one channel of W per piece
    { input: "2x6x8", conv: "conv 8 filters 5x5 leaky_relu slope 0.1", batch: 3, per: 3, chunks: 1 * 2, tm: 8 }, // 2×4 outputs: 8 positions per tile
  ])("image $input, $conv, batch $batch, 1 KiB uniforms: $chunks dispatches, $tm positions per tile", async ({ input, conv, batch, per, chunks, tm }) => {
    const { kernels } = await checkGemmOp(h, model(`input image ${input}`, conv), { batch, accumulate: true, limits: { maxUniformBytes: 1024 }, options: { inputGradient: "col2im" } });
    const cols = kernels.find((k) => k.name === "conv1_grad_input_cols")!;
    expect(cols.code).toContain("uniform buffers");
    expect(cols.chunks).toBe(chunks);
    expect(cols.code).toContain(`const PER: u32 = ${per}u;`);
    expect(cols.code).toContain(`const TM: u32 = ${tm}u;`);
  });

  it("the seed CNN's conv2 at batch 64: 11 chunks of 6 images × 2 pieces of W", async () => {
    const { kernels } = await checkGemmOp(h, model("input image 20x12x12", "conv 40 filters 5x5 relu"), { batch: 64, accumulate: true });
    expect(kernels.find((k) => k.name === "conv1_grad_input_cols")!.chunks).toBe(22);
  });

  it("keeps the storage GEMM where the forward is not direct or dZ is not formed once", async () => {
    const cols = async (src: string, forward?: "gemm") =>
      (await checkGemmOp(h, src, { batch: 2, accumulate: true, options: { inputGradient: "col2im", ...(forward ? { forward } : {}) } })).kernels.find((k) => k.name === "conv1_grad_input_cols")!;
    expect((await cols(model("input image 2x12x8", "conv 4 filters 5x5 relu"), "gemm")).chunks).toBeUndefined();
    expect((await cols(model("input image 2x12x8", "conv 4 filters 5x5"))).chunks).toBeUndefined(); // identity: dZ is dY, read through dz_at
    expect((await cols(model("input image 2x12x8", "conv 4 filters 5x5 relu"))).chunks).toBe(1);
  });
});

describe("vec4 operand loads in the column GEMM of dX (cpu kernels)", () => {
  const cases = [
    { input: "4x6x6", filters: 4, batch: 3, header: "vec4 loads: A (4 rows), B (4 columns)." }, // 16 positions, 36 taps
    { input: "3x6x6", filters: 4, batch: 3, header: "vec4 loads: A (4 rows)." }, // 27 taps: W rows unaligned
    { input: "4x7x7", filters: 3, batch: 5, header: "vec4 loads: B (4 columns)." }, // 25 positions: dZ unaligned
  ];
  it.each(cases)("image $input, $filters filters 3×3, batch $batch: $header", async ({ input, filters, batch, header }) => {
    const src = model(`input image ${input}`, `conv ${filters} filters 3x3 relu`);
    for (const vec4 of [true, false]) {
      const { kernels } = await checkGemmOp(h, src, { batch, accumulate: true, options: { inputGradient: "col2im", forward: "gemm", vec4 } });
      const cols = kernels.find((k) => k.name === "conv1_grad_input_cols")!;
      if (vec4) expect(cols.code).toContain(header);
      else expect(cols.code).not.toContain("vec4");
      // The columns are stored as vec4s of four positions exactly when A loads vec4s.
      expect(cols.code.includes("store4_c(m, n, v)")).toBe(vec4 && header.includes("A (4 rows)"));
    }
  });

  it.each([
    { tm: 12, tn: 8, batch: 5 }, // 80 positions in 12-row tiles: the last tile has 8 rows
    { tm: 4, tn: 12, batch: 3 }, // 48 positions, 36 taps in 12-column tiles
    { tm: 16, tn: 4, batch: 2 }, // 32 positions: the whole of M in two tiles
  ])("vec4 stores of the columns with a $tm×$tn tile, batch $batch", async ({ tm, tn, batch }) => {
    const src = model("input image 4x6x6", "conv 4 filters 3x3 relu");
    const { kernels } = await checkGemmOp(h, src, { batch, accumulate: true, options: { inputGradient: "col2im", forward: "gemm", tm, tn } });
    const cols = kernels.find((k) => k.name === "conv1_grad_input_cols")!;
    expect(cols.code).toContain("var<storage, read_write> cols: array<vec4<f32>>");
    expect(cols.code).toContain(`const TM = ${tm}u;`);
  });
});

describe("direct correlation for dW and db (cpu kernels: stride 1, no padding, dZ formed once)", () => {
  const cases = [
    { input: "3x12x8", conv: "conv 8 filters 5x5 relu", batch: 3, rows: 3 }, // OW 4, C 3, 8 filters
    { input: "5x10x12", conv: "conv 4 filters 5x5 sigmoid bias off", batch: 5, rows: 4 }, // rows past uniforms.rows left out
    { input: "1x28x28", conv: "conv 20 filters 5x5 relu", batch: 2, rows: 2 }, // the seed CNN's conv1
    { input: "2x6x16", conv: "conv 12 filters 3x1 leaky_relu slope 0.1", batch: 7, rows: 6 }, // two segments per row, odd batch
  ];
  it.each(cases)("image $input, $conv, batch $batch, $rows rows", async ({ input, conv, batch, rows }) => {
    const { kernels } = await checkGemmOp(h, model(`input image ${input}`, conv), { batch, rows, accumulate: true });
    const params = kernels.find((k) => k.name === "conv1_grad_params")!;
    expect(params.code).toContain("Direct correlation");
    const names = kernels.map((k) => k.name);
    expect(names.indexOf("conv1_grad_activation")).toBeLessThan(names.indexOf("conv1_grad_params"));
    expect(names.indexOf("conv1_grad_params")).toBe(names.indexOf("conv1_grad_params_reduce") - 1);
  });

  // With a 1 KiB uniform binding each slice of examples is a chunk whose X and dZ are uniform buffers.
  it.each([
    { input: "3x8x8", conv: "conv 4 filters 5x5 relu", batch: 5, rows: 4, per: 1, chunks: 5 }, // 768-byte images, 64-byte dZ
    { input: "1x8x8", conv: "conv 8 filters 5x5 tanh", batch: 7, rows: 7, per: 2, chunks: 4 }, // 256 + 512 bytes; the last chunk holds 1
    { input: "1x8x8", conv: "conv 4 filters 5x5 sigmoid bias off", batch: 7, rows: 5, per: 4, chunks: 2 }, // rows past uniforms.rows left out
  ])("image $input, $conv, batch $batch, $rows rows, 1 KiB uniforms: $chunks slices of $per", async ({ input, conv, batch, rows, per, chunks }) => {
    const { kernels } = await checkGemmOp(h, model(`input image ${input}`, conv), { batch, rows, accumulate: true, limits: { maxUniformBytes: 1024 } });
    const params = kernels.find((k) => k.name === "conv1_grad_params")!;
    expect(params.chunks).toBe(chunks);
    expect(params.code).toContain(`const PER_SLICE: u32 = ${per}u;`);
    expect(params.code).toContain("var<uniform> dz: array<vec4<f32>");
  });

  it("the identity (no dZ buffer), GPUs and a forced GEMM keep the split-K GEMM", async () => {
    const direct = async (src: string, target: "cpu" | "gpu" = "cpu", paramsGradient?: "gemm") => {
      const { kernels } = await checkGemmOp(h, src, { batch: 2, target, ...(paramsGradient ? { options: { paramsGradient } } : {}) });
      return kernels.some((k) => k.code.includes("Direct correlation"));
    };
    expect(await direct(model("input image 2x12x8", "conv 4 filters 5x5"))).toBe(false);
    expect(await direct(model("input image 2x12x8", "conv 4 filters 5x5 relu"), "gpu")).toBe(false);
    expect(await direct(model("input image 2x12x8", "conv 4 filters 5x5 relu"), "cpu", "gemm")).toBe(false);
    expect(await direct(model("input image 2x12x8", "conv 4 filters 5x5 relu"))).toBe(true);
    // 4 filters × 9×9 taps would need 324 accumulators per invocation: the forward is direct, dW the GEMM.
    const { kernels } = await checkGemmOp(h, model("input image 1x12x12", "conv 4 filters 9x9 relu"), { batch: 2 });
    expect(kernels.find((k) => k.name === "conv1_forward")!.code).toContain("Direct convolution");
    expect(kernels.find((k) => k.name === "conv1_grad_params")!.code).toContain("Implicit GEMM");
  });
});

describe("col2im row gather (cpu kernels: stride 1, output rows of whole vec4s)", () => {
  const cases = [
    { input: "20x12x12", conv: "conv 40 filters 5x5 relu", batch: 3, accumulate: false, vecOut: true }, // the seed CNN's conv2
    { input: "3x11x7", conv: "conv 5 filters 3x4 tanh", batch: 2, accumulate: true, vecOut: false }, // OW 4, IW 7: scalar writes, odd channels
    { input: "3x9x8", conv: "conv 4 filters 3x3 padding same sigmoid", batch: 3, accumulate: true, vecOut: true }, // padding: rows in padded coordinates
    { input: "2x6x2", conv: "conv 3 filters 2x2 padding [1, 0, 2, 1] leaky_relu slope 0.1", batch: 5, accumulate: false, vecOut: false }, // asymmetric padding (2 columns left, 1 right): OW 4, IW 2
  ];
  it.each(cases)("image $input, $conv, batch $batch, accumulate $accumulate", async ({ input, conv, batch, accumulate, vecOut }) => {
    const src = model(`input image ${input}`, conv);
    for (const rowGather of [true, false]) {
      const { kernels } = await checkGemmOp(h, src, { batch, rows: batch - 1, accumulate, options: { inputGradient: "col2im", rowGather } });
      const gather = kernels.find((k) => k.name === "conv1_grad_input")!;
      expect(gather.code.includes("one invocation per input row")).toBe(rowGather);
      if (rowGather) expect(gather.code.includes("var<storage, read_write> dx: array<vec4<f32>>")).toBe(vecOut);
    }
  });

  it("strides and dilations keep the element gather", async () => {
    for (const geometry of ["stride 2", "dilation 2"]) {
      const { kernels } = await checkGemmOp(h, model("input image 2x12x12", `conv 3 filters 3x3 ${geometry} relu`), { batch: 2, options: { inputGradient: "col2im" } });
      expect(kernels.find((k) => k.name === "conv1_grad_input")!.code).toContain("one invocation per input element");
    }
  });
});
