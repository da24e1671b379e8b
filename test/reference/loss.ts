/**
 * The loss on the logits tensor, per example and averaged over the `rows` examples:
 *   log_likelihood (fused softmax)  −ln softmax(z)_y,                       dZ = (a − onehot)/rows
 *   cross_entropy (fused sigmoid)   −Σ_j [y_j ln a_j + (1 − y_j) ln(1 − a_j)], dZ = (a − onehot)/rows
 *   quadratic (on the output a)     ½·Σ_j (a_j − y_j)²,                      dA = (a − onehot)/rows
 * An example is correct when the first maximal output is its label.
 */
import type { IrLoss } from "../../compiler/ir/graph.js";
import { softmaxRows } from "./ops/activation.js";

/** The loss step's outputs for `rows` examples. */
export interface LossResult {
  /** The model's output a (the fused activation applied to the logits), rows × classes. */
  readonly output: Float64Array;
  readonly perExample: Float64Array;
  /** Mean of perExample. */
  readonly loss: number;
  /** Examples whose first maximal output is their label. */
  readonly correct: number;
  /** dLoss/dLogits, rows × classes. */
  readonly dLogits: Float64Array;
}

/** ln(1 + e^z) without overflow. */
function softplus(z: number): number {
  return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
}

/** Index of the first maximal entry. */
export function argmaxFirst(v: ArrayLike<number>, from: number, size: number): number {
  let best = 0;
  for (let j = 1; j < size; j++) if (v[from + j]! > v[from + best]!) best = j;
  return best;
}

/** Per-example cost, its mean, correctness and dLoss/dLogits for `rows` examples of `classes` logits. */
export function referenceLoss(spec: IrLoss, logits: Float64Array, labels: ArrayLike<number>, rows: number, classes: number): LossResult {
  const expected = spec.loss === "log_likelihood" ? "softmax" : spec.loss === "cross_entropy" ? "sigmoid" : undefined;
  if (spec.fused !== expected) throw new Error(`bug: loss ${spec.loss} with fused activation ${spec.fused ?? "none"}`);
  const z = logits.subarray(0, rows * classes);
  const output = spec.fused === "softmax" ? softmaxRows(z, rows, classes) : spec.fused === "sigmoid" ? z.map((v) => 1 / (1 + Math.exp(-v))) : Float64Array.from(z);
  const perExample = new Float64Array(rows);
  const dLogits = new Float64Array(rows * classes);
  let correct = 0;
  for (let n = 0; n < rows; n++) {
    const label = labels[n]!;
    if (!(label >= 0 && label < classes)) throw new Error(`label ${label} of example ${n} is not one of ${classes} classes`);
    const row = n * classes;
    let cost = 0;
    if (spec.loss === "log_likelihood") {
      const max = z.subarray(row, row + classes).reduce((m, v) => Math.max(m, v), -Infinity);
      const sum = z.subarray(row, row + classes).reduce((s, v) => s + Math.exp(v - max), 0);
      cost = max + Math.log(sum) - z[row + label]!;
    }
    for (let j = 0; j < classes; j++) {
      const y = j === label ? 1 : 0;
      const a = output[row + j]!;
      // −[y ln σ(z) + (1−y) ln(1−σ(z))] = softplus(z) − y·z, stable for large |z|.
      if (spec.loss === "cross_entropy") cost += softplus(z[row + j]!) - y * z[row + j]!;
      if (spec.loss === "quadratic") cost += 0.5 * (a - y) ** 2;
      dLogits[row + j] = (a - y) / rows;
    }
    perExample[n] = cost;
    if (argmaxFirst(output, row, classes) === label) correct++;
  }
  return { output, perExample, loss: perExample.reduce((s, v) => s + v, 0) / rows, correct, dLogits };
}
