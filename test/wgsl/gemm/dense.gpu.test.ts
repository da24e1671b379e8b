// Needs a WebGPU adapter: a GPU, or Mesa's llvmpipe (apt-get install libegl1 libgles2 libegl-mesa0 libgl1-mesa-dri).
/** Dense kernels (forward, dW + db, dX) against the float64 reference, for each fused activation. */
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

describe("dense kernels equal the float64 reference", () => {
  const cases = [
    { act: "sigmoid", bias: "on", batch: 5, accumulate: false },
    { act: "tanh", bias: "off", batch: 6, accumulate: true },
    { act: "relu", bias: "on", batch: 9, accumulate: true },
    { act: "leaky_relu slope 0.2", bias: "on", batch: 4, accumulate: false },
    { act: "identity", bias: "off", batch: 3, accumulate: false },
  ];
  it.each(cases)("vector 13 → dense 7 $act, bias $bias, batch $batch, accumulate $accumulate (cpu)", async ({ act, bias, batch, accumulate }) => {
    await checkGemmOp(h, model("input vector 13", `dense 7 ${act} bias ${bias}`), { batch, accumulate });
  });
});

describe("dense kernels with vec4 rows (inputs and outputs multiples of 4) equal the float64 reference", () => {
  // vec4 loads along K (X and dZ rows, Wᵀ) or along rows of W and dZ, row-vec4 stores, the ones row of db padded to 4 rows.
  const cases = [
    { act: "relu", bias: "on", batch: 9, accumulate: false, options: {} },
    { act: "sigmoid", bias: "on", batch: 6, accumulate: true, options: { alongK: true } },
    { act: "identity", bias: "off", batch: 5, accumulate: false, options: { alongK: true } },
    { act: "tanh", bias: "off", batch: 7, accumulate: true, options: { tm: 4, tn: 8, splitK: 3, alongK: true } },
    { act: "leaky_relu slope 0.2", bias: "on", batch: 8, accumulate: false, options: { tm: 8, tn: 4, splitK: 2, alongK: true } },
    { act: "identity", bias: "on", batch: 4, accumulate: true, options: { tm: 1, tn: 12, splitK: 5, alongK: true } },
    { act: "relu", bias: "on", batch: 11, accumulate: true, options: { tm: 3, tn: 4, splitK: 1, workgroup: 8, alongK: true } },
    { act: "relu", bias: "on", batch: 10, accumulate: true, options: { tm: 8, tn: 8, splitK: 2, alongK: false } },
    { act: "sigmoid", bias: "off", batch: 12, accumulate: false, options: { tm: 12, tn: 4, alongK: false } },
  ];
  it.each(cases)("vector 24 → dense 12 $act, bias $bias, batch $batch, accumulate $accumulate, $options", async ({ act, bias, batch, accumulate, options }) => {
    const { kernels } = await checkGemmOp(h, model("input vector 24", `dense 12 ${act} bias ${bias}`), { batch, accumulate, options });
    const gemms = kernels.filter((k) => !k.name.endsWith("_reduce") && !k.name.endsWith("_grad_activation"));
    for (const k of gemms) expect(k.code, k.name).toContain("vec4 stores of 4 columns");
    const alongK = (name: string) => kernels.find((k) => k.name.endsWith(name))!.code.match(/vec4 loads along K \(4 steps per load\): ([AB, ]+)\./)?.[1];
    if (options.alongK === true) {
      expect(alongK("_forward")).toBe("A");
      expect(alongK("_grad_input")).toBe("A, B");
    }
    if (options.alongK === false) for (const k of gemms) expect(k.code, k.name).not.toContain("along K");
  });

  it("a K of 10 (not a multiple of 4) keeps f32 loads along K", async () => {
    const { kernels } = await checkGemmOp(h, model("input vector 16", "dense 10 relu"), { batch: 6, accumulate: false, options: { alongK: true } });
    expect(kernels.find((k) => k.name.endsWith("_grad_input"))!.code).not.toContain("along K");
  });

  it("the gpu strategy ignores the vec4 accessors", async () => {
    const { kernels } = await checkGemmOp(h, model("input vector 24", "dense 12 relu"), { batch: 6, target: "gpu" });
    for (const k of kernels) expect(k.code).not.toContain("vec4<f32>");
  });
});
