/**
 * Cross-op fusions the schedule chooses before rendering. Two so far, both on CPU adapters and both
 * for a conv whose output a max pool whose windows tile it is the only reader of:
 *
 *   backward (poolDzFusions): conv (activation f) → tiling max pool
 *     The pool's backward scatter writes dY_pool to the argmax of each window and 0 elsewhere; there the
 *     conv's output Y equals the pool's output, so the scatter can write dZ = dY_pool · f'(pool output)
 *     straight into the conv's dZ buffer (`aux:<conv>_dz`), and the conv's `<conv>_grad_activation` pass
 *     (a read of dY and Y and a write of dZ over the whole conv output) disappears, as does dY itself.
 *
 *   forward (poolForwardFusions): direct conv forward → tiling max pool
 *     Where the conv's direct forward (conv-direct.ts) computes TH output rows × TW columns per
 *     invocation and the pool's windows are TH × PW with PW dividing TW, each invocation holds whole
 *     windows in its accumulators: `<conv>_<pool>_forward` writes the pooled values and the argmax the
 *     pool's backward reads, and the `<pool>_forward` pass (a re-read of the whole conv output)
 *     disappears from training steps. Nothing in a training step reads the conv output then (the
 *     pool's scatter forms dZ, or f is the identity and dZ = dY), so that kernel does not write it.
 *     Evaluation renders the two ops unfused (plan.ts): every layer's output stays readable (`dnnc viz`).
 */
import type { KernelTarget } from "../../runtime/engine/manifest.js";
import { opInputs, type ConvOp, type IrGraph, type PoolOp } from "../ir/graph.js";
import { derivNeedsOutput } from "../wgsl/activation-fn.js";
import { convPlan } from "../wgsl/conv.js";
import { directForwardTile } from "../wgsl/conv-direct.js";
import type { RenderContext } from "../wgsl/kernel.js";
import { tiles } from "../wgsl/pool.js";

/** A conv whose output only a tiling max pool reads, with that pool: what both fusions act on. */
export interface ConvPoolPair {
  readonly pool: PoolOp;
  readonly conv: ConvOp;
}

/** The pool → conv dZ fusions of `g` for this target, keyed by the conv's output tensor. */
export function poolDzFusions(g: IrGraph, target: KernelTarget): Map<number, ConvPoolPair> {
  const fusions = new Map<number, ConvPoolPair>();
  if (target !== "cpu") return fusions;
  for (const f of convPoolPairs(g)) if (derivNeedsOutput(f.conv.activation)) fusions.set(f.conv.y, f);
  return fusions;
}

/**
 * The conv → pool forward fusions of `g` for this context, keyed by the conv's output tensor: on CPU
 * adapters, where the conv forward takes the direct path and each of its invocations covers whole
 * pool windows (TH output rows = the window's height, the window's width dividing TW).
 */
export function poolForwardFusions(g: IrGraph, ctx: Pick<RenderContext, "batch" | "target" | "maxUniformBytes">): Map<number, ConvPoolPair> {
  const fusions = new Map<number, ConvPoolPair>();
  if (ctx.target !== "cpu") return fusions;
  for (const f of convPoolPairs(g)) {
    const tile = directForwardTile(f.conv);
    if (convPlan(f.conv, ctx).forward.path !== "direct" || !tile) continue;
    if (tile.th !== f.pool.kernelH || tile.tw % f.pool.kernelW !== 0) continue;
    fusions.set(f.conv.y, f);
  }
  return fusions;
}

/** Each conv whose output only a tiling max pool reads (not the logits), with that pool. */
function convPoolPairs(g: IrGraph): ConvPoolPair[] {
  const readers = new Map<number, number>();
  for (const op of g.ops) for (const t of opInputs(op)) readers.set(t, (readers.get(t) ?? 0) + 1);
  const pairs: ConvPoolPair[] = [];
  for (const pool of g.ops) {
    if (pool.kind !== "pool" || pool.mode !== "max" || !tiles(pool)) continue;
    const conv = g.ops.find((op) => op.kind === "conv" && op.y === pool.x);
    if (conv?.kind !== "conv") continue;
    if (readers.get(pool.x) !== 1 || pool.x === g.loss.logits) continue;
    pairs.push({ pool, conv });
  }
  return pairs;
}
