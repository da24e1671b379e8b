/** Gradients of the remaining op kinds (dense, activation, dropout, batchnorm, maxout, add, concat) against finite differences. */
import { describe, expect, it } from "vitest";
import type { IrGraph } from "../../compiler/ir/graph.js";
import { checkOpGradients, lowerSource, model, type OpSetting } from "./helpers.js";

/** The graph's op named `name` (or its only op). */
function opOf(g: IrGraph, kind: string) {
  const op = g.ops.find((o) => o.kind === kind);
  expect(op, `an op of kind ${kind}`).toBeDefined();
  return op!;
}

function check(lines: string[], kind: string, s: OpSetting = { rows: 3 }): void {
  const g = lowerSource(model(...lines));
  expect(checkOpGradients(g, opOf(g, kind), s)).toBeGreaterThan(0);
}

const elementwise = ["sigmoid", "tanh", "relu", "leaky_relu", "identity"] as const;

describe("gradients equal finite differences", () => {
  it.each(elementwise)("dense 4 %s", (fn) => check(["input vector 5", `dense 4 ${fn}`], "dense"));
  it("dense without bias, leaky_relu slope 0.3", () => check(["input vector 5", "dense 3 bias off leaky_relu slope 0.3"], "dense"));

  it.each([...elementwise.filter((f) => f !== "identity"), "leaky_relu 0.2"])("activation %s on an image", (fn) => check(["input image 2x3x3", fn], "activation"));
  it("softmax over each example's vector", () => check(["input vector 6", "softmax"], "activation"));
  it("softmax split from a dense layer the loss does not absorb", () => {
    const g = lowerSource(model("input vector 5", "dense 4 softmax"), "quadratic");
    expect(g.ops.map((o) => o.kind)).toEqual(["dense", "activation"]);
    expect(checkOpGradients(g, g.ops[1]!, { rows: 2 })).toBeGreaterThan(0);
  });

  it("dropout in training (the mask is fixed by seed and step)", () => check(["input vector 20", "dropout 0.4"], "dropout", { rows: 3, training: true, seed: 11, step: 2 }));
  it("dropout in evaluation", () => check(["input image 2x3x3", "dropout 0.5"], "dropout", { rows: 2, training: false }));

  it.each(["", "relu", "tanh", "sigmoid momentum 0.8 eps 0.001"])("batchnorm %s in training on an image", (rest) => check(["input image 3x2x3", `batchnorm ${rest}`], "batchnorm", { rows: 3, training: true }));
  it("batchnorm in training on a vector", () => check(["input vector 4", "batchnorm"], "batchnorm", { rows: 5, training: true }));
  it("batchnorm on a sequence", () => check(["input sequence 5x2", "batchnorm leaky_relu"], "batchnorm", { rows: 2, training: true }));
  it("batchnorm in evaluation (running statistics)", () => check(["input image 2x2x2", "batchnorm tanh"], "batchnorm", { rows: 2, training: false }));

  it("maxout on a vector", () => check(["input vector 6", "maxout 3"], "maxout"));
  it("maxout on an image", () => check(["input image 4x2x3", "maxout 2"], "maxout"));

  it("add of three values", () => check(["input image 2x3x3", "a = relu", "b = tanh from a", "c = sigmoid from a", "add a, b, c"], "add"));
  it("concat of images along channels", () => check(["input image 2x3x3", "a = relu", "b = conv 3 filters 1x1", "concat a, b"], "concat"));
  it("concat of vectors", () => check(["input vector 3", "a = dense 2", "b = dense 4 from a", "concat a, b"], "concat"));
});
