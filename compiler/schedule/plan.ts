/**
 * Scheduling: from the IR graph, its training spec and a render context to the ordered kernels of a
 * training step and of an evaluation batch, plus every buffer they bind with its size.
 *
 *   training step = forward kernels of each op in graph order
 *                 → loss kernels (dLoss/dLogits, metric sums)
 *                 → backwardSchedule: per op in reverse, its parameter gradients, then dX per input
 *                 → optimizer update
 *   evaluation    = the forward and loss kernels that are not training-only
 * Cross-op fusions (fusion.ts) are chosen first and reach the renderers through the context.
 */
import type { IrGraph, IrOp, OpKind } from "../ir/graph.js";
import { backwardSchedule } from "../ir/autodiff.js";
import { stateSlots } from "../ir/optimizer.js";
import type { TrainingSpec } from "../train/spec.js";
import type { AuxBuffer, BufferName, Kernel, OpKernels, RenderContext } from "../wgsl/kernel.js";
import { renderOp, type Renderers } from "../wgsl/index.js";
import { poolDzFusions, poolForwardFusions } from "./fusion.js";

import { CHUNK_STRIDE, maxChunks, rangedBytes } from "../../runtime/engine/bind.js";
import { type BufferRole, METRICS_WORDS, UNIFORM_BYTES } from "../../runtime/engine/manifest.js";

const UNIFORM_WORDS = UNIFORM_BYTES / 4;


/** One buffer of the plan; sizes are in 4-byte words. */
export interface PlannedBuffer {
  readonly name: BufferName;
  readonly role: BufferRole;
  readonly words: number;
  /** For `act:`/`grad:` buffers, the IR tensor held. */
  readonly tensor?: number;
}

/** Everything one compiled model runs. */
export interface Plan {
  readonly graph: IrGraph;
  readonly spec: TrainingSpec;
  readonly ctx: RenderContext;
  /** Each kernel once, in the order it first runs. */
  readonly kernels: readonly Kernel[];
  /** Kernel names in dispatch order. */
  readonly train: readonly string[];
  readonly evaluate: readonly string[];
  readonly buffers: readonly PlannedBuffer[];
  readonly optimizerSlots: readonly string[];
}

/** Op kinds (with an example op) that have no renderer yet, and missing loss/optimizer renderers. */
export class MissingRendererError extends Error {
  constructor(readonly missing: readonly string[]) {
    super(`no WGSL renderer yet for ${missing.join(", ")}; this model cannot be compiled until ${missing.length === 1 ? "it exists" : "they exist"}`);
    this.name = "MissingRendererError";
  }
}

/** What a renderer produced that breaks the kernel contract (a compiler bug, not a user error). */
export class PlanError extends Error {
  constructor(message: string) {
    super(`bug: ${message}`);
    this.name = "PlanError";
  }
}

/** Names renderers that the graph needs but the registry lacks, e.g. "op kind `conv` (conv1 at m.dnn:5)". */
export function missingRenderers(g: IrGraph, r: Renderers, ctx: RenderContext): string[] {
  const seen = new Map<OpKind, IrOp>();
  for (const op of g.ops) if (!r.ops[op.kind] && !seen.has(op.kind)) seen.set(op.kind, op);
  const out = [...seen].map(([kind, op]) => `op kind \`${kind}\` (${op.name} at ${ctx.where(op)})`);
  if (!r.loss) out.push(`the loss (\`${g.loss.loss}\`)`);
  if (!r.optimizer) out.push("the optimizer");
  return out;
}

