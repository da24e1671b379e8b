/**
 * Which conv → max pool pairs the schedule fuses (the pool's backward scatter writes the conv's dZ;
 * the conv's direct forward computes the pool), and what the fused plan runs instead. The numbers of
 * the fused kernels are checked against the float64 reference by test/engine/engine.gpu.test.ts
 * (whole steps of models with conv → pool) and test/engine/pool-fusion.gpu.test.ts.
 */
import { describe, expect, it } from "vitest";
import { poolDzFusions, poolForwardFusions } from "../../compiler/schedule/fusion.js";
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

describe("direct conv forward → max pool fusion", () => {
  const fusedForward = (body: string[], input: string, target: "cpu" | "gpu" = "cpu") => {
    const g = lowerSource(model(`input image ${input}`, ...body));
    return [...poolForwardFusions(g, { batch: 2, target, maxUniformBytes: 65536 }).values()].map((f) => `${f.conv.name}→${f.pool.name}`);
  };

  it("fuses a tiling max pool whose windows are the direct forward's TH rows × a divisor of its TW columns, on CPU adapters only", () => {
    expect(fusedForward(["conv 4 filters 5x5 relu", "pool max 2x2", "flatten", "dense 3"], "1x20x20")).toEqual(["conv1→pool1"]); // TH 2, TW 8
    expect(fusedForward(["conv 4 filters 5x5", "pool max 2x4", "flatten", "dense 3"], "2x12x20")).toEqual(["conv1→pool1"]); // the identity too; PW 4 divides TW 8
    expect(fusedForward(["conv 8 filters 5x5 leaky_relu slope 0.1", "pool max 2x2", "flatten", "dense 3"], "3x12x8")).toEqual(["conv1→pool1"]); // TW 4
    expect(fusedForward(["conv 40 filters 5x5 relu", "pool max 2x2", "flatten", "dense 3"], "20x12x12")).toEqual(["conv1→pool1"]); // the seed CNN's conv2: TH 2 × TW 8 × TF 4
    expect(fusedForward(["conv 4 filters 5x5 relu", "pool max 2x2", "flatten", "dense 3"], "1x12x12")).toEqual(["conv1→pool1"]); // the geometry of the cases left out below
    expect(fusedForward(["conv 4 filters 5x5 relu", "pool max 2x2", "flatten", "dense 3"], "1x20x20", "gpu")).toEqual([]);
  });

  it("leaves out one output row per invocation, windows that straddle segments or rows, other pools and GEMM forwards", () => {
    expect(fusedForward(["conv 8 filters 3x1 relu", "pool max 2x2", "flatten", "dense 3"], "1x10x16")).toEqual([]); // one row × 8 filters issues fewer loads: TH 1
    expect(fusedForward(["conv 4 filters 5x5 relu", "pool max 2x3", "flatten", "dense 3"], "1x10x28")).toEqual([]); // PW 3 does not divide TW 8
    expect(fusedForward(["conv 4 filters 5x5 relu", "pool max 4x2", "flatten", "dense 3"], "1x12x12")).toEqual([]); // 4 rows per window, TH 2
    expect(fusedForward(["conv 4 filters 5x5 relu", "pool average 2x2", "flatten", "dense 3"], "1x12x12")).toEqual([]);
    expect(fusedForward(["conv 4 filters 5x5 relu", "pool max 2x2 stride 1", "flatten", "dense 3"], "1x12x12")).toEqual([]);
    expect(fusedForward(["conv 4 filters 3x3 padding same relu", "pool max 2x2", "flatten", "dense 3"], "1x8x8")).toEqual([]); // padded: implicit GEMM
    expect(fusedForward(["conv 4 filters 3x3 padding same relu", "skip = identity", "pool max 2x2 stride 1 padding same", "add skip", "flatten", "dense 3"], "1x8x8")).toEqual([]);
  });

  it("one-epoch.dnn on CPU adapters: training runs conv1_pool1_forward (pool1 and its argmax, not conv1) and conv2_pool2_forward, evaluation the unfused kernels; GPUs keep both", () => {
    const c = compileExample("examples/mnist/one-epoch.dnn", { batch: 4, target: "cpu", maxWorkgroupSize: 256, maxWorkgroupsPerDimension: 65535 });
    const kernel = (name: string) => c.plan.kernels.find((k) => k.name === name)!;
    expect(c.plan.train.slice(0, 5)).toEqual(["conv1_forward_weights", "conv1_pool1_forward", "conv2_forward_weights", "conv2_pool2_forward", "dense1_forward"]);
    expect(c.plan.train.filter((n) => /^(conv\d|pool\d)_forward$/.test(n))).toEqual([]);
    expect(c.plan.evaluate.slice(0, 6)).toEqual(["conv1_forward_weights", "conv1_forward", "pool1_forward", "conv2_forward_weights", "conv2_forward", "pool2_forward"]);
    expect(c.plan.evaluate.filter((n) => n.includes("_pool"))).toEqual([]);
    const tensor = (name: string) => c.graph.tensors.find((t) => t.name === name)!.id;
    const fused = kernel("conv1_pool1_forward");
    expect(fused.bindings.map((b) => b.buffer)).toEqual(["act:0", "aux:conv1_wt", "params", `act:${tensor("pool1")}`, "aux:pool1_argmax", "chunks"]);
    expect(fused.fuses).toEqual(["conv1", "pool1"]);
    expect(fused.trainingOnly).toBe(true);
    // No kernel of a training step reads conv1's output; evaluation writes it (dnnc viz reads it back).
    const train = c.plan.train.map(kernel);
    expect(train.filter((k) => k.bindings.some((b) => b.buffer === `act:${tensor("conv1")}`)).map((k) => k.name)).toEqual([]);
    expect(kernel("conv1_forward").bindings).toContainEqual({ buffer: `act:${tensor("conv1")}`, access: "read_write" });
    // The pool's backward scatter reads the argmax buffer both forwards write, of one size.
    expect(kernel("pool1_grad_input").bindings.map((b) => b.buffer)).toContain("aux:pool1_argmax");
    expect(kernel("pool1_forward").bindings.map((b) => b.buffer)).toContain("aux:pool1_argmax");
    const gpu = compileExample("examples/mnist/one-epoch.dnn", { batch: 4, target: "gpu", maxWorkgroupSize: 256, maxWorkgroupsPerDimension: 65535 });
    expect(gpu.plan.train).toEqual(expect.arrayContaining(["conv1_forward", "pool1_forward", "conv2_forward", "pool2_forward"]));
    expect(gpu.plan.kernels.some((k) => k.fuses.length > 1 && k.phase === "forward")).toBe(false);
  });
});
