/**
 * `dnnc compile --explain`: what a compiled model runs — each kernel of a training step and of an
 * evaluation batch with the ops it fuses, its dispatch size, FLOPs and bytes moved, the path each
 * pass of a convolution takes and why, and the buffers. Data only; the CLI renders it as tables.
 */
import type { Manifest, ManifestKernel, KernelTarget } from "../runtime/engine/manifest.js";
import { backwardSchedule } from "./ir/autodiff.js";
import type { Plan } from "./schedule/plan.js";
import { convPlan, type ConvPlan } from "./wgsl/conv.js";

export interface KernelLine {
  readonly index: number;
  readonly name: string;
  readonly phase: ManifestKernel["phase"];
  readonly fuses: readonly string[];
  readonly workgroups: readonly [number, number, number];
  /** Dispatches (chunks of the batch), 1 for most kernels. */
  readonly chunks: number;
  readonly storageBindings: number;
  readonly flops: number;
  readonly bytes: number;
  readonly origin: string;
}

export interface SequenceExplanation {
  readonly kernels: readonly KernelLine[];
  readonly flops: number;
  readonly bytes: number;
}

/** One pass of one conv layer in a training step: the path convPlan chose for it and its reason. */
export interface ConvPathLine {
  readonly layer: string;
  readonly pass: keyof ConvPlan;
  readonly path: string;
  readonly reason: string;
}

export interface Explanation {
  readonly model: string;
  readonly source: string;
  readonly target: KernelTarget;
  readonly batch: number;
  readonly train: SequenceExplanation;
  readonly evaluate: SequenceExplanation;
  /** Each pass of each conv layer that the training step runs, in graph order. */
  readonly convolutions: readonly ConvPathLine[];
  /** Bytes of GPU memory by buffer role, and in all. */
  readonly memory: Readonly<Record<string, number>>;
  readonly totalBytes: number;
  readonly buffers: number;
}

function sequence(m: Manifest, names: readonly string[]): SequenceExplanation {
  const byName = new Map(m.kernels.map((k) => [k.name, k]));
  const kernels = names.map((name, i): KernelLine => {
    const k = byName.get(name)!;
    return {
      index: i + 1,
      name,
      phase: k.phase,
      fuses: k.fuses,
      workgroups: k.workgroups,
      chunks: k.chunks ?? 1,
      storageBindings: k.bindings.filter((b) => b.access !== "uniform").length,
      flops: k.flops,
      bytes: k.bytes,
      origin: k.origin,
    };
  });
  return { kernels, flops: kernels.reduce((s, k) => s + k.flops, 0), bytes: kernels.reduce((s, k) => s + k.bytes, 0) };
}

/**
 * convPlan of each conv op, asked with the op and the render context the renderers got (the plan's), so
 * it names the paths renderConv rendered; passes the training step does not run (dX of a layer reading
 * the network input) are left out.
 */
export function convPaths(plan: Pick<Plan, "graph" | "ctx">): ConvPathLine[] {
  const steps = backwardSchedule(plan.graph);
  const runs = (pass: keyof ConvPlan, id: number) => pass === "forward" || steps.some((s) => s.kind === pass && s.op.id === id);
  return plan.graph.ops.flatMap((op) => {
    if (op.kind !== "conv") return [];
    const p = convPlan(op, plan.ctx);
    return (["forward", "params", "input"] as const).filter((pass) => runs(pass, op.id)).map((pass) => ({ layer: op.name, pass, path: p[pass].path, reason: p[pass].reason }));
  });
}

/** Explain a manifest and the plan it was built from. */
export function explain(m: Manifest, plan: Pick<Plan, "graph" | "ctx">): Explanation {
  const memory: Record<string, number> = {};
  for (const b of m.buffers) memory[b.role] = (memory[b.role] ?? 0) + b.words * 4;
  return {
    model: m.model,
    source: m.source.path,
    target: m.compiler.target,
    batch: m.batch,
    train: sequence(m, m.steps.train),
    evaluate: sequence(m, m.steps.evaluate),
    convolutions: convPaths(plan),
    memory,
    totalBytes: Object.values(memory).reduce((a, b) => a + b, 0),
    buffers: m.buffers.length,
  };
}
