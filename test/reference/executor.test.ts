/** The whole step: parameter gradients of the mean loss against finite differences, the schedule's accumulation, state. */
import { describe, expect, it } from "vitest";
import { backwardSchedule } from "../../compiler/ir/autodiff.js";
import type { IrGraph } from "../../compiler/ir/graph.js";
import type { Loss } from "../../compiler/train/spec.js";
import { referenceStep, type StepOptions } from "./executor.js";
import { centralDifference, expectClose, lowerSource, model, randomArray, seeded } from "./helpers.js";

/** Random parameters, inputs and labels for `rows` examples of `graph`. */
function problem(graph: IrGraph, rows: number, seed: number) {
  const next = seeded(seed);
  const classes = graph.tensors[graph.loss.logits]!.size;
  return {
    params: randomArray(graph.paramCount, next),
    state: Float64Array.from(graph.state.flatMap((s) => Array.from({ length: s.size }, () => s.fill))),
    input: randomArray(rows * graph.tensors[graph.input]!.size, next),
    labels: Uint8Array.from({ length: rows }, (_, n) => (n * 7 + seed) % classes),
  };
}

/** Compare every parameter gradient of the step with central differences of its mean loss. */
function checkStep(graph: IrGraph, opts: StepOptions, seed = 3): void {
  const p = problem(graph, opts.rows, seed);
  const step = referenceStep(graph, p.params, p.state, p.input, p.labels, opts);
  const f = () => referenceStep(graph, p.params, p.state, p.input, p.labels, opts).loss;
  const numeric = Array.from(p.params, (_, i) => centralDifference(f, p.params, i));
  expectClose(step.paramGrads, numeric, `${graph.model} dLoss/dParams`);
}

const train: StepOptions = { rows: 3, training: true, seed: 5, step: 2 };

const models: { name: string; loss: Loss; lines: string[] }[] = [
  { name: "MLP, log-likelihood fused into dense softmax", loss: "log_likelihood", lines: ["input vector 6", "dense 5 tanh", "dropout 0.3", "dense 4 softmax"] },
  { name: "CNN, log-likelihood fused into a softmax statement", loss: "log_likelihood", lines: ["input image 1x6x6", "conv 3 filters 3x3 padding same relu", "pool max 2x2", "flatten", "dense 3", "softmax"] },
  { name: "residual + batchnorm, cross-entropy fused into sigmoid", loss: "cross_entropy", lines: ["input image 2x4x4", "skip = identity", "conv 2 filters 3x3 padding same", "batchnorm relu", "add skip", "pool l2 2x2 rounding ceil", "flatten", "dense 3 sigmoid"] },
  { name: "concat, maxout, 1-D conv, quadratic", loss: "quadratic", lines: ["input sequence 8x2", "a = conv 4 filters 3 padding same tanh", "b = conv 2 filters 3 dilation 2 padding same from a", "concat a, b", "maxout 2", "pool average 2 stride 2", "flatten", "dense 3 sigmoid"] },
  { name: "an unused named value (its parameters get zero gradients)", loss: "log_likelihood", lines: ["input vector 4", "a = dense 3 relu", "dead = dense 2 from a", "dense 2 softmax from a"] },
  { name: "a tensor read by three ops, quadratic on a linear output", loss: "quadratic", lines: ["input vector 4", "h = dense 3 leaky_relu", "a = dense 3 sigmoid from h", "b = dense 3 from h", "add a, b, h", "batchnorm", "dense 2"] },
];

describe("referenceStep parameter gradients equal finite differences of the mean loss", () => {
  it.each(models)("$name", ({ loss, lines }) => {
    const g = lowerSource(model(...lines), loss);
    checkStep(g, train);
    checkStep(g, { ...train, training: false });
  });
});

describe("referenceStep follows the backward schedule", () => {
  it("sums the gradients of a tensor read by several ops and leaves the input without one", () => {
    const g = lowerSource(model(...models[5]!.lines), "quadratic");
    const h = g.tensors.find((t) => t.name === "dense1")!.id;
    const steps = backwardSchedule(g).filter((s) => s.kind === "input" && s.tensor === h);
    expect(steps.map((s) => s.kind === "input" && s.accumulate)).toEqual([false, true, true]);
    const p = problem(g, 2, 1);
    const r = referenceStep(g, p.params, p.state, p.input, p.labels, { ...train, rows: 2 });
    expect(r.tensorGrads[g.input]).toBeUndefined();
    expect(r.tensorGrads[h]!.length).toBe(2 * 3);
  });

  it("reports the fused output, mean loss and correct count", () => {
    const g = lowerSource(model("input vector 3", "dense 4 softmax"), "log_likelihood");
    expect(g.loss.fused).toBe("softmax");
    const p = problem(g, 4, 2);
    const r = referenceStep(g, p.params, p.state, p.input, p.labels, { ...train, rows: 4 });
    for (let n = 0; n < 4; n++) expect(r.output.subarray(n * 4, n * 4 + 4).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    expect(r.loss).toBeCloseTo(r.perExampleLoss.reduce((s, v) => s + v, 0) / 4, 14);
    expect(r.correct).toBe(Array.from({ length: 4 }, (_, n) => r.output.subarray(n * 4, n * 4 + 4)).filter((row, n) => row.indexOf(Math.max(...row)) === p.labels[n]).length);
  });

  it("moves running statistics in training only", () => {
    const g = lowerSource(model("input vector 2", "batchnorm", "dense 2"), "quadratic");
    const p = problem(g, 3, 4);
    const r = referenceStep(g, p.params, p.state, p.input, p.labels, train);
    expect(r.newState).not.toEqual(p.state);
    expect(referenceStep(g, p.params, p.state, p.input, p.labels, { ...train, training: false }).newState).toEqual(p.state);
  });

  it("reads only `rows` examples of a larger batch", () => {
    const g = lowerSource(model("input vector 3", "dense 2 sigmoid"), "cross_entropy");
    const p = problem(g, 4, 6);
    const full = referenceStep(g, p.params, p.state, p.input, p.labels, { ...train, rows: 4 });
    const part = referenceStep(g, p.params, p.state, p.input, p.labels, { ...train, rows: 2 });
    expect(part.perExampleLoss).toEqual(full.perExampleLoss.subarray(0, 2));
    expect(part.values[g.input]!.length).toBe(6);
  });
});
