/**
 * convPlan: which path each pass of a conv takes (forward, dW/db, dX) for a few hand-picked
 * geometries on a CPU adapter and on a GPU, and that renderConv renders exactly those paths.
 */
import { describe, expect, it } from "vitest";
import type { ConvOp } from "../../../compiler/ir/graph.js";
import { convPlan, renderConv, type ConvPlan } from "../../../compiler/wgsl/conv.js";
import { lowerSource, model, testContext } from "./harness.js";

const BATCH = 64;

function convOf(input: string, conv: string): { op: ConvOp; source: string; graph: ReturnType<typeof lowerSource> } {
  const source = model(`input image ${input}`, conv);
  const graph = lowerSource(source);
  const op = graph.ops[0]!;
  if (op.kind !== "conv") throw new Error(`first op is ${op.kind}`);
  return { op, source, graph };
}

const paths = (p: ConvPlan) => [p.forward.path, p.params.path, p.input.path];

const cases = [
  { name: "seeds' conv1 1→20 5×5 on 28×28", input: "1x28x28", conv: "conv 20 filters 5x5 relu", cpu: ["direct", "direct", "col2im-rows"] },
  { name: "seeds' conv2 20→40 5×5 on 12×12", input: "20x12x12", conv: "conv 40 filters 5x5 relu", cpu: ["direct", "direct", "col2im-rows"] },
  { name: "strided 3→8 3×3 stride 2 on 12×12", input: "3x12x12", conv: "conv 8 filters 3x3 stride 2 relu", cpu: ["gemm", "gemm", "col2im-elements"] },
  { name: "dilated 3→8 3×3 dilation 2 on 12×12", input: "3x12x12", conv: "conv 8 filters 3x3 dilation 2 relu", cpu: ["gemm", "gemm", "col2im-elements"] },
  { name: "1×1 20→8 on 12×12", input: "20x12x12", conv: "conv 8 filters 1x1 relu", cpu: ["direct", "direct", "gather"] },
  { name: "same-padded 2→8 5×5 on 12×12", input: "2x12x12", conv: "conv 8 filters 5x5 padding same relu", cpu: ["gemm", "gemm", "gather"] },
  { name: "identity 20→40 5×5 on 12×12", input: "20x12x12", conv: "conv 40 filters 5x5", cpu: ["direct", "gemm", "col2im-rows"] },
] as const;

describe("convPlan", () => {
  it.each(cases)("$name", ({ input, conv, cpu }) => {
    const { op } = convOf(input, conv);
    expect(paths(convPlan(op, { batch: BATCH, target: "cpu", maxUniformBytes: 65536 }))).toEqual(cpu);
    const gpu = convPlan(op, { batch: BATCH, target: "gpu", maxUniformBytes: 65536 });
    expect(paths(gpu)).toEqual(["gemm", "gemm", "gather"]);
    expect(gpu.forward.reason).toMatch(/^GPU/);
  });

  it("gives a one-line reason for each path", () => {
    const conv2 = convPlan(convOf("20x12x12", "conv 40 filters 5x5 relu").op, { batch: BATCH, target: "cpu", maxUniformBytes: 65536 });
    // At batch BATCH, 80,000 bytes of filters and 11,520 (X) or 10,240 (dZ) bytes per image against 64 KiB uniform bindings.
    expect(conv2.forward.reason).toBe(`CPU, stride 1, unpadded, vec4 rows and filters: direct convolution; uniform X and W: ${Math.ceil(BATCH / 5)} chunks of ${Math.ceil(BATCH / Math.ceil(BATCH / 5))} images, W in 2 pieces`);
    expect(conv2.forward.windows).toMatchObject({ pieces: 2, pieceChannels: 10, pieceBytes: 40_192 });
    expect(conv2.params.reason).toMatch(/direct correlation; uniform X and dZ: \d+ chunks? of \d+ images?$/);
    expect(conv2.input.reason).toMatch(/^CPU, the gather would visit 2\.25× the useful taps: column GEMM \+ row gather; uniform dZ and W: \d+ chunks? of \d+ images? × W in 2 pieces$/);
    const gpu = convPlan(convOf("20x12x12", "conv 40 filters 5x5 relu").op, { batch: BATCH, target: "gpu", maxUniformBytes: 65536 }, { forward: "direct" });
    expect(gpu.forward.windows).toBeUndefined();
    const strided = convPlan(convOf("3x12x12", "conv 8 filters 3x3 stride 2 relu").op, { batch: BATCH, target: "cpu", maxUniformBytes: 65536 });
    expect(strided.forward.reason).toBe("CPU, strided or dilated: implicit GEMM");
    expect(convPlan(convOf("20x12x12", "conv 8 filters 1x1 relu").op, { batch: BATCH, target: "cpu", maxUniformBytes: 65536 }).input.reason).toMatch(/visits 1\.00× the useful taps: implicit GEMM/);
    for (const c of cases) for (const step of Object.values(convPlan(convOf(c.input, c.conv).op, { batch: BATCH, target: "cpu", maxUniformBytes: 65536 }))) expect(step.reason).not.toMatch(/\n|undefined/);
  });

  it("keeps the gather where the columns would pass 64 MiB, and follows forced paths", () => {
    const { op } = convOf("20x12x12", "conv 40 filters 5x5 relu");
    expect(convPlan(op, { batch: 10_000, target: "cpu", maxUniformBytes: 65536 }).input.path).toBe("gather");
    expect(paths(convPlan(op, { batch: BATCH, target: "gpu", maxUniformBytes: 65536 }, { forward: "direct", paramsGradient: "gemm", inputGradient: "col2im", rowGather: false }))).toEqual(["direct", "gemm", "col2im-elements"]);
    expect(() => convPlan(op, { batch: BATCH, target: "gpu", maxUniformBytes: 65536 }, { paramsGradient: "direct" })).toThrow(/bug/);
  });

  it("is what renderConv renders", () => {
    for (const c of cases) {
      for (const target of ["cpu", "gpu"] as const) {
        const { op, source, graph } = convOf(c.input, c.conv);
        const ctx = testContext(BATCH, target, source, { maxWorkgroupSize: 256 });
        const plan = convPlan(op, ctx);
        const ks = renderConv(op, graph, ctx);
        const code = (name: string) => [...ks.forward, ...ks.params, ...ks.input(0, false)].find((k) => k.name === name)?.code ?? "";
        expect(ks.forward.some((k) => k.name === "conv1_forward_weights"), c.name).toBe(plan.forward.path === "direct");
        expect(code("conv1_grad_params").includes("Direct correlation"), c.name).toBe(plan.params.path === "direct");
        expect(ks.input(0, false).some((k) => k.name === "conv1_grad_input_cols"), c.name).toBe(plan.input.path !== "gather");
        expect(code("conv1_grad_input").includes("one invocation per input row"), c.name).toBe(plan.input.path === "col2im-rows");
      }
    }
  });
});
