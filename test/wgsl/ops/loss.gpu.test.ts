// Needs a WebGPU adapter (a GPU, or Mesa's llvmpipe). Loss and optimizer kernels against the float64 reference.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IrGraph } from "../../../compiler/ir/graph.js";
import { stateSlots } from "../../../compiler/ir/optimizer.js";
import type { Loss, OptimizerSpec } from "../../../compiler/train/spec.js";
import { renderLoss } from "../../../compiler/wgsl/loss.js";
import { renderOptimizer } from "../../../compiler/wgsl/optimizer.js";
import { referenceLoss } from "../../reference/loss.js";
import { referenceUpdate } from "../../reference/optimizer.js";
import { OpsHarness, expectClose, expectWellFormed, f64, floats, lower, random, uniforms } from "./harness.js";

let h: OpsHarness;
beforeAll(async () => {
  h = await OpsHarness.open();
}, 30_000);
afterAll(async () => {
  await h?.destroy();
});

describe("loss kernels", () => {
  const cases: { loss: Loss; last: string }[] = [
    { loss: "log_likelihood", last: "dense 5 softmax" },
    { loss: "cross_entropy", last: "dense 5 sigmoid" },
    { loss: "quadratic", last: "dense 5 sigmoid" },
  ];
  for (const c of cases)
    it(`${c.loss} with rows < batch, metrics summed over two batches`, async () => {
      const batch = 6;
      const rows = 4;
      const { graph, ctx } = lower(["input vector 3", c.last], batch, c.loss);
      const { kernels, aux } = renderLoss(graph, ctx);
      expectWellFormed(kernels, ctx, "loss_");
      expect(kernels.map((k) => k.name)).toEqual([`loss_${c.loss}`, "loss_metrics"]);
      h.allocate({ graph, batch, aux });
      const logits = graph.loss.logits;
      const next = random(41, -3, 3);
      // Large logits in the first row check the stable forms; quadratic reads probabilities.
      const z = floats(batch * 5, c.loss === "quadratic" ? () => (next() + 3) / 6 : next);
      if (c.loss !== "quadratic") z.set([40, -35, 2, 0.5, -1], 0);
      const labels = Uint32Array.from({ length: batch }, (_, i) => (i * 3) % 5);
      z[5 + labels[1]!] = 50; // row 1 is certainly correct
      h.write(`act:${logits}`, z);
      h.write("labels", labels);
      h.write(`grad:${logits}`, floats(batch * 5, () => 9));
      await h.run(kernels, uniforms(rows));
      await h.run(kernels, uniforms(rows));
      const ref = referenceLoss(graph.loss, f64(z), labels, rows, 5);
      const dz = await h.read(`grad:${logits}`, batch * 5);
      expectClose(dz.subarray(0, rows * 5), ref.dLogits, "dLogits");
      expect(Array.from(dz.subarray(rows * 5))).toEqual(new Array((batch - rows) * 5).fill(0));
      const perRow = await h.read("aux:loss_rows", 2 * batch);
      expectClose(perRow.subarray(0, rows), ref.perExample, "per-example loss");
      expect(Array.from(perRow.subarray(rows, batch))).toEqual([0, 0]);
      expect(ref.correct).toBeGreaterThan(0);
      const metrics = await h.read("metrics", 3);
      expectClose([metrics[0]!], [2 * ref.perExample.reduce((s, v) => s + v, 0)], "loss sum");
      expect(Array.from(metrics.subarray(1))).toEqual([2 * ref.correct, 2 * rows]);
    });
});

