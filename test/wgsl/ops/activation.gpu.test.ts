// Needs a WebGPU adapter (a GPU, or Mesa's llvmpipe). Activation, dropout and maxout kernels against the float64 reference.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { counterUniform } from "../../../compiler/ir/hash.js";
import { renderActivation } from "../../../compiler/wgsl/activation.js";
import { renderDropout } from "../../../compiler/wgsl/dropout.js";
import { renderMaxout } from "../../../compiler/wgsl/maxout.js";
import { activationOp } from "../../reference/ops/activation.js";
import { dropoutOp } from "../../reference/ops/dropout.js";
import { maxoutOp } from "../../reference/ops/maxout.js";
import { OpsHarness, expectClose, expectWellFormed, f64, floats, lower, opNamed, random, refArgs, uniforms } from "./harness.js";

let h: OpsHarness;
beforeAll(async () => {
  h = await OpsHarness.open();
}, 30_000);
afterAll(async () => {
  await h?.destroy();
});

describe("activation kernels", () => {
  // Sizes 12 (vec4 path) and 7 (scalar path, batch 3 → 21 elements).
  const cases: { fn: string; n: number }[] = [
    { fn: "sigmoid", n: 12 },
    { fn: "tanh", n: 7 },
    { fn: "relu", n: 12 },
    { fn: "leaky_relu 0.2", n: 7 },
    { fn: "leaky_relu", n: 12 },
    { fn: "softmax", n: 7 },
    { fn: "softmax", n: 12 },
  ];
  for (const c of cases)
    it(`${c.fn} on a vector of ${c.n}`, async () => {
      const batch = 3;
      const { graph, ctx } = lower([`input vector ${c.n}`, c.fn], batch);
      const op = graph.ops[0]!;
      if (op.kind !== "activation") throw new Error("expected an activation op");
      const k = renderActivation(op, graph, ctx);
      expectWellFormed([...k.forward, ...k.input(0, false), ...k.input(0, true)], ctx, `${op.name}_`);
      h.allocate({ graph, batch, aux: k.aux });
      const next = random(11, -3, 3);
      const x = floats(batch * c.n, next);
      const dy = floats(batch * c.n, next);
      const prior = floats(batch * c.n, next);
      h.write(`act:${op.x}`, x);
      h.write(`grad:${op.y}`, dy);
      h.write(`grad:${op.x}`, prior);
      await h.run([...k.forward, ...k.input(0, true)], uniforms(batch));
      const a = refArgs(graph, [f64(x)], batch);
      const y = activationOp.forward(op, a);
      expectClose(await h.read(`act:${op.y}`, batch * c.n), y, "Y");
      const dx = activationOp.input(op, 0, { ...a, y: f64(await h.read(`act:${op.y}`, batch * c.n)), dy: f64(dy) });
      expectClose(await h.read(`grad:${op.x}`, batch * c.n), dx.map((v, i) => v + prior[i]!), "dX accumulated");
      await h.run(k.input(0, false), uniforms(batch));
      expectClose(await h.read(`grad:${op.x}`, batch * c.n), dx, "dX");
    });
});

describe("dispatch", () => {
  it("folds invocations past the per-dimension limit into y", async () => {
    const batch = 8;
    const { graph, ctx } = lower(["input vector 300", "relu"], batch);
    const narrow = { ...ctx, maxWorkgroupsPerDimension: 4 };
    const op = graph.ops[0]!;
    if (op.kind !== "activation") throw new Error("expected an activation op");
    const k = renderActivation(op, graph, narrow);
    // 2400 floats = 600 vec4 = 10 workgroups of 64: 4 × 3.
    expect(k.forward[0]!.workgroups).toEqual([4, 3, 1]);
    h.allocate({ graph, batch, aux: k.aux });
    const x = floats(batch * 300, random(2));
    h.write(`act:${op.x}`, x);
    await h.run(k.forward, uniforms(batch));
    expect(Array.from(await h.read(`act:${op.y}`, batch * 300))).toEqual(Array.from(x, (v) => Math.max(v, 0)));
  });
});

