/**
 * Batch normalisation per channel: Y = act(γ·(X − μ)/√(σ² + ε) + β). Training uses the batch's mean
 * and biased variance over rows × spatial and moves the running statistics toward the batch's mean
 * and unbiased variance (running ← momentum·running + (1 − momentum)·batch); evaluation uses the
 * running statistics.
 */
import type { BatchNormOp } from "../../../compiler/ir/graph.js";
import { activateAll, preActivationGrad } from "./activation.js";
import type { ForwardArgs, OpReference } from "./types.js";

interface Stats {
  readonly mean: Float64Array;
  /** Biased (divide by count) in training, the running variance in evaluation. */
  readonly variance: Float64Array;
  /** Values per channel: rows × spatial. */
  readonly count: number;
}

/** Flat index of (example n, channel c, position s). */
const at = (op: BatchNormOp, n: number, c: number, s: number) => (n * op.channels + c) * op.spatial + s;

/** The statistics the forward pass normalises with. */
function stats(op: BatchNormOp, a: ForwardArgs): Stats {
  const count = a.rows * op.spatial;
  if (!a.training) return { mean: a.state.slice(op.runningMean, op.runningMean + op.channels), variance: a.state.slice(op.runningVar, op.runningVar + op.channels), count };
  const x = a.xs[0]!;
  const mean = new Float64Array(op.channels);
  const variance = new Float64Array(op.channels);
  for (let c = 0; c < op.channels; c++) {
    for (let n = 0; n < a.rows; n++) for (let s = 0; s < op.spatial; s++) mean[c]! += x[at(op, n, c, s)]!;
    mean[c]! /= count;
    for (let n = 0; n < a.rows; n++) for (let s = 0; s < op.spatial; s++) variance[c]! += (x[at(op, n, c, s)]! - mean[c]!) ** 2;
    variance[c]! /= count;
  }
  return { mean, variance, count };
}

/** x̂ = (x − μ)/√(σ² + ε) for every element. */
function normalised(op: BatchNormOp, x: Float64Array, st: Stats, rows: number): Float64Array {
  const xhat = new Float64Array(x.length);
  for (let n = 0; n < rows; n++)
    for (let c = 0; c < op.channels; c++) {
      const inv = 1 / Math.sqrt(st.variance[c]! + op.eps);
      for (let s = 0; s < op.spatial; s++) xhat[at(op, n, c, s)] = (x[at(op, n, c, s)]! - st.mean[c]!) * inv;
    }
  return xhat;
}

/** Reference of `batchnorm` with its fused activation. */
export const batchnormOp: OpReference<BatchNormOp> = {
  forward(op, a) {
    const x = a.xs[0]!;
    const gamma = a.param(op.gamma);
    const beta = a.param(op.beta);
    const xhat = normalised(op, x, stats(op, a), a.rows);
    const z = xhat.map((v, i) => gamma[Math.floor(i / op.spatial) % op.channels]! * v + beta[Math.floor(i / op.spatial) % op.channels]!);
    return activateAll(op.activation, op.slope, z);
  },
  params(op, a) {
    const xhat = normalised(op, a.xs[0]!, stats(op, a), a.rows);
    const g = preActivationGrad(op.activation, op.slope, a.y, a.dy);
    const dgamma = new Float64Array(op.channels);
    const dbeta = new Float64Array(op.channels);
    g.forEach((v, i) => {
      const c = Math.floor(i / op.spatial) % op.channels;
      dgamma[c]! += v * xhat[i]!;
      dbeta[c]! += v;
    });
    return [
      { param: op.gamma, grad: dgamma },
      { param: op.beta, grad: dbeta },
    ];
  },
  /** Training: dX = γ/√(σ²+ε)·(dZ − mean(dZ) − x̂·mean(dZ·x̂)) per channel; evaluation: dX = γ/√(σ²+ε)·dZ. */
  input(op, _index, a) {
    const st = stats(op, a);
    const xhat = normalised(op, a.xs[0]!, st, a.rows);
    const gamma = a.param(op.gamma);
    const g = preActivationGrad(op.activation, op.slope, a.y, a.dy);
    const dx = new Float64Array(g.length);
    for (let c = 0; c < op.channels; c++) {
      let meanG = 0;
      let meanGX = 0;
      if (a.training) {
        for (let n = 0; n < a.rows; n++)
          for (let s = 0; s < op.spatial; s++) {
            meanG += g[at(op, n, c, s)]!;
            meanGX += g[at(op, n, c, s)]! * xhat[at(op, n, c, s)]!;
          }
        meanG /= st.count;
        meanGX /= st.count;
      }
      const k = gamma[c]! / Math.sqrt(st.variance[c]! + op.eps);
      for (let n = 0; n < a.rows; n++)
        for (let s = 0; s < op.spatial; s++) {
          const i = at(op, n, c, s);
          dx[i] = k * (g[i]! - meanG - xhat[i]! * meanGX);
        }
    }
    return dx;
  },
  /** Running statistics after a training step; a count of 1 has no unbiased variance, so the biased one (0) is used. */
  state(op, a) {
    if (!a.training) return [];
    const st = stats(op, a);
    const unbias = st.count > 1 ? st.count / (st.count - 1) : 1;
    const mean = st.mean.map((m, c) => op.momentum * a.state[op.runningMean + c]! + (1 - op.momentum) * m);
    const variance = st.variance.map((v, c) => op.momentum * a.state[op.runningVar + c]! + (1 - op.momentum) * v * unbias);
    return [
      { offset: op.runningMean, values: mean },
      { offset: op.runningVar, values: variance },
    ];
  },
};
