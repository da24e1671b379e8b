// Needs a WebGPU adapter (a GPU, or Mesa's llvmpipe). Batch-norm kernels against the float64 reference.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderBatchNorm } from "../../../compiler/wgsl/batchnorm.js";
import { batchnormOp } from "../../reference/ops/batchnorm.js";
import { OpsHarness, expectClose, expectWellFormed, f64, floats, lower, opNamed, random, refArgs, uniforms } from "./harness.js";

let h: OpsHarness;
beforeAll(async () => {
  h = await OpsHarness.open();
}, 30_000);
afterAll(async () => {
  await h?.destroy();
});

const cases = [
  { name: "image 3×5×5 with relu, rows < batch", lines: ["input image 3x5x5", "batchnorm relu"], batch: 6, rows: 5, chunks: 1 },
  { name: "vector of 10 with sigmoid and momentum 0.8, rows < batch", lines: ["input vector 10", "batchnorm momentum 0.8 sigmoid"], batch: 5, rows: 3, chunks: 1 },
  { name: "image 2×32×32 reduced in three chunks of rows", lines: ["input image 2x32x32", "batchnorm eps 0.001"], batch: 5, rows: 5, chunks: 3 },
];

describe("batchnorm kernels", () => {
  for (const c of cases)
    it(c.name, async () => {
      const { graph, ctx } = lower(c.lines, c.batch);
      const op = opNamed(graph, "batchnorm1", "batchnorm");
      const k = renderBatchNorm(op, graph, ctx);
      expectWellFormed([...k.forward, ...k.params, ...k.input(0, false), ...k.input(0, true)], ctx, "batchnorm1_");
      expect(k.aux.find((a) => a.name === "batchnorm1_partial")!.floats).toBe(3 * op.channels * c.chunks);
      h.allocate({ graph, batch: c.batch, aux: k.aux });
      const n = graph.tensors[op.x]!.size;
      const next = random(21);
      const x = floats(c.batch * n, () => 2 * next() + 0.5);
      const dy = floats(c.batch * n, next);
      const params = floats(graph.paramCount, () => 1 + 0.5 * next());
      const state = floats(graph.stateCount, () => 0.5 + 0.3 * next());
      h.write(`act:${op.x}`, x);
      h.write(`grad:${op.y}`, dy);
      h.write(`grad:${op.x}`, floats(c.batch * n, () => 7));
      h.write("params", params);
      h.write("state", state);

      // A training step: batch statistics over the valid rows, running statistics moved.
      await h.run([...k.forward, ...k.params, ...k.input(0, false)], uniforms(c.rows));
      const valid = c.rows * n;
      const a = refArgs(graph, [f64(x, valid)], c.rows, { params, state, training: true });
      const y = batchnormOp.forward(op, a);
      expectClose(await h.read(`act:${op.y}`, valid), y, "Y");
      const newState = f64(state);
      for (const w of batchnormOp.state(op, a)) newState.set(w.values, w.offset);
      expectClose(await h.read("state", graph.stateCount), newState, "running statistics");
      const b = { ...a, y: f64(await h.read(`act:${op.y}`, valid)), dy: f64(dy, valid) };
      const grads = new Float64Array(graph.paramCount);
      for (const p of batchnormOp.params(op, b)) grads.set(p.grad, graph.params[p.param]!.offset);
      expectClose(await h.read("grads", graph.paramCount), grads, "dγ, dβ");
      const dx = batchnormOp.input(op, 0, b);
      const dxAll = await h.read(`grad:${op.x}`, c.batch * n);
      expectClose(dxAll.subarray(0, valid), dx, "dX");
      expect(Array.from(dxAll.subarray(valid))).toEqual(new Array((c.batch - c.rows) * n).fill(0));
      await h.run(k.input(0, true), uniforms(c.rows));
      expectClose((await h.read(`grad:${op.x}`, c.batch * n)).subarray(0, valid), dx.map((v) => 2 * v), "dX accumulated");

      // Evaluation: the running statistics, which stay put.
      const evalState = await h.read("state", graph.stateCount);
      await h.run(k.forward, uniforms(c.batch, { training: 0 }));
      const e = refArgs(graph, [f64(x)], c.batch, { params, state: evalState, training: false });
      expectClose(await h.read(`act:${op.y}`, c.batch * n), batchnormOp.forward(op, e), "Y in evaluation");
      expect(Array.from(await h.read("state", graph.stateCount))).toEqual(Array.from(evalState));
    });
});
