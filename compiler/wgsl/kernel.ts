/**
 * What a kernel renderer produces: a complete WGSL module plus everything the runtime needs to bind
 * and dispatch it. The runtime never interprets WGSL; it binds buffers by name, in order, to group 0.
 */
import type { ManifestBinding, ManifestKernel, KernelTarget } from "../../runtime/engine/manifest.js";

/**
 * Buffers a kernel can bind, by name:
 *   `act:<tensor id>`  forward values of a tensor, batch × size floats
 *   `grad:<tensor id>` dLoss/d(tensor), batch × size floats
 *   `params`           the parameter arena;  `grads` its gradient (same size)
 *   `opt`              optimizer state: one arena-sized array per slot, back to back
 *   `state`            non-trainable state (batch-norm running statistics)
 *   `labels`           u32 class index per example (batch)
 *   `metrics`          running sums read back at log intervals: [loss sum, correct count, examples]
 *   `aux:<name>`       scratch a kernel family declares (pool argmax, batch-norm statistics, split-K partials)
 *   `uniforms`         the StepUniforms struct below (a uniform buffer, not storage)
 *   `chunks`           the chunk index j of a chunked kernel's dispatch j, as a u32 at byte CHUNK_STRIDE · j
 *                      (the runtime fills it once; a kernel binds it through a range)
 */
export type BufferName = `act:${number}` | `grad:${number}` | "params" | "grads" | "opt" | "state" | "labels" | "metrics" | `aux:${string}` | "uniforms" | "chunks";

export { CHUNK_STRIDE } from "../../runtime/engine/bind.js";
export type { BindingRange, Phase } from "../../runtime/engine/manifest.js";

/** A manifest binding naming its buffer as kernels do. */
export interface Binding extends ManifestBinding {
  readonly buffer: BufferName;
}

/** A manifest kernel with its WGSL (a complete module with one compute entry point `main`) in place of the file name. */
export interface Kernel extends Omit<ManifestKernel, "file" | "bindings"> {
  readonly code: string;
  readonly bindings: readonly Binding[];
}

/** Scratch buffers a kernel family needs, in floats (u32 data is stored in f32-sized slots). */
export interface AuxBuffer {
  readonly name: string;
  readonly floats: number;
}

/** Per-step values (one writeBuffer per step); the runtime owns their byte layout. */
export type { StepValues as StepUniforms } from "../../runtime/engine/uniforms.js";
export { packUniforms as packStepUniforms } from "../../runtime/engine/uniforms.js";

/** The WGSL declaration matching StepUniforms; field order is the byte layout (4 bytes each). */
export const wgslStepUniforms = `struct StepUniforms {
  step: u32,
  seed: u32,
  rows: u32,
  training: u32,
  lr: f32,
  l1: f32,
  l2: f32,
  bias1: f32,
  bias2: f32,
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}`;

/** Options every renderer receives. */
export interface RenderContext {
  /** Compiled (maximum) batch size. */
  readonly batch: number;
  /** Kernel strategy: barrier-free register-blocked tiles for CPU adapters, workgroup tiles for GPUs. */
  readonly target: KernelTarget;
  /** The adapter's limits the renderer must respect. */
  readonly maxWorkgroupSize: number;
  readonly maxWorkgroupsPerDimension: number;
  /** Largest uniform buffer binding, bytes (maxUniformBufferBindingSize). */
  readonly maxUniformBytes: number;
  /**
   * Conv output tensors whose dZ the max pool reading them writes in its backward scatter (chosen by
   * compiler/schedule/fusion.ts): that conv renders no `<conv>_grad_activation` kernel, and the pool
   * writes `aux:<conv>_dz` instead of the conv output's gradient.
   */
  readonly dzByPool?: ReadonlySet<number>;
  /**
   * Conv output tensors whose direct forward also computes the tiling max pool reading them, with
   * that pool (chosen by poolForwardFusions in compiler/schedule/fusion.ts; training steps only): the
   * conv's forward writes the pool's output and argmax instead of its own, and the pool renders no
   * forward kernel.
   */
  readonly poolByConv?: ReadonlyMap<number, import("../ir/graph.js").PoolOp>;
  /** `file.dnn:line` for an IR op's origin. */
  where(op: { readonly origin: import("../../grammar/ast.js").Span }): string;
}

/**
 * Kernels of one IR op, for each place the schedule needs them. A renderer for op kind K lives in
 * compiler/wgsl/<family>.ts and has the signature `(op, graph, ctx) => OpKernels`.
 */
export interface OpKernels {
  /** Forward pass (reads `uniforms.training` where training and evaluation differ). */
  readonly forward: readonly Kernel[];
  /** Parameter gradients into `grads` (empty for ops without parameters). */
  readonly params: readonly Kernel[];
  /** dLoss/d(input `index`); with `accumulate` the kernel adds to `grad:<input>` instead of overwriting. */
  input(index: number, accumulate: boolean): readonly Kernel[];
  /** Scratch buffers these kernels bind as `aux:<name>`. */
  readonly aux: readonly AuxBuffer[];
}
