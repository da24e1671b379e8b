/** The reference of every IR op kind, by kind. */
import type { IrOp, OpKind } from "../../../compiler/ir/graph.js";
import { activationOp } from "./activation.js";
import { addOp } from "./add.js";
import { batchnormOp } from "./batchnorm.js";
import { concatOp } from "./concat.js";
import { convOp } from "./conv.js";
import { denseOp } from "./dense.js";
import { dropoutOp } from "./dropout.js";
import { maxoutOp } from "./maxout.js";
import { poolOp } from "./pool.js";
import type { OpReference } from "./types.js";

/** One reference per op kind; a new kind fails to compile here until it has one. */
export const opReferences: { readonly [K in OpKind]: OpReference<Extract<IrOp, { kind: K }>> } = {
  dense: denseOp,
  conv: convOp,
  pool: poolOp,
  dropout: dropoutOp,
  activation: activationOp,
  batchnorm: batchnormOp,
  maxout: maxoutOp,
  add: addOp,
  concat: concatOp,
};

/** The reference for an op, typed for any op. */
export function referenceOf(op: IrOp): OpReference<IrOp> {
  return opReferences[op.kind] as OpReference<IrOp>;
}

export type { ForwardArgs, BackwardArgs, ParamGrad, OpReference, StateWrite } from "./types.js";
