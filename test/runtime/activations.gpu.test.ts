// Needs a WebGPU adapter: a GPU, or Mesa's llvmpipe (apt-get install libegl1 libgles2 libegl-mesa0 libgl1-mesa-dri).
/** What `dnnc viz` draws: every layer's output for one example, read back from the engine, equals the float64 reference's forward pass. */
import { describe, expect, it } from "vitest";
import { activationsOf } from "../../runtime/activations.js";
import { initialParams, initialState } from "../../runtime/engine/init.js";
import { referenceStep } from "../reference/executor.js";
import { compileExample, testDevice } from "../engine/helpers.js";

const device = testDevice();

describe("activationsOf", () => {
  it("returns each layer of examples/mnist/3-two-conv-pool.dnn for one image, as the reference computes it", async () => {
    const { gpu } = device;
    const c = compileExample("examples/mnist/3-two-conv-pool.dnn", { ...device.target, batch: 4 });
    const { manifest, graph } = c;
    const params = initialParams(manifest, 5, 0);
    const state = initialState(manifest);
    let s = 11;
    const image = Float32Array.from({ length: manifest.input.size }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32));
    const acts = await activationsOf({ manifest, code: c.code }, { params, state }, image, gpu);
    expect(acts.map((a) => `${a.tensor} ${a.dims.join("×")}`)).toEqual(["input 1×28×28", "conv1 20×24×24", "pool1 20×12×12", "conv2 40×8×8", "pool2 40×4×4", "dense1 100", "dense2 10"]);

    const ref = referenceStep(graph, Float64Array.from(params.subarray(0, graph.paramCount)), Float64Array.from(state.subarray(0, graph.stateCount)), Float64Array.from(image), [0], { rows: 1, training: false, seed: 0, step: 1 });
    for (const a of acts) {
      const t = graph.tensors.find((x) => x.name === a.tensor)!;
      const expected = ref.values[t.id]!.length > 0 ? ref.values[t.id]! : ref.output; // the output activation is fused into the loss
      expect(expected.length, a.tensor).toBe(a.values.length);
      const scale = Math.max(1e-6, ...Array.from(expected, Math.abs));
      const err = Math.max(...Array.from(a.values, (v, i) => Math.abs(v - expected[i]!))) / scale;
      expect(err, a.tensor).toBeLessThan(1e-4);
    }
  });
});
