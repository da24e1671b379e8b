/**
 * Parameter and FLOP counts and the regularisation text, against hand calculation. Conventions
 * (compiler/layers/common.ts): a multiply-add counts 2 FLOPs, a bias add 1 per output, relu and
 * sigmoid 1 per element, softmax 3 per element; max-pooling k comparisons per output.
 */
import { describe, expect, it } from "vitest";
import { summarize, type CheckedProgram } from "../../compiler/index.js";
import { explainRegularization, trainingExamples } from "../../compiler/summary.js";
import { check, checkExample, exampleFiles } from "./helpers.js";

function checked(path: string): CheckedProgram {
  const r = checkExample(path);
  expect(r.diagnostics.filter((d) => d.severity !== "warning")).toEqual([]);
  return r.value.checked!;
}

function summaryOf(path: string) {
  const c = checked(path);
  const model = c.models[0]!;
  return summarize(model, c.trainings.find((t) => t.model === model.name), () => 0);
}

describe("parameter counts", () => {
  const convExamples = exampleFiles().filter((f) => /^examples\/mnist\/[2-8]-/.test(f));

  it("finds the seven MNIST examples with a convolution", () => {
    expect(convExamples).toHaveLength(7);
  });

  it.each(convExamples)("%s: the first conv has 20·5·5 + 20 = 520 parameters", (path) => {
    const model = checked(path).models[0]!;
    const conv = model.nodes.find((n) => n.kind === "conv")!;
    expect(conv.params).toEqual({ weights: 500, biases: 20, nonTrainable: 0 });
  });

  it("LeNet-5 has 61,706 parameters", () => {
    // C1 6·1·25 + 6 = 156; C3 16·6·25 + 16 = 2,416; C5 120·16·25 + 120 = 48,120;
    // F6 120·84 + 84 = 10,164; output 84·10 + 10 = 850; total 61,706.
    const s = summaryOf("examples/classic/lenet5.dnn");
    expect(s.rows.map((r) => r.params)).toEqual([0, 156, 0, 2416, 0, 48120, 0, 10164, 850]);
    expect(s.trainableParams).toBe(61706);
    expect(s.nonTrainableParams).toBe(0);
  });

  it("examples/mnist/4-relu-l2.dnn, layer by layer", () => {
    const s = summaryOf("examples/mnist/4-relu-l2.dnn");
    expect(s.rows.map((r) => [r.layer, r.output, r.params])).toEqual([
      ["input", "1×28×28", 0],
      ["conv", "20×24×24", 520], // 20·1·5·5 + 20
      ["pool", "20×12×12", 0],
      ["conv", "40×8×8", 20040], // 40·20·5·5 + 40
      ["pool", "40×4×4", 0],
      ["flatten", "640", 0], // 40·4·4
      ["dense", "100", 64100], // 640·100 + 100
      ["dense", "10", 1010], // 100·10 + 10
    ]);
    expect(s.trainableParams).toBe(520 + 20040 + 64100 + 1010); // 85,670
  });

  it("batchnorm: γ and β trainable, running mean and variance not", () => {
    const s = summaryOf("examples/residual/small-resnet.dnn");
    const first = s.rows.find((r) => r.layer === "batchnorm")!;
    expect(first.params).toBe(2 * 16);
    // 10 batchnorms, by channels: 16 (stem) + 2·2·16 (two residuals at 16, two each) + 32 (downsample)
    // + 2·2·32 (two residuals at 32) = 240 channels, each with a running mean and variance.
    expect(s.nonTrainableParams).toBe(2 * 240);
  });
});

describe("FLOP counts", () => {
  const s = summaryOf("examples/mnist/4-relu-l2.dnn");
  it("the first conv (20 filters 5x5 relu on 1×28×28)", () => {
    // 20·24·24 = 11,520 outputs, each 1·5·5 = 25 multiply-adds → 2·25·11,520 = 576,000,
    // + 11,520 bias adds + 11,520 relus = 599,040.
    expect(s.rows[1]!.flops).toBe(599040);
  });
  it("the hidden dense layer (640 → 100 relu)", () => {
    // 2·640·100 = 128,000 + 100 bias adds + 100 relus = 128,200.
    expect(s.rows[6]!.flops).toBe(128200);
  });
  it("the softmax output layer (100 → 10)", () => {
    // 2·100·10 = 2,000 + 10 bias adds + 3·10 for softmax = 2,040.
    expect(s.rows[7]!.flops).toBe(2040);
  });
  it("2x2 max-pooling of 20×24×24", () => {
    // 20·12·12 = 2,880 outputs × 4 inputs each = 11,520.
    expect(s.rows[2]!.flops).toBe(11520);
  });
  it("the total is the sum of the rows", () => {
    expect(s.flopsPerExample).toBe(s.rows.reduce((a, r) => a + r.flops, 0));
  });
});

describe("regularisation per step", () => {
  const sgd = (extra: string) =>
    check(`model M {\n  input image 1x28x28\n  flatten\n  dense 10 softmax\n}\ntrain M {\n  data mnist\n  validation 10000\n  ${extra}\n  loss log_likelihood\n  optimizer sgd lr 0.03\n  regularize l2 0.1\n  batch 10\n  epochs 1\n}\n`).value.checked!.trainings[0]!;

  it("SGD: η = 0.03, λ = 0.1, n = 60,000 − 10,000 = 50,000 → ηλ/n = 0.003/50,000 = 6e-8", () => {
    const t = sgd("");
    expect(trainingExamples(t)).toBe(50000);
    const text = explainRegularization(t);
    expect(text).toHaveLength(1);
    expect(text[0]).toContain("n = 50000");
    expect(text[0]).toContain("multiplies every weight by 1 − ηλ/n = 1 − 6e-8");
    expect(text[0]).toContain("η = 0.03");
  });

  it("SGD with shifts: 5 × 50,000 = 250,000 examples → 0.003/250,000 = 1.2e-8", () => {
    const t = sgd("augment shift 1");
    expect(trainingExamples(t)).toBe(250000);
    expect(explainRegularization(t)[0]).toContain("1 − 1.2e-8");
  });

  it("example 4 (Adam): λ/n = 0.1/50,000 = 2e-6 joins the gradient, not a per-step shrink", () => {
    const t = checked("examples/mnist/4-relu-l2.dnn").trainings[0]!;
    const text = explainRegularization(t);
    expect(text).toEqual(["L2 λ = 0.1: cost + λ/2n·Σw² with n = 50000; each step adds λ/n = 0.000002 times every weight to its gradient before the adam update (biases are not decayed)"]);
    expect(summaryOf("examples/mnist/4-relu-l2.dnn").regularization).toEqual(text);
  });

  it("example 5 (Adam, shifts): λ/n = 0.1/250,000 = 4e-7", () => {
    expect(explainRegularization(checked("examples/mnist/5-expanded-data.dnn").trainings[0]!)[0]).toContain("λ/n = 4e-7 times every weight");
  });

  it("no regulariser, no sentence", () => {
    expect(explainRegularization(checked("examples/mnist/3-two-conv-pool.dnn").trainings[0]!)).toEqual([]);
  });
});

describe("every example", () => {
  const files = exampleFiles();
  it("there are examples to check", () => {
    expect(files.length).toBeGreaterThanOrEqual(11);
  });
  it.each(files)("%s checks with zero errors", (path) => {
    const r = checkExample(path);
    expect(r.value.program).toBeDefined();
    expect(r.diagnostics.filter((d) => d.severity !== "warning")).toEqual([]);
  });
});
