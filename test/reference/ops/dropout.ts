/** Dropout: in training keep element i of row n iff counterUniform(seed, step, stream, n·size + i) ≥ p, and Y = X·mask/(1−p). */
import type { DropoutOp } from "../../../compiler/ir/graph.js";
import { counterUniform } from "../../../compiler/ir/hash.js";
import { noParams, sameState, type ForwardArgs, type OpReference } from "./types.js";

/** X·mask/(1−p) over the flat rows × size array in training (mask recomputed from the hash); X in evaluation. */
export function applyDropout(op: DropoutOp, a: ForwardArgs, v: Float64Array): Float64Array {
  if (!a.training) return Float64Array.from(v);
  return v.map((x, i) => (x * (counterUniform(a.seed, a.step, op.stream, i) >= op.p ? 1 : 0)) / (1 - op.p));
}

/** Reference of `dropout`: the mask is recomputed in backward, as the kernels do. */
export const dropoutOp: OpReference<DropoutOp> = {
  forward: (op, a) => applyDropout(op, a, a.xs[0]!),
  params: noParams,
  input: (op, _index, a) => applyDropout(op, a, a.dy),
  state: sameState,
};
