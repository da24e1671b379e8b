/** The manifest: the plan as JSON data the runtime can run without the compiler. */
import type { Manifest, ManifestKernel, TrainingConfig } from "../../runtime/engine/manifest.js";
import { MANIFEST_VERSION } from "../../runtime/engine/manifest.js";
import type { TrainingSpec } from "../train/spec.js";
import type { Plan } from "../schedule/plan.js";

export type { Manifest };

/** File name of a kernel's WGSL, relative to the manifest. */
export function kernelFile(name: string): string {
  return `kernels/${name}.wgsl`;
}

/** The training spec as runtime data: no spans, no sweep (a sweep is several runs). */
export function trainingConfig(spec: TrainingSpec): TrainingConfig {
  return {
    data: spec.data,
    validation: spec.validation,
    loss: spec.loss,
    optimizer: spec.optimizer,
    schedule: spec.schedule,
    warmupEpochs: spec.warmupEpochs,
    l1: spec.l1,
    l2: spec.l2,
    batch: spec.batch,
    epochs: spec.epochs,
    earlyStop: spec.earlyStop,
    augment: spec.augment,
    ensemble: spec.ensemble,
    seed: spec.seed,
  };
}

/** Describe a plan for the runtime. */
export function buildManifest(plan: Plan, source: { path: string; sha256: string }, version: string): Manifest {
  const g = plan.graph;
  const kernels: ManifestKernel[] = plan.kernels.map((k) => ({
    name: k.name,
    file: kernelFile(k.name),
    phase: k.phase,
    bindings: k.bindings.map((b) => ({ buffer: b.buffer, access: b.access, ...(b.range ? { range: b.range } : {}) })),
    workgroups: k.workgroups,
    ...(k.chunks !== undefined ? { chunks: k.chunks } : {}),
    trainingOnly: k.trainingOnly,
    flops: k.flops,
    bytes: k.bytes,
    fuses: k.fuses,
    origin: k.origin,
  }));
  const input = g.tensors[g.input]!;
  return {
    format: "dnnc-manifest",
    version: MANIFEST_VERSION,
    model: g.model,
    source,
    compiler: { version, target: plan.ctx.target },
    batch: plan.ctx.batch,
    input: { buffer: `act:${g.input}`, dims: input.dims, size: input.size },
    output: { buffer: `act:${g.loss.logits}`, classes: g.loss.classes, activation: g.loss.fused ?? "none" },
    paramCount: g.paramCount,
    stateCount: g.stateCount,
    decayedCount: g.decayedCount,
    params: g.params.map((p) => ({ name: p.name, role: p.role, dims: p.dims, offset: p.offset, size: p.size, init: p.init, fanIn: p.fanIn, fanOut: p.fanOut, decay: p.decay })),
    state: g.state.map((s) => ({ name: s.name, offset: s.offset, size: s.size, fill: s.fill })),
    optimizerSlots: plan.optimizerSlots,
    buffers: plan.buffers.map((b) => {
      const t = b.tensor === undefined ? undefined : g.tensors[b.tensor];
      return { name: b.name, role: b.role, words: b.words, ...(t ? { tensor: t.name, dims: t.dims } : {}) };
    }),
    kernels,
    steps: { train: plan.train, evaluate: plan.evaluate },
    training: trainingConfig(plan.spec),
  };
}
