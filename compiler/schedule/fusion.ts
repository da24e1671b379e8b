/**
 * Cross-op fusions the schedule chooses before rendering. One so far, on CPU adapters:
 *
 *   conv (activation f) → max pool whose windows tile its input, the pool being the conv output's only reader
 *
 * The pool's backward scatter writes dY_pool to the argmax of each window and 0 elsewhere; there the
 * conv's output Y equals the pool's output, so the scatter can write dZ = dY_pool · f'(pool output)
 * straight into the conv's dZ buffer (`aux:<conv>_dz`), and the conv's `<conv>_grad_activation` pass
 * (a read of dY and Y and a write of dZ over the whole conv output) disappears, as does dY itself.
 */
import { opInputs, type ConvOp, type IrGraph, type PoolOp } from "../ir/graph.js";
import { derivNeedsOutput } from "../wgsl/activation-fn.js";
import { tiles } from "../wgsl/pool.js";

/** A max pool that forms the dZ of the conv producing its input. */
export interface PoolDzFusion {
  readonly pool: PoolOp;
  readonly conv: ConvOp;
}

/** The pool → conv dZ fusions of `g` for this target, keyed by the conv's output tensor. */
export function poolDzFusions(g: IrGraph, target: "cpu" | "gpu"): Map<number, PoolDzFusion> {
  const fusions = new Map<number, PoolDzFusion>();
  if (target !== "cpu") return fusions;
  const readers = new Map<number, number>();
  for (const op of g.ops) for (const t of opInputs(op)) readers.set(t, (readers.get(t) ?? 0) + 1);
  for (const pool of g.ops) {
    if (pool.kind !== "pool" || pool.mode !== "max" || !tiles(pool)) continue;
    const conv = g.ops.find((op) => op.kind === "conv" && op.y === pool.x);
    if (conv?.kind !== "conv" || !derivNeedsOutput(conv.activation)) continue;
    if (readers.get(pool.x) !== 1 || pool.x === g.loss.logits) continue;
    fusions.set(conv.y, { pool, conv });
  }
  return fusions;
}
