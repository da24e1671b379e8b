/**
 * Which conv → max pool pairs the schedule fuses (the pool's backward scatter writes the conv's dZ),
 * and what the fused plan runs instead. The numbers of the fused kernels are checked against the
 * float64 reference by test/engine/engine.gpu.test.ts (whole steps of models with conv → pool).
 */
import { describe, expect, it } from "vitest";
import { poolDzFusions } from "../../compiler/schedule/fusion.js";
import { lowerSource, model } from "../wgsl/gemm/harness.js";
import { compileExample } from "./helpers.js";

const fused = (body: string[], target: "cpu" | "gpu" = "cpu", input = "2x12x12") => {
  const g = lowerSource(model(`input image ${input}`, ...body));
  return [...poolDzFusions(g, target).values()].map((f) => `${f.conv.name}→${f.pool.name}`);
};

describe("conv → max pool dZ fusion", () => {
  it("fuses a conv with an activation into the tiling max pool that alone reads it, on CPU adapters only", () => {
    expect(fused(["conv 4 filters 3x3 relu", "pool max 2x2", "flatten", "dense 3 softmax"])).toEqual(["conv1→pool1"]);
    expect(fused(["conv 4 filters 3x3 sigmoid", "pool max 2x2", "conv 4 filters 3x3 leaky_relu slope 0.1", "pool max 2x2", "flatten", "dense 3"], "cpu", "2x14x14")).toEqual(["conv1→pool1", "conv2→pool2"]);
    expect(fused(["conv 4 filters 3x3 relu", "pool max 2x2", "flatten", "dense 3 softmax"], "gpu")).toEqual([]);
  });

  it("leaves out the identity, average pools, overlapping windows and an output read twice", () => {
    expect(fused(["conv 4 filters 3x3", "pool max 2x2", "flatten", "dense 3"])).toEqual([]);
    expect(fused(["conv 4 filters 3x3 relu", "pool average 2x2", "flatten", "dense 3"])).toEqual([]);
    expect(fused(["conv 4 filters 3x3 relu", "pool max 3x3 stride 1", "flatten", "dense 3"])).toEqual([]);
    expect(fused(["conv 4 filters 3x3 relu", "pool max 3x3", "flatten", "dense 3"])).toEqual([]); // 10×10 in 3×3 windows: an overhang
    // conv1's output read by the pool and by the add: its gradient has two parts, so dZ stays with conv1
    expect(fused(["conv 4 filters 3x3 padding same relu", "skip = identity", "pool max 2x2 stride 1 padding same", "add skip", "flatten", "dense 3"])).toEqual([]);
    expect(fused(["conv 4 filters 2x2 stride 2 relu", "skip = identity", "pool max 1x1", "add skip", "flatten", "dense 3"])).toEqual([]);
  });

  it("the fused plan of the seed CNN drops both conv dZ passes and writes dZ from the pool scatters", () => {
    const c = compileExample("examples/mnist/fast-adam.dnn", { batch: 4, target: "cpu", maxWorkgroupSize: 256, maxWorkgroupsPerDimension: 65535 });
    const names = c.manifest.kernels.map((k) => k.name);
    expect(names).not.toContain("conv1_grad_activation");
    expect(names).not.toContain("conv2_grad_activation");
    for (const [pool, conv] of [["pool1", "conv1"], ["pool2", "conv2"]]) {
      const k = c.manifest.kernels.find((k) => k.name === `${pool}_grad_input`)!;
      expect(k.bindings.map((b) => b.buffer)).toContain(`aux:${conv}_dz`);
    }
    const gpu = compileExample("examples/mnist/fast-adam.dnn", { batch: 4, target: "gpu", maxWorkgroupSize: 256, maxWorkgroupsPerDimension: 65535 });
    expect(gpu.manifest.kernels.some((k) => k.bindings.some((b) => b.buffer.endsWith("_dz")))).toBe(false);
  });
});
