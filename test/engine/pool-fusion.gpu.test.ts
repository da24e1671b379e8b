// Needs a WebGPU adapter: a GPU, or Mesa's llvmpipe (apt-get install libegl1 libgles2 libegl-mesa0 libgl1-mesa-dri).
/**
 * A direct conv forward fused with the tiling max pool after it in training steps
 * (compiler/schedule/fusion.ts; CPU kernels, which run on any adapter): training steps of conv → pool
 * models agree with the float64 reference executor, before and after an evaluation pass (which runs
 * the unfused kernels), and the pooled values and argmax the fused kernel writes are exactly those the
 * unfused <conv>_forward → <pool>_forward write in evaluation, and the max of each window of the conv's output.
 */
import { describe, expect, it } from "vitest";
import { compileModel } from "../../compiler/emit/compile.js";
import { Engine } from "../../runtime/engine/engine.js";
import { initialParams, initialState } from "../../runtime/engine/init.js";
import { check } from "../compiler/helpers.js";
import { referenceStep } from "../reference/executor.js";
import { random, relError, testDevice } from "./helpers.js";

const device = testDevice();

const cases = [
  // one-epoch.dnn's conv1 → pool1 in small: TH 2 × TW 8 outputs × TF 4 filters, 2×2 windows; conv2 → pool2 (TW 4 × TF 8) fused too
  { name: "relu 5×5 → max 2×2, twice", input: "1x20x20", layers: ["conv 4 filters 5x5 relu", "pool max 2x2", "conv 8 filters 5x5 relu", "pool max 2x2", "flatten", "dense 10 softmax"], batch: 3, rows: 2, pairs: 2 },
  // a conv → pool the direct forward cannot take (OW 6): unfused
  { name: "relu 5×5 → max 2×2, then an unfused conv → pool", input: "1x20x20", layers: ["conv 4 filters 5x5 relu", "pool max 2x2", "conv 8 filters 3x3 relu", "pool max 2x2", "flatten", "dense 10 softmax"], batch: 2, rows: 2 },
  // windows 2 rows × 4 columns (PW 4 of TW 8), sigmoid, no bias
  { name: "sigmoid 5×5, bias off → max 2×4", input: "2x12x20", layers: ["conv 4 filters 5x5 sigmoid bias off", "pool max 2x4", "flatten", "dense 10 softmax"], batch: 2, rows: 2 },
  // the identity: no dZ fusion, the pool's scatter writes dY; a conv after the pool reads its output and writes its gradient
  { name: "identity 3×1 → max 2×2 → conv", input: "2x10x16", layers: ["conv 4 filters 3x1", "pool max 2x2", "conv 4 filters 3x3 tanh", "flatten", "dense 10 softmax"], batch: 2, rows: 1 },
  // TW 4 × TF 8, leaky ReLU
  { name: "leaky_relu 5×5, 8 filters, OW 4 → max 2×2", input: "3x12x8", layers: ["conv 8 filters 5x5 leaky_relu slope 0.1", "pool max 2x2", "flatten", "dense 10 softmax"], batch: 2, rows: 2 },
];

const source = (input: string, layers: string[], batch: number) =>
  `model M {\n  input image ${input}\n${layers.map((l) => `  ${l}\n`).join("")}}\n\ntrain M {\n  data csv \"train.csv\" classes 10\n  loss log_likelihood\n  optimizer sgd lr 0.1\n  batch ${batch}\n  epochs 1\n}\n`;