describe("dropout kernels", () => {
  for (const n of [16, 5])
    for (const training of [true, false])
      it(`p = 0.3 on a vector of ${n}, ${training ? "training" : "evaluation"}`, async () => {
        const batch = 4;
        const { graph, ctx } = lower([`input vector ${n}`, "dense 4", "dropout 0.3"], batch);
        const op = opNamed(graph, "dropout1", "dropout");
        const x = graph.tensors[op.x]!;
        const k = renderDropout(op, graph, ctx);
        expectWellFormed([...k.forward, ...k.input(0, false)], ctx, "dropout1_");
        h.allocate({ graph, batch, aux: k.aux });
        // Nonzero inputs, so a zero output is exactly a dropped element.
        const next = random(5, 0.5, 2);
        const xs = floats(batch * x.size, next);
        const dy = floats(batch * x.size, next);
        h.write(`act:${op.x}`, xs);
        h.write(`grad:${op.y}`, dy);
        const u = uniforms(batch, { training: training ? 1 : 0, seed: 99, step: 17 });
        await h.run([...k.forward, ...k.input(0, false)], u);
        const y = await h.read(`act:${op.y}`, batch * x.size);
        const kept = Array.from(y, (v) => v !== 0);
        const expected = Array.from(y, (_, i) => !training || counterUniform(99, 17, op.stream, i) >= 0.3);
        expect(kept).toEqual(expected);
        if (training) expect(kept.filter((b) => !b).length).toBeGreaterThan(0);
        const a = refArgs(graph, [f64(xs)], batch, { training, seed: 99, step: 17 });
        expectClose(y, dropoutOp.forward(op, a), "Y");
        expectClose(await h.read(`grad:${op.x}`, batch * x.size), dropoutOp.input(op, 0, { ...a, y: f64(y), dy: f64(dy) }), "dX");
      });

  it("keeps exactly the elements whose counter is at or above p", () => {
    const { graph, ctx } = lower(["input vector 8", "dense 4", "dropout 0.3"], 2);
    const code = renderDropout(opNamed(graph, "dropout1", "dropout"), graph, ctx).forward[0]!.code;
    // p rounded up to the 2⁻²⁴ grid counter_uniform draws from.
    expect(code).toContain(`const P: f32 = ${Math.ceil(0.3 * 2 ** 24) / 2 ** 24};`);
  });
});

describe("maxout kernels", () => {
  for (const c of [
    { lines: ["input vector 12", "maxout 3"], name: "vector, k = 3" },
    { lines: ["input image 6x3x3", "maxout 2"], name: "image channels, k = 2, tied values" },
  ])
    it(c.name, async () => {
      const batch = 3;
      const { graph, ctx } = lower(c.lines, batch);
      const op = opNamed(graph, "maxout1", "maxout");
      const k = renderMaxout(op, graph, ctx);
      expectWellFormed([...k.forward, ...k.input(0, false)], ctx, "maxout1_");
      h.allocate({ graph, batch, aux: k.aux });
      const x = graph.tensors[op.x]!;
      const y = graph.tensors[op.y]!;
      const next = random(3);
      const xs = floats(batch * x.size, c.name.includes("tied") ? () => Math.round(next()) : next);
      const dy = floats(batch * y.size, next);
      h.write(`act:${op.x}`, xs);
      h.write(`grad:${op.y}`, dy);
      await h.run([...k.forward, ...k.input(0, false)], uniforms(batch));
      const a = refArgs(graph, [f64(xs)], batch);
      const yRef = maxoutOp.forward(op, a);
      expectClose(await h.read(`act:${op.y}`, batch * y.size), yRef, "Y");
      expectClose(await h.read(`grad:${op.x}`, batch * x.size), maxoutOp.input(op, 0, { ...a, y: yRef, dy: f64(dy) }), "dX");
    });
});