describe("optimizer kernel", () => {
  const specs: OptimizerSpec[] = [
    { kind: "sgd", lr: 0.1 },
    { kind: "momentum", lr: 0.1, momentum: 0.9 },
    { kind: "nesterov", lr: 0.1, momentum: 0.8 },
    { kind: "adagrad", lr: 0.1, eps: 1e-8 },
    { kind: "adadelta", lr: 1, rho: 0.95, eps: 1e-6 },
    { kind: "rmsprop", lr: 0.01, rho: 0.9, eps: 1e-8 },
    { kind: "adam", lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
  ];
  // The arena lowerModel lays out: dense 5→3 and batchnorm(3), each tensor at a multiple of 4 floats
  // (weight 0…14, bias 16…18, γ 20…22, β 24…26; 28 floats, the L1/L2 prefix 16): one vec4 per
  // invocation, the prefix in whole vec4s, zero padding at 15, 19, 23 and 27 that must stay exactly 0.
  // Two arenas built by hand keep the other paths covered: 24 floats with the L1/L2 boundary at 15
  // inside a vec4 (a per-lane mask), and 18 floats (one float per invocation).
  const arenas = [
    { name: "aligned", params: 28, decayed: 16, vec4: true, padding: [15, 19, 23, 27], layout: (g: IrGraph) => g },
    { name: "unaligned", params: 24, decayed: 15, vec4: true, padding: [], layout: (g: IrGraph): IrGraph => ({ ...g, paramCount: 24, decayedCount: 15 }) },
    { name: "odd", params: 18, decayed: 15, vec4: false, padding: [], layout: (g: IrGraph): IrGraph => ({ ...g, paramCount: 18, decayedCount: 15 }) },
  ];
  for (const spec of specs)
    for (const arena of arenas)
      it(`${spec.kind}, ${arena.name} arena of ${arena.params} floats, L1 and L2, two steps`, async () => {
        const lowered = lower(["input vector 5", "dense 3", "batchnorm"], 2);
        const { ctx } = lowered;
        const graph = arena.layout(lowered.graph);
        expect([graph.paramCount, graph.decayedCount]).toEqual([arena.params, arena.decayed]);
        const kernels = renderOptimizer(graph, spec, ctx);
        expectWellFormed(kernels, ctx, `update_${spec.kind}`);
        expect(kernels.length).toBe(1);
        expect(kernels[0]!.code.includes("vec4<f32>")).toBe(arena.vec4);
        expect(kernels[0]!.code.includes("select(")).toBe(arena.name === "unaligned");
        const slots = stateSlots[spec.kind].length;
        h.allocate({ graph, batch: 2, aux: [], optSlots: slots });
        const next = random(51);
        const p0 = floats(graph.paramCount, next);
        p0[3] = 0; // sgn(0) = 0
        for (const k of arena.padding) p0[k] = 0;
        h.write("params", p0);
        let params: Float64Array = f64(p0);
        let state: Float64Array[] = Array.from({ length: slots }, () => new Float64Array(graph.paramCount));
        const l1 = 0.003;
        const l2 = 0.02;
        for (const t of [1, 2]) {
          const g = floats(graph.paramCount, next);
          for (const k of arena.padding) g[k] = 0;
          h.write("grads", g);
          const lr = spec.lr * (t === 1 ? 1 : 0.5);
          const bias = spec.kind === "adam" ? { bias1: 1 - spec.beta1 ** t, bias2: 1 - spec.beta2 ** t } : {};
          await h.run(kernels, uniforms(2, { step: t, lr, l1, l2, ...bias }));
          const r = referenceUpdate(spec, params, f64(g), state, { t, lr, l1PerN: l1, l2PerN: l2, decayedCount: graph.decayedCount });
          params = r.params;
          state = r.slots;
        }
        const after = await h.read("params", graph.paramCount);
        expect(arena.padding.map((k) => after[k]), "padding").toEqual(arena.padding.map(() => 0));
        expectClose(after, params, "params");
        const opt = await h.read("opt", slots * graph.paramCount);
        state.forEach((s, k) => expectClose(opt.subarray(k * graph.paramCount, (k + 1) * graph.paramCount), s, stateSlots[spec.kind][k]!));
      });
});
