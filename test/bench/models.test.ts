import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { checkFile, hasErrors, memoryHost, summarize } from "../../compiler/index.js";
import { countParams, dnnSource, MODELS } from "../../bench/models.js";
import { tfjsModel } from "../../bench/peers/tfjs-model.js";

/** Trainable parameters of a model's .dnn source, from our compiler's summary. */
function dnncParams(source: string): number {
  const r = checkFile("m.dnn", memoryHost({ "m.dnn": source }));
  expect(hasErrors(r.diagnostics)).toBe(false);
  const model = r.value.checked!.models[0]!;
  return summarize(model, undefined, () => 1).trainableParams;
}

// Counted by hand: conv 20·1·25+20, conv 40·20·25+40, dense 640·100+100, dense 100·10+10, and so on.
const byHand: Record<string, number> = { cnn: 520 + 20_040 + 64_100 + 1_010, fc100: 78_500 + 1_010, dropout: 520 + 20_040 + 641_000 + 1_001_000 + 10_010 };

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("the benchmark models are the same on every side", () => {
  for (const m of MODELS) {
    it(`${m.id}: dnnc's summary, tfjs's countParams and the hand count agree`, () => {
      const model = tfjsModel(m);
      expect(model.countParams()).toBe(byHand[m.id]);
      expect(dnncParams(dnnSource(m, 64))).toBe(byHand[m.id]);
      expect(countParams(m)).toBe(byHand[m.id]);
      model.dispose();
    });
  }

  it("the .dnn source carries the batch size and the SGD learning rate", () => {
    const src = dnnSource(MODELS[0]!, 256);
    expect(src).toContain("batch 256");
    expect(src).toContain(`optimizer sgd lr ${MODELS[0]!.lr}`);
  });

  it("tfjs kernels start from N(0, 1/n_in) and biases from 0, like dnnc's scaled_normal", async () => {
    const model = tfjsModel(MODELS[1]!); // fc100: first kernel 784×100, n_in = 784
    const [kernel, bias] = model.getWeights();
    const k = Array.from(await kernel!.data());
    const mean = k.reduce((a, b) => a + b, 0) / k.length;
    const sd = Math.sqrt(k.reduce((a, b) => a + (b - mean) ** 2, 0) / k.length);
    expect(Math.abs(mean)).toBeLessThan(0.002);
    expect(sd).toBeCloseTo(1 / Math.sqrt(784), 3);
    expect(Array.from(await bias!.data()).every((b) => b === 0)).toBe(true);
    model.dispose();
  });
});
