// Needs a WebGPU adapter (a GPU, or Mesa's llvmpipe). Pool kernels against the float64 reference.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderPool } from "../../../compiler/wgsl/pool.js";
import { poolOp } from "../../reference/ops/pool.js";
import { OpsHarness, expectClose, expectWellFormed, f64, floats, lower, opNamed, random, refArgs, uniforms } from "./harness.js";

let h: OpsHarness;
beforeAll(async () => {
  h = await OpsHarness.open();
}, 30_000);
afterAll(async () => {
  await h?.destroy();
});

const cases: { name: string; lines: string[]; ties?: boolean }[] = [
  { name: "max 2x2, stride = size, valid", lines: ["input image 3x6x6", "pool max 2x2"] },
  { name: "max 3x2, stride = size, tiling 6×8 (scatter path), tied values", lines: ["input image 5x6x8", "pool max 3x2"], ties: true },
  { name: "max 2x2 stride 2 on 7×7: the last row and column are left over (gather path)", lines: ["input image 2x7x7", "pool max 2x2"] },
  { name: "max 3x3 stride 2, same, ceil, tied values", lines: ["input image 2x7x7", "pool max 3x3 stride 2 padding same rounding ceil"], ties: true },
  { name: "max 2x2 stride 2 with windows entirely in the padding", lines: ["input image 1x5x5", "pool max 2x2 stride 2 padding 2"] },
  { name: "average 3x3 stride 2, padding 1, ceil", lines: ["input image 2x8x7", "pool average 3x3 stride 2 padding 1 rounding ceil"] },
  { name: "average over a sequence, stride ≠ size", lines: ["input sequence 11x3", "pool average 3 stride 2 padding 1"] },
  { name: "l2 3x2 stride 2x1, uneven padding, ceil", lines: ["input image 2x7x7", "pool l2 3x2 stride 2x1 padding [1,0,1,1] rounding ceil"] },
  { name: "l2 2x2 valid with zero windows", lines: ["input image 2x4x4", "pool l2 2x2 stride 1"], ties: true },
];

describe("pool kernels", () => {
  for (const c of cases)
    it(c.name, async () => {
      const batch = 3;
      const { graph, ctx } = lower(c.lines, batch);
      const op = opNamed(graph, "pool1", "pool");
      const k = renderPool(op, graph, ctx);
      expectWellFormed([...k.forward, ...k.input(0, false)], ctx, "pool1_");
      h.allocate({ graph, batch, aux: k.aux });
      const x = graph.tensors[op.x]!;
      const y = graph.tensors[op.y]!;
      const next = random(7);
      // Ties: values on a coarse grid (many equal, many zero) test the first-maximum rule and y = 0 in l2.
      const xs = floats(batch * x.size, c.ties ? () => Math.max(0, Math.round(next() * 2)) : next);
      const dy = floats(batch * y.size, next);
      h.write(`act:${op.x}`, xs);
      h.write(`grad:${op.y}`, dy);
      h.write(`grad:${op.x}`, floats(batch * x.size, () => 0.5));
      await h.run([...k.forward, ...k.input(0, false)], uniforms(batch));
      const a = refArgs(graph, [f64(xs)], batch);
      const yRef = poolOp.forward(op, a);
      expectClose(await h.read(`act:${op.y}`, batch * y.size), yRef, "Y");
      const dxRef = poolOp.input(op, 0, { ...a, y: yRef, dy: f64(dy) });
      expectClose(await h.read(`grad:${op.x}`, batch * x.size), dxRef, "dX");
      // Accumulating adds to what is there.
      await h.run(k.input(0, true), uniforms(batch));
      expectClose(await h.read(`grad:${op.x}`, batch * x.size), dxRef.map((v) => 2 * v), "dX accumulated");
    });

  it("max pooling whose windows tile the input scatters from each output element; other geometries gather", () => {
    const path = (lines: string[]) => {
      const { graph, ctx } = lower(lines, 3);
      const k = renderPool(opNamed(graph, "pool1", "pool"), graph, ctx).input(0, false)[0]!;
      return { scatter: k.code.includes("the windows tile the input"), invocations: Number(k.code.match(/INVOCATIONS: u32 = (\d+)u/)![1]) };
    };
    expect(path(["input image 5x6x8", "pool max 3x2"])).toEqual({ scatter: true, invocations: 3 * 5 * 2 * 4 });
    expect(path(["input image 2x7x7", "pool max 2x2"])).toEqual({ scatter: false, invocations: 3 * 2 * 7 * 7 });
    expect(path(["input image 2x8x8", "pool max 2x2 stride 1"]).scatter).toBe(false);
    expect(path(["input image 2x8x8", "pool average 2x2"]).scatter).toBe(false);
  });

  it("declares the argmax scratch for max pooling only", () => {
    const { graph, ctx } = lower(["input image 3x6x6", "pool max 2x2"], 4);
    expect(renderPool(opNamed(graph, "pool1", "pool"), graph, ctx).aux).toEqual([{ name: "pool1_argmax", floats: 4 * 3 * 3 * 3 }]);
    const avg = lower(["input image 3x6x6", "pool average 2x2"], 4);
    expect(renderPool(opNamed(avg.graph, "pool1", "pool"), avg.graph, avg.ctx).aux).toEqual([]);
  });
});
