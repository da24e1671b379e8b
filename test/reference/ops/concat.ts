/** Concat: per example Y = X_0 ‖ X_1 ‖ …; input i's gradient is its slice of each example's dY. */
import type { ConcatOp } from "../../../compiler/ir/graph.js";
import { noParams, sameState, type OpReference } from "./types.js";

/** Reference of `concat`. */
export const concatOp: OpReference<ConcatOp> = {
  forward(_op, a) {
    const sizes = a.xs.map((x) => x.length / a.rows);
    const total = sizes.reduce((s, v) => s + v, 0);
    const y = new Float64Array(a.rows * total);
    for (let n = 0; n < a.rows; n++) {
      let at = n * total;
      a.xs.forEach((x, i) => {
        y.set(x.subarray(n * sizes[i]!, (n + 1) * sizes[i]!), at);
        at += sizes[i]!;
      });
    }
    return y;
  },
  params: noParams,
  input(_op, index, a) {
    const sizes = a.xs.map((x) => x.length / a.rows);
    const total = sizes.reduce((s, v) => s + v, 0);
    const before = sizes.slice(0, index).reduce((s, v) => s + v, 0);
    const size = sizes[index]!;
    const dx = new Float64Array(a.rows * size);
    for (let n = 0; n < a.rows; n++) dx.set(a.dy.subarray(n * total + before, n * total + before + size), n * size);
    return dx;
  },
  state: sameState,
};