describe.each(cases)("conv → max pool fused into the direct forward: $name", ({ input, layers, batch, rows, pairs = 1 }) => {
  it("trains and evaluates as the float64 reference does; each fused kernel writes what <conv>_forward → <pool>_forward do", async () => {
    const text = source(input, layers, batch);
    const r = check(text, "fused.dnn");
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const { gpu } = device;
    // CPU kernels (the fused pairs exist only there) with this device's limits.
    const c = compileModel(r.value.program!, r.value.checked!, "fused.dnn", { ...device.target, target: "cpu" });
    const { manifest, graph } = c;
    // The fused pairs, conv1 → pool1 first.
    const fused = c.plan.train.flatMap((name) => {
      const m = /^(conv\d+)_(pool\d+)_forward$/.exec(name);
      if (!m) return [];
      const conv = graph.ops.find((o) => o.name === m[1])!;
      const pool = graph.ops.find((o) => o.name === m[2])!;
      if (conv.kind !== "conv" || pool.kind !== "pool") throw new Error(`bug: ${name} fuses no conv → pool`);
      expect(c.plan.train).not.toContain(`${pool.name}_forward`);
      expect(c.plan.evaluate).toEqual(expect.arrayContaining([`${conv.name}_forward`, `${pool.name}_forward`]));
      return [{ conv, pool, convSize: graph.tensors[conv.y]!.size, poolSize: graph.tensors[pool.y]!.size }];
    });
    expect(fused.map((f) => f.conv.name)).toEqual(["conv1", "conv2"].slice(0, pairs));

    const engine = await Engine.create(gpu.device, { manifest, code: c.code });
    try {
      const images = random(batch * manifest.input.size, 7, -0.3);
      const labels = Uint32Array.from({ length: batch }, (_, i) => (i * 7 + 3) % manifest.output.classes);
      let params = initialParams(manifest, 3, 0);
      const state = initialState(manifest);
      engine.writeParams(params);
      engine.writeState(state);
      const readPools = () => Promise.all(fused.map(async ({ pool }) => ({ pooled: await engine.readFloats(`act:${pool.y}`), argmax: new Uint32Array((await engine.readFloats(`aux:${pool.name}_argmax`)).buffer) })));

      // Evaluation (the unfused kernels) of the rows the training step will see, with the same parameters.
      const ev = await engine.evaluate({ count: rows, images: images.subarray(0, rows * manifest.input.size), labels: labels.subarray(0, rows) }, { outputs: true });
      const evRef = referenceStep(graph, Float64Array.from(params.subarray(0, graph.paramCount)), Float64Array.from(state.subarray(0, graph.stateCount)), Float64Array.from(images), labels, { rows, training: false, seed: 0, step: 0 });
      expect(relError(ev.outputs!, evRef.values[graph.loss.logits]!)).toBeLessThan(1e-3);
      const ys = await Promise.all(fused.map(async ({ conv, convSize }) => (await engine.readFloats(`act:${conv.y}`)).subarray(0, rows * convSize)));
      fused.forEach(({ conv }, p) => expect(relError(ys[p]!, evRef.values[conv.y]!), `${conv.name} output`).toBeLessThan(1e-4));
      const unfused = await readPools();

      const step = async (n: number) => {
        const values = { step: n, seed: 1234, rows, training: 1, lr: 0.1, l1: 0, l2: 0, bias1: 1, bias2: 1 };
        await engine.trainStep(images, labels, values);
        const metrics = await engine.readMetrics();
        const grads = await engine.readFloats("grads");
        const ref = referenceStep(graph, Float64Array.from(params.subarray(0, graph.paramCount)), Float64Array.from(state.subarray(0, graph.stateCount)), Float64Array.from(images), labels, { rows, training: true, seed: 1234, step: n });
        expect(metrics.examples).toBe(rows);
        expect(metrics.lossSum / rows).toBeCloseTo(ref.loss, 4);
        expect(relError(grads.subarray(0, graph.paramCount), ref.paramGrads), `step ${n}: gradients`).toBeLessThan(1e-3);
        params = await engine.readParams();
      };
      await step(1);

      // What the fused kernels wrote in that step (before the update): bit for bit what the unfused pairs wrote,
      // and the first maximum (row-major) of each window of the conv's output.
      const written = await readPools();
      fused.forEach(({ pool, poolSize }, p) => {
        const y = ys[p]!;
        for (let o = 0; o < rows * poolSize; o++) {
          const plane = Math.floor(o / (pool.outH * pool.outW));
          const oh = Math.floor(o / pool.outW) % pool.outH;
          const ow = o % pool.outW;
          let best = 0;
          let arg = -1;
          for (let kh = 0; kh < pool.kernelH; kh++)
            for (let kw = 0; kw < pool.kernelW; kw++) {
              const v = y[plane * pool.inH * pool.inW + (oh * pool.kernelH + kh) * pool.inW + ow * pool.kernelW + kw]!;
              if (arg < 0 || v > best) [best, arg] = [v, kh * pool.kernelW + kw];
            }
          const got = { pool: pool.name, o, pooled: written[p]!.pooled[o], argmax: written[p]!.argmax[o] };
          if (got.pooled !== best || got.argmax !== arg) expect(got).toEqual({ pool: pool.name, o, pooled: best, argmax: arg });
          if (got.pooled !== unfused[p]!.pooled[o] || got.argmax !== unfused[p]!.argmax[o]) expect(got).toEqual({ pool: pool.name, o, pooled: unfused[p]!.pooled[o], argmax: unfused[p]!.argmax[o] });
        }
      });

      // Evaluation after training, then another training step: both still as the reference computes them.
      const evalRows = Math.max(1, batch - 1);
      const ev2 = await engine.evaluate({ count: evalRows, images: images.subarray(0, evalRows * manifest.input.size), labels: labels.subarray(0, evalRows) }, { outputs: true });
      const ref2 = referenceStep(graph, Float64Array.from(params.subarray(0, graph.paramCount)), Float64Array.from(state.subarray(0, graph.stateCount)), Float64Array.from(images), labels, { rows: evalRows, training: false, seed: 0, step: 0 });
      expect(relError(ev2.outputs!, ref2.values[graph.loss.logits]!)).toBeLessThan(1e-3);
      await step(2);
    } finally {
      engine.destroy();
    }
  });
});