/** Build the plan; throws MissingRendererError naming every missing renderer at once. */
export function planModel(g: IrGraph, spec: TrainingSpec, ctx: RenderContext, r: Renderers): Plan {
  const missing = missingRenderers(g, r, ctx);
  if (missing.length > 0) throw new MissingRendererError(missing);
  // Cross-op fusions change what the ops involved render (fusion.ts). The forward ones apply to training
  // steps only: evaluation renders those ops unfused, so every layer's output is there to read back.
  const forwardFusions = [...poolForwardFusions(g, ctx).values()];
  const evalCtx: RenderContext = { ...ctx, dzByPool: new Set(poolDzFusions(g, ctx.target).keys()) };
  const fusedCtx: RenderContext = { ...evalCtx, poolByConv: new Map(forwardFusions.map((f) => [f.conv.y, f.pool])) };
  const rendered = new Map<number, OpKernels>(g.ops.map((op) => [op.id, renderOp(r, op, g, fusedCtx)]));
  const of = (op: IrOp) => rendered.get(op.id)!;
  const unfused = new Map<number, OpKernels>(forwardFusions.flatMap((f) => [f.conv, f.pool]).map((op) => [op.id, renderOp(r, op, g, evalCtx)]));
  const evalOf = (op: IrOp) => unfused.get(op.id) ?? of(op);
  const loss = r.loss!(g, fusedCtx);

  const kernels = new Map<string, Kernel>();
  const add = (list: Kernel[], ks: readonly Kernel[]) => {
    for (const k of ks) {
      const prev = kernels.get(k.name);
      if (prev && prev !== k && prev.code !== k.code) throw new PlanError(`two different kernels are named ${k.name}`);
      if (!prev) kernels.set(k.name, k);
      list.push(kernels.get(k.name)!);
    }
  };

  const train: Kernel[] = [];
  for (const op of g.ops) add(train, of(op).forward);
  for (const step of backwardSchedule(g)) {
    if (step.kind === "loss") add(train, loss.kernels);
    else if (step.kind === "params") add(train, of(step.op).params);
    else add(train, of(step.op).input(step.index, step.accumulate));
  }
  add(train, r.optimizer!(g, spec.optimizer, fusedCtx));

  const evaluate: Kernel[] = [];
  for (const op of g.ops) add(evaluate, evalOf(op).forward.filter((k) => !k.trainingOnly));
  add(evaluate, loss.kernels.filter((k) => !k.trainingOnly));

  const aux = [...g.ops.flatMap((op) => of(op).aux), ...loss.aux];
  const slots = stateSlots[spec.optimizer.kind];
  const buffers = planBuffers(g, ctx.batch, slots.length, aux, [...kernels.values()]);
  return { graph: g, spec, ctx: fusedCtx, kernels: [...kernels.values()], train: train.map((k) => k.name), evaluate: evaluate.map((k) => k.name), buffers, optimizerSlots: slots };
}

/**
 * Every buffer some kernel binds, plus the input, labels and metrics the runtime always writes; a
 * buffer a chunked kernel binds in ranges is long enough for its last chunk's range.
 */
export function planBuffers(g: IrGraph, batch: number, slots: number, aux: readonly AuxBuffer[], kernels: readonly Kernel[]): PlannedBuffer[] {
  const auxSize = new Map<string, number>();
  for (const a of aux) auxSize.set(a.name, Math.max(auxSize.get(a.name) ?? 0, a.floats));
  const names = new Set<BufferName>([`act:${g.input}`, "params", "labels", "metrics", "uniforms"]);
  for (const k of kernels) for (const b of k.bindings) names.add(b.buffer);
  const sized = (name: BufferName): PlannedBuffer => {
    const tensorSize = (id: number) => {
      const t = g.tensors[id];
      if (!t) throw new PlanError(`buffer ${name} names no tensor`);
      return batch * t.size;
    };
    const at = name.indexOf(":");
    const head = at < 0 ? name : name.slice(0, at);
    const rest = name.slice(at + 1);
    switch (head) {
      case "act":
        return { name, role: "activation", words: tensorSize(Number(rest)), tensor: Number(rest) };
      case "grad":
        return { name, role: "gradient", words: tensorSize(Number(rest)), tensor: Number(rest) };
      case "aux": {
        const words = auxSize.get(rest);
        if (words === undefined) throw new PlanError(`a kernel binds ${name} but no renderer declared it`);
        return { name, role: "aux", words: Math.max(1, words) };
      }
      case "params":
        return { name, role: "params", words: Math.max(1, g.paramCount) };
      case "grads":
        return { name, role: "grads", words: Math.max(1, g.paramCount) };
      case "opt":
        return { name, role: "optimizer", words: Math.max(1, slots * g.paramCount) };
      case "state":
        return { name, role: "state", words: Math.max(1, g.stateCount) };
      case "labels":
        return { name, role: "labels", words: batch };
      case "metrics":
        return { name, role: "metrics", words: METRICS_WORDS };
      case "uniforms":
        return { name, role: "uniforms", words: UNIFORM_WORDS };
      case "chunks":
        return { name, role: "chunks", words: (maxChunks(kernels) * CHUNK_STRIDE) / 4 };
      default:
        throw new PlanError(`unknown buffer name ${name}`);
    }
  };
  const order: Record<BufferRole, number> = { uniforms: 0, chunks: 1, labels: 2, metrics: 3, params: 4, grads: 5, optimizer: 6, state: 7, activation: 8, gradient: 9, aux: 10 };
  const withRanges = (b: PlannedBuffer): PlannedBuffer => ({ ...b, words: Math.max(b.words, Math.ceil(rangedBytes(kernels, b.name) / 4)) });
  return [...names].map(sized).map(withRanges).sort((a, b) => order[a.role] - order[b.role] || (a.tensor ?? 0) - (b.tensor ?? 0) || a.name.localeCompare(b.name));
}
