/**
 * `dnnc compile --explain`: what a compiled model runs — each kernel of a training step and of an
 * evaluation batch with the ops it fuses, its dispatch size, FLOPs and bytes moved, and the buffers.
 * Data only; the CLI renders it as tables.
 */
import type { Manifest, ManifestKernel } from "../runtime/engine/manifest.js";

export interface KernelLine {
  readonly index: number;
  readonly name: string;
  readonly phase: ManifestKernel["phase"];
  readonly fuses: readonly string[];
  readonly workgroups: readonly [number, number, number];
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

export interface Explanation {
  readonly model: string;
  readonly source: string;
  readonly target: "cpu" | "gpu";
  readonly batch: number;
  readonly train: SequenceExplanation;
  readonly evaluate: SequenceExplanation;
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
      storageBindings: k.bindings.filter((b) => b.access !== "uniform").length,
      flops: k.flops,
      bytes: k.bytes,
      origin: k.origin,
    };
  });
  return { kernels, flops: kernels.reduce((s, k) => s + k.flops, 0), bytes: kernels.reduce((s, k) => s + k.bytes, 0) };
}

/** Explain a manifest. */
export function explain(m: Manifest): Explanation {
  const memory: Record<string, number> = {};
  for (const b of m.buffers) memory[b.role] = (memory[b.role] ?? 0) + b.words * 4;
  return {
    model: m.model,
    source: m.source.path,
    target: m.compiler.target,
    batch: m.batch,
    train: sequence(m, m.steps.train),
    evaluate: sequence(m, m.steps.evaluate),
    memory,
    totalBytes: Object.values(memory).reduce((a, b) => a + b, 0),
    buffers: m.buffers.length,
  };
}
