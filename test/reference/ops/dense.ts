/** Dense: Y[n, j] = act(Σ_k X[n, k]·W[k, j] + b[j]), W K×M row-major. */
import type { DenseOp } from "../../../compiler/ir/graph.js";
import { activateAll, preActivationGrad } from "./activation.js";
import { sameState, type BackwardArgs, type OpReference } from "./types.js";

/** dLoss/dZ (pre-activation), rows × outputs. */
function dz(op: DenseOp, a: BackwardArgs): Float64Array {
  return preActivationGrad(op.activation, op.slope, a.y, a.dy);
}

/** Reference of `dense` with its fused activation. */
export const denseOp: OpReference<DenseOp> = {
  forward(op, a) {
    const x = a.xs[0]!;
    const w = a.param(op.weight);
    const b = op.bias === undefined ? undefined : a.param(op.bias);
    const K = op.inputs;
    const M = op.outputs;
    const z = new Float64Array(a.rows * M);
    for (let n = 0; n < a.rows; n++)
      for (let j = 0; j < M; j++) {
        let s = b ? b[j]! : 0;
        for (let k = 0; k < K; k++) s += x[n * K + k]! * w[k * M + j]!;
        z[n * M + j] = s;
      }
    return activateAll(op.activation, op.slope, z);
  },
  params(op, a) {
    const x = a.xs[0]!;
    const g = dz(op, a);
    const K = op.inputs;
    const M = op.outputs;
    const dw = new Float64Array(K * M);
    for (let n = 0; n < a.rows; n++) for (let k = 0; k < K; k++) for (let j = 0; j < M; j++) dw[k * M + j]! += x[n * K + k]! * g[n * M + j]!;
    const grads = [{ param: op.weight, grad: dw }];
    if (op.bias !== undefined) {
      const db = new Float64Array(M);
      for (let n = 0; n < a.rows; n++) for (let j = 0; j < M; j++) db[j]! += g[n * M + j]!;
      grads.push({ param: op.bias, grad: db });
    }
    return grads;
  },
  input(op, _index, a) {
    const w = a.param(op.weight);
    const g = dz(op, a);
    const K = op.inputs;
    const M = op.outputs;
    const dx = new Float64Array(a.rows * K);
    for (let n = 0; n < a.rows; n++)
      for (let k = 0; k < K; k++) {
        let s = 0;
        for (let j = 0; j < M; j++) s += w[k * M + j]! * g[n * M + j]!;
        dx[n * K + k] = s;
      }
    return dx;
  },
  state: sameState,
};
