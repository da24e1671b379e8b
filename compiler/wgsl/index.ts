/**
 * The renderer registry: which function renders each IR op kind, the loss and the optimizer.
 * A `Record<OpKind, …>`, so a new op kind fails to compile here until it has an entry; an entry is
 * `undefined` while its renderer is not written yet, and planning names the op kinds that lack one.
 */
import type { IrGraph, IrOp, OpKind } from "../ir/graph.js";
import type { OptimizerSpec } from "../train/spec.js";
import type { AuxBuffer, Kernel, OpKernels, RenderContext } from "./kernel.js";
import { renderActivation } from "./activation.js";
import { renderBatchNorm } from "./batchnorm.js";
import { renderConv } from "./conv.js";
import { renderDense } from "./dense.js";
import { renderDropout } from "./dropout.js";
import { renderAdd, renderConcat } from "./join.js";
import { renderLoss } from "./loss.js";
import { renderMaxout } from "./maxout.js";
import { renderOptimizer } from "./optimizer.js";
import { renderPool } from "./pool.js";

/** Renders the kernels of one op of kind K. */
export type OpRenderer<K extends OpKind> = (op: Extract<IrOp, { kind: K }>, graph: IrGraph, ctx: RenderContext) => OpKernels;

/** The loss kernels (dLoss/dLogits and the metric sums) and the scratch they bind. */
export type LossRenderer = (graph: IrGraph, ctx: RenderContext) => { readonly kernels: readonly Kernel[]; readonly aux: readonly AuxBuffer[] };

/** The parameter update kernels of the training spec's optimizer. */
export type OptimizerRenderer = (graph: IrGraph, spec: OptimizerSpec, ctx: RenderContext) => readonly Kernel[];

/** Every renderer the schedule may call; `undefined` marks one not written yet. */
export interface Renderers {
  readonly ops: { readonly [K in OpKind]: OpRenderer<K> | undefined };
  readonly loss: LossRenderer | undefined;
  readonly optimizer: OptimizerRenderer | undefined;
}

/** The renderers of this compiler. */
export const renderers: Renderers = {
  ops: {
    dense: renderDense,
    conv: renderConv,
    pool: renderPool,
    dropout: renderDropout,
    activation: renderActivation,
    batchnorm: renderBatchNorm,
    maxout: renderMaxout,
    add: renderAdd,
    concat: renderConcat,
  },
  loss: renderLoss,
  optimizer: renderOptimizer,
};

/** Renders `op` with the registry's renderer for its kind (the caller has checked it exists). */
export function renderOp(r: Renderers, op: IrOp, graph: IrGraph, ctx: RenderContext): OpKernels {
  const render = r.ops[op.kind] as OpRenderer<typeof op.kind> | undefined;
  if (!render) throw new Error(`bug: no renderer for op kind ${op.kind}`);
  return render(op as never, graph, ctx);
}
