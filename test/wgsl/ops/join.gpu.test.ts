// Needs a WebGPU adapter (a GPU, or Mesa's llvmpipe). Add and concat kernels against the float64 reference.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IrGraph } from "../../../compiler/ir/graph.js";
import type { OpKernels, RenderContext } from "../../../compiler/wgsl/kernel.js";
import { renderAdd, renderConcat } from "../../../compiler/wgsl/join.js";
import { addOp } from "../../reference/ops/add.js";
import { concatOp } from "../../reference/ops/concat.js";
import { OpsHarness, expectClose, expectWellFormed, f64, floats, lower, random, refArgs, uniforms } from "./harness.js";

let h: OpsHarness;
beforeAll(async () => {
  h = await OpsHarness.open();
}, 30_000);
afterAll(async () => {
  await h?.destroy();
});

/** Eight named operands derived from `dense 8` or from an image, for wide joins. */
const eight = (input: string, first: string) => [input, `a = ${first}`, "b = relu from a", "c = sigmoid from a", "d = tanh from a", "e = relu from b", "f = sigmoid from b", "g = tanh from b", "h = relu from c"];

const cases = [
  { name: "add of two vectors (the second operand's gradient accumulated)", kind: "add", lines: ["input vector 6", "a = dense 5", "relu", "add a"], kernels: 1 },
  { name: "add of eight operands (two forward kernels)", kind: "add", lines: [...eight("input vector 6", "dense 8"), "add a, b, c, d, e, f, g, h"], kernels: 2 },
  { name: "concat of image channels (vec4)", kind: "concat", lines: ["input image 1x2x2", "a = conv 2 filters 1x1", "b = relu from a", "c = conv 1 filters 1x1 from a", "concat a, c, b"], kernels: 1 },
  { name: "concat of vectors of 5 and 3 (scalar)", kind: "concat", lines: ["input vector 6", "a = dense 5", "b = dense 3 from a", "concat a, b"], kernels: 1 },
  { name: "concat of eight operands (two forward kernels)", kind: "concat", lines: [...eight("input vector 6", "dense 3"), "concat a, b, c, d, e, f, g, h"], kernels: 2 },
] as const;

function render(kind: "add" | "concat", g: IrGraph, ctx: RenderContext): { op: Extract<IrGraph["ops"][number], { kind: "add" | "concat" }>; k: OpKernels } {
  const op = g.ops[g.ops.length - 1]!;
  if (op.kind !== kind) throw new Error(`last op is ${op.kind}`);
  return { op, k: op.kind === "add" ? renderAdd(op, g, ctx) : renderConcat(op as Extract<typeof op, { kind: "concat" }>, g, ctx) };
}

describe("join kernels", () => {
  for (const c of cases)
    it(c.name, async () => {
      const batch = 3;
      const { graph, ctx } = lower(c.lines, batch);
      const { op, k } = render(c.kind, graph, ctx);
      const ref = c.kind === "add" ? addOp : concatOp;
      expect(k.forward.length).toBe(c.kernels);
      const inputs = op.xs.flatMap((_, i) => [...k.input(i, false), ...k.input(i, true)]);
      expectWellFormed([...k.forward, ...inputs], ctx, `${op.name}_`);
      h.allocate({ graph, batch, aux: k.aux });
      const next = random(31);
      const xs = op.xs.map((t) => floats(batch * graph.tensors[t]!.size, next));
      op.xs.forEach((t, i) => h.write(`act:${t}`, xs[i]!));
      const ySize = batch * graph.tensors[op.y]!.size;
      const dy = floats(ySize, next);
      h.write(`grad:${op.y}`, dy);
      // Each operand's gradient: written for its first occurrence, added for a repeat, as the schedule does.
      const prior = op.xs.map((t) => floats(batch * graph.tensors[t]!.size, next));
      op.xs.forEach((t, i) => h.write(`grad:${t}`, prior[i]!));
      const accumulate = op.xs.map((_, i) => i % 2 === 1);
      await h.run([...k.forward, ...op.xs.flatMap((_, i) => k.input(i, accumulate[i]!))], uniforms(batch));
      const a = refArgs(graph, xs.map((x) => f64(x)), batch);
      const y = ref.forward(op as never, a);
      expectClose(await h.read(`act:${op.y}`, ySize), y, "Y");
      for (let i = 0; i < op.xs.length; i++) {
        const t = op.xs[i]!;
        const dx = ref.input(op as never, i, { ...a, y, dy: f64(dy) });
        const want = accumulate[i] ? dx.map((v, j) => v + prior[i]![j]!) : dx;
        expectClose(await h.read(`grad:${t}`, batch * graph.tensors[t]!.size), want, `dX${i}`);
      }
    });
});
