/** Maxout: Y[n, g, s] = max_{t<k} X[n, g·k + t, s]; the gradient goes to the first maximal t. */
import type { MaxoutOp } from "../../../compiler/ir/graph.js";
import { noParams, sameState, type OpReference } from "./types.js";

/** For each output element, the flat X index of its first maximal member. */
function winners(op: MaxoutOp, x: Float64Array, rows: number): Int32Array {
  const inSize = op.groups * op.k * op.spatial;
  const out = new Int32Array(rows * op.groups * op.spatial);
  for (let n = 0; n < rows; n++)
    for (let g = 0; g < op.groups; g++)
      for (let s = 0; s < op.spatial; s++) {
        let best = n * inSize + g * op.k * op.spatial + s;
        for (let t = 1; t < op.k; t++) {
          const i = n * inSize + (g * op.k + t) * op.spatial + s;
          if (x[i]! > x[best]!) best = i;
        }
        out[(n * op.groups + g) * op.spatial + s] = best;
      }
  return out;
}

/** Reference of `maxout`. */
export const maxoutOp: OpReference<MaxoutOp> = {
  forward(op, a) {
    const x = a.xs[0]!;
    return Float64Array.from(winners(op, x, a.rows), (i) => x[i]!);
  },
  params: noParams,
  input(op, _index, a) {
    const x = a.xs[0]!;
    const dx = new Float64Array(x.length);
    winners(op, x, a.rows).forEach((i, o) => (dx[i]! += a.dy[o]!));
    return dx;
  },
  state: sameState,
};
