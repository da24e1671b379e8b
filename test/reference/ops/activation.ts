/** Activation functions: the elementwise ones fused into dense/conv/batchnorm, and the standalone op (softmax per example). */
import type { ActivationFn } from "../../../compiler/layers/index.js";
import type { ActivationOp } from "../../../compiler/ir/graph.js";
import { noParams, sameState, type OpReference } from "./types.js";

/** fn(z) for an elementwise activation; softmax acts on whole vectors and is not one. */
export function activate(fn: ActivationFn, slope: number, z: number): number {
  switch (fn) {
    case "sigmoid":
      return 1 / (1 + Math.exp(-z));
    case "tanh":
      return Math.tanh(z);
    case "relu":
      return z > 0 ? z : 0;
    case "leaky_relu":
      return z > 0 ? z : slope * z;
    case "identity":
      return z;
    case "softmax":
      throw new Error("bug: softmax is not elementwise; lowering gives it its own op");
  }
}

/** fn'(z) expressed through the output y = fn(z), as the kernels compute it. */
export function derivativeFromOutput(fn: ActivationFn, slope: number, y: number): number {
  switch (fn) {
    case "sigmoid":
      return y * (1 - y);
    case "tanh":
      return 1 - y * y;
    case "relu":
      return y > 0 ? 1 : 0;
    case "leaky_relu":
      return y > 0 ? 1 : slope;
    case "identity":
      return 1;
    case "softmax":
      throw new Error("bug: softmax is not elementwise; lowering gives it its own op");
  }
}

/** Apply an elementwise activation to every value. */
export function activateAll(fn: ActivationFn, slope: number, z: Float64Array): Float64Array {
  return fn === "identity" ? z : z.map((v) => activate(fn, slope, v));
}

/** dLoss/dZ from dLoss/dY and the output Y of a fused elementwise activation. */
export function preActivationGrad(fn: ActivationFn, slope: number, y: Float64Array, dy: Float64Array): Float64Array {
  return dy.map((d, i) => d * derivativeFromOutput(fn, slope, y[i]!));
}

/** Softmax of each example's whole vector (max-subtracted). */
export function softmaxRows(z: Float64Array, rows: number, size: number): Float64Array {
  const y = new Float64Array(rows * size);
  for (let n = 0; n < rows; n++) {
    const row = z.subarray(n * size, (n + 1) * size);
    const max = row.reduce((m, v) => Math.max(m, v), -Infinity);
    let sum = 0;
    for (let j = 0; j < size; j++) sum += y[n * size + j] = Math.exp(row[j]! - max);
    for (let j = 0; j < size; j++) y[n * size + j]! /= sum;
  }
  return y;
}

/** The standalone activation op: elementwise, or softmax with dX_i = y_i·(dY_i − Σ_j dY_j·y_j) per example. */
export const activationOp: OpReference<ActivationOp> = {
  forward(op, a) {
    const x = a.xs[0]!;
    return op.fn === "softmax" ? softmaxRows(x, a.rows, x.length / a.rows) : activateAll(op.fn, op.slope, Float64Array.from(x));
  },
  params: noParams,
  input(op, _index, a) {
    if (op.fn !== "softmax") return preActivationGrad(op.fn, op.slope, a.y, a.dy);
    const size = a.y.length / a.rows;
    const dx = new Float64Array(a.y.length);
    for (let n = 0; n < a.rows; n++) {
      let dot = 0;
      for (let j = 0; j < size; j++) dot += a.dy[n * size + j]! * a.y[n * size + j]!;
      for (let j = 0; j < size; j++) dx[n * size + j] = a.y[n * size + j]! * (a.dy[n * size + j]! - dot);
    }
    return dx;
  },
  state: sameState,
};
