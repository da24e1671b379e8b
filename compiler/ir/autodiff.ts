/**
 * Autodiff on the IR: the backward schedule of a graph. Each op's gradient rule lives with its
 * kernels (compiler/wgsl/) and reference (test/reference/); this module decides what is computed in
 * which order and where gradients of a tensor read by several ops are summed.
 */
import { opInputs, type IrGraph, type IrOp } from "./graph.js";

export type GradStep =
  /** dLoss/dLogits (with the fused output activation) plus per-example loss and correctness. */
  | { readonly kind: "loss" }
  /** Gradients of the op's parameters (dense, conv, batchnorm), from dY and its inputs. */
  | { readonly kind: "params"; readonly op: IrOp }
  /** dX for input `index` of the op; `accumulate` adds to dX instead of overwriting it. */
  | { readonly kind: "input"; readonly op: IrOp; readonly index: number; readonly tensor: number; readonly accumulate: boolean };

/** Does this op kind own parameters? */
export function hasParams(op: IrOp): boolean {
  return op.kind === "dense" || op.kind === "conv" || op.kind === "batchnorm";
}

/** Tensors the loss depends on: the logits and, transitively, every input of an op producing one. */
export function tensorsReachingLoss(g: IrGraph): Set<number> {
  const reach = new Set<number>([g.loss.logits]);
  for (const op of [...g.ops].reverse()) if (reach.has(op.y)) for (const t of opInputs(op)) reach.add(t);
  return reach;
}

/**
 * Tensors whose gradient is needed: downstream of a parameter and upstream of the loss (a named
 * value nothing uses gets no gradient), never the input.
 */
export function tensorsNeedingGrad(g: IrGraph): Set<number> {
  const reach = tensorsReachingLoss(g);
  const needs = new Set<number>();
  for (const op of g.ops) {
    const fromParams = hasParams(op) || opInputs(op).some((t) => needs.has(t));
    if (fromParams && reach.has(op.y)) needs.add(op.y);
  }
  return needs;
}

/** The backward schedule: the loss gradient, then every op in reverse with its parameter and input gradients. */
export function backwardSchedule(g: IrGraph): GradStep[] {
  const needs = tensorsNeedingGrad(g);
  const steps: GradStep[] = [{ kind: "loss" }];
  const written = new Set<number>();
  for (const op of [...g.ops].reverse()) {
    if (!needs.has(op.y)) continue;
    if (hasParams(op)) steps.push({ kind: "params", op });
    opInputs(op).forEach((t, index) => {
      if (!needs.has(t)) return;
      steps.push({ kind: "input", op, index, tensor: t, accumulate: written.has(t) });
      written.add(t);
    });
  }
  return steps;
}
