// Needs a WebGPU adapter: a GPU, or Mesa's llvmpipe (apt-get install libegl1 libgles2 libegl-mesa0 libgl1-mesa-dri).
/**
 * The engine runs the whole schedule: one training step of real example models on the GPU agrees
 * with the float64 reference executor (loss, metrics, every parameter gradient, the update, the
 * running statistics), and evaluation with fewer rows than the batch agrees with its forward pass.
 */
import { describe, expect, it } from "vitest";
import { Engine } from "../../runtime/engine/engine.js";
import { initialParams, initialState } from "../../runtime/engine/init.js";
import { referenceStep, referenceUpdate } from "../reference/executor.js";
import { compileExample, random, relError, testDevice } from "./helpers.js";

const device = testDevice();

const cases = [
  { path: "examples/mnist/1-fc100-sigmoid.dnn", batch: 4, rows: 3 },
  { path: "examples/mnist/3-two-conv-pool.dnn", batch: 4, rows: 4 },
  { path: "examples/mnist/7-dropout.dnn", batch: 3, rows: 2 },
  { path: "examples/residual/small-resnet.dnn", batch: 2, rows: 2 },
  // relu convs whose dZ the max pools' backward scatters write (on CPU adapters), rows < batch
  { path: "examples/mnist/fast-adam.dnn", batch: 4, rows: 3 },
];

describe.each(cases)("one step of $path (batch $batch, $rows rows)", ({ path, batch, rows }) => {
  it("matches the float64 reference", async () => {
    const { gpu } = device;
    const c = compileExample(path, { ...device.target, batch });
    const { manifest, graph, spec } = c;
    const engine = await Engine.create(gpu.device, { manifest, code: c.code });
    try {
      const params = initialParams(manifest, 3, 0);
      const state = initialState(manifest);
      const input = random(rows * manifest.input.size, 7);
      const labels = Uint32Array.from({ length: rows }, (_, i) => (i * 7 + 3) % manifest.output.classes);
      const values = { step: 5, seed: 1234, rows, training: 1, lr: 0.05, l1: 0, l2: spec.l2 / 50000, bias1: 1 - 0.9 ** 5, bias2: 1 - 0.999 ** 5 };
      engine.writeParams(params);
      engine.writeState(state);
      await engine.trainStep(input, labels, values);
      const metrics = await engine.readMetrics();
      const grads = await engine.readFloats("grads");
      const after = await engine.readParams();
      const newState = await engine.readState();

      const p64 = Float64Array.from(params.subarray(0, graph.paramCount));
      const ref = referenceStep(graph, p64, Float64Array.from(state.subarray(0, graph.stateCount)), Float64Array.from(input), labels, { rows, training: true, seed: values.seed, step: values.step });
      expect(metrics.examples).toBe(rows);
      expect(metrics.correct).toBe(ref.correct);
      expect(metrics.lossSum / rows).toBeCloseTo(ref.loss, 4);
      expect(relError(grads.subarray(0, graph.paramCount), ref.paramGrads)).toBeLessThan(1e-3);
      if (graph.stateCount > 0) expect(relError(newState.subarray(0, graph.stateCount), ref.newState)).toBeLessThan(1e-4);
      if (spec.optimizer.kind === "sgd") {
        const upd = referenceUpdate(spec.optimizer, p64, ref.paramGrads, [], { t: values.step, lr: values.lr, l1PerN: 0, l2PerN: values.l2, decayedCount: graph.decayedCount });
        const delta = (a: ArrayLike<number>) => Float64Array.from({ length: graph.paramCount }, (_, i) => a[i]! - p64[i]!);
        expect(relError(delta(after), delta(upd.params))).toBeLessThan(2e-3);
      } else {
        expect(after).not.toEqual(params);
      }

      // Evaluation: rows < batch, dropout off, batch norm on the running statistics just written.
      const evalRows = Math.max(1, batch - 1);
      const ev = await engine.evaluate({ count: evalRows, images: input.subarray(0, evalRows * manifest.input.size), labels: labels.subarray(0, evalRows) }, { outputs: true });
      const evalRef = referenceStep(graph, Float64Array.from(after.subarray(0, graph.paramCount)), Float64Array.from(newState.subarray(0, graph.stateCount)), Float64Array.from(input), labels, { rows: evalRows, training: false, seed: 0, step: 0 });
      expect(ev.examples).toBe(evalRows);
      expect(relError(ev.outputs!, evalRef.values[graph.loss.logits]!)).toBeLessThan(1e-3);
    } finally {
      engine.destroy();
    }
  });
});

describe("queueKernel (profiling one kernel alone)", () => {
  it("dispatches one kernel of the step `repeats` times: two more SGD updates move each weight by 2·lr·grad", async () => {
    const { gpu } = device;
    const c = compileExample("examples/mnist/1-fc100-sigmoid.dnn", { ...device.target, batch: 4 });
    const engine = await Engine.create(gpu.device, { manifest: c.manifest, code: c.code });
    try {
      engine.writeParams(initialParams(c.manifest, 3, 0));
      const lr = 0.05;
      await engine.trainStep(random(4 * c.manifest.input.size, 9), [1, 2, 3, 4], { step: 1, seed: 1, rows: 4, training: 1, lr, l1: 0, l2: 0, bias1: 1, bias2: 1 });
      const before = await engine.readParams();
      const grads = await engine.readFloats("grads");
      expect(engine.kernels.train.map((k) => k.name)).toContain("update_sgd");
      engine.queueKernel("update_sgd", 2);
      const after = await engine.readParams();
      const expected = before.map((w, i) => w - 2 * lr * grads[i]!);
      expect(relError(after, expected)).toBeLessThan(1e-5);
      expect(relError(after, before)).toBeGreaterThan(1e-4);
      expect(() => engine.queueKernel("no_such_kernel")).toThrow("the training step has no kernel no_such_kernel");
    } finally {
      engine.destroy();
    }
  });
});
