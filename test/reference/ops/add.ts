/** Add: Y = Σ X_i; every input's gradient is dY. */
import type { AddOp } from "../../../compiler/ir/graph.js";
import { noParams, sameState, type OpReference } from "./types.js";

/** Reference of `add`. */
export const addOp: OpReference<AddOp> = {
  forward(_op, a) {
    const y = new Float64Array(a.xs[0]!.length);
    for (const x of a.xs) x.forEach((v, i) => (y[i]! += v));
    return y;
  },
  params: noParams,
  input: (_op, _index, a) => Float64Array.from(a.dy),
  state: sameState,
};
