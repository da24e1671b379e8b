/** The three losses: gradients against finite differences, hand values, correctness, numerical stability. */
import { describe, expect, it } from "vitest";
import type { IrLoss } from "../../compiler/ir/graph.js";
import type { Loss } from "../../compiler/train/spec.js";
import { referenceLoss } from "./loss.js";
import { centralDifference, expectClose, randomArray, seeded } from "./helpers.js";

const fusedFor: Record<Loss, IrLoss["fused"]> = { log_likelihood: "softmax", cross_entropy: "sigmoid", quadratic: undefined };
const spec = (loss: Loss, classes: number): IrLoss => ({ loss, logits: 0, classes, fused: fusedFor[loss] });

describe("loss gradients equal finite differences of the mean loss", () => {
  it.each(["log_likelihood", "cross_entropy", "quadratic"] as const)("%s", (loss) => {
    const rows = 3;
    const classes = 4;
    const z = randomArray(rows * classes, seeded(9, -2, 2));
    const labels = [2, 0, 3];
    const r = referenceLoss(spec(loss, classes), z, labels, rows, classes);
    const numeric = Array.from(z, (_, i) => centralDifference(() => referenceLoss(spec(loss, classes), z, labels, rows, classes).loss, z, i));
    expectClose(r.dLogits, numeric, `${loss} dLogits`);
    expect(r.loss).toBeCloseTo(r.perExample.reduce((s, v) => s + v, 0) / rows, 14);
  });
});

describe("losses by hand", () => {
  it("log-likelihood on two logits", () => {
    // z = [0, ln 3]: softmax [1/4, 3/4]; label 1 costs −ln(3/4), label 0 costs −ln(1/4); mean over 2 rows.
    const z = Float64Array.from([0, Math.log(3), 0, Math.log(3)]);
    const r = referenceLoss(spec("log_likelihood", 2), z, [1, 0], 2, 2);
    expect(r.perExample[0]).toBeCloseTo(Math.log(4 / 3), 15);
    expect(r.perExample[1]).toBeCloseTo(Math.log(4), 15);
    expect(r.loss).toBeCloseTo((Math.log(4 / 3) + Math.log(4)) / 2, 15);
    [0.125, -0.125, -0.375, 0.375].forEach((d, i) => expect(r.dLogits[i]).toBeCloseTo(d, 15));
    expect(r.correct).toBe(1);
  });
  it("cross-entropy on two zero logits", () => {
    // a = [1/2, 1/2]: −ln(1/2) − ln(1 − 1/2) = 2 ln 2; dZ = a − onehot(0) = [−1/2, 1/2].
    const r = referenceLoss(spec("cross_entropy", 2), Float64Array.from([0, 0]), [0], 1, 2);
    expect(r.loss).toBeCloseTo(2 * Math.log(2), 15);
    expect(Array.from(r.dLogits)).toEqual([-0.5, 0.5]);
    expect(Array.from(r.output)).toEqual([0.5, 0.5]);
  });
  it("quadratic on the output", () => {
    // a = [0.2, 0.7], label 1: ½(0.2² + 0.3²) = 0.065; dA = [0.2, −0.3].
    const r = referenceLoss(spec("quadratic", 2), Float64Array.from([0.2, 0.7]), [1], 1, 2);
    expect(r.loss).toBeCloseTo(0.065, 15);
    expect(r.dLogits[0]).toBeCloseTo(0.2, 15);
    expect(r.dLogits[1]).toBeCloseTo(-0.3, 15);
  });
  it("correctness takes the first of tied maxima", () => {
    const z = Float64Array.from([1, 1, 0, 1, 1, 0]);
    expect(referenceLoss(spec("quadratic", 3), z, [0, 1], 2, 3).correct).toBe(1);
  });
  it("stays finite for large logits", () => {
    const ll = referenceLoss(spec("log_likelihood", 2), Float64Array.from([1000, 0]), [1], 1, 2);
    expect(ll.loss).toBeCloseTo(1000, 10);
    const ce = referenceLoss(spec("cross_entropy", 2), Float64Array.from([800, -800]), [1], 1, 2);
    expect(ce.loss).toBeCloseTo(1600, 10);
  });
  it("refuses a loss without its fused activation, and labels outside the classes", () => {
    expect(() => referenceLoss({ loss: "log_likelihood", logits: 0, classes: 2, fused: undefined }, new Float64Array(2), [0], 1, 2)).toThrow(/bug/);
    expect(() => referenceLoss(spec("quadratic", 2), new Float64Array(2), [2], 1, 2)).toThrow(/label/);
  });
});
