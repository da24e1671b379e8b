/**
 * The compiled model as the runtime sees it: buffers, kernels in step order, parameters with their
 * initialisers, and the training settings. `dnnc compile` writes it as manifest.json next to one
 * .wgsl file per kernel; `dnnc train` builds the same value in memory. Plain JSON data, so the
 * runtime never needs the compiler to read it.
 */

import { RuntimeFailure } from '../errors.js';

/** A manifest that this runtime cannot run (wrong version, dangling names). */
export class ManifestError extends RuntimeFailure {
  readonly code = 'manifest';
}

/** Bump when a field changes meaning; readers reject other versions. */
export const MANIFEST_VERSION = 2;

/** Words (4 bytes) in the `metrics` buffer: loss sum, correct count, examples (all f32), padding. */
export const METRICS_WORDS = 4;

/** Bytes of the StepUniforms uniform buffer. */
export const UNIFORM_BYTES = 48;

/** What a buffer holds. */
export type BufferRole = 'activation' | 'gradient' | 'params' | 'grads' | 'optimizer' | 'state' | 'labels' | 'metrics' | 'aux' | 'uniforms' | 'chunks';

/** One GPU buffer, named as kernels bind it (`act:3`, `params`, `aux:pool1_argmax`). */
export interface ManifestBuffer {
  readonly name: string;
  readonly role: BufferRole;
  /** Size in 4-byte words (f32 or u32); at least 1. */
  readonly words: number;
  /** The IR tensor an `act:`/`grad:` buffer holds, by name, and its per-example dims. */
  readonly tensor?: string;
  readonly dims?: readonly number[];
}

/**
 * Part of a buffer bound as a uniform buffer: `size` bytes from an offset, the same for every
 * dispatch (one offset) or one per chunk of a chunked kernel (dispatch j binds bytes
 * [offsets[j], offsets[j] + size)). Offsets are multiples of CHUNK_STRIDE (bind.ts), sizes at most
 * the device's uniform binding size.
 */
export interface BindingRange {
  readonly size: number;
  readonly offsets: readonly number[];
}

/** A kernel binding: group 0, binding i. */
export interface ManifestBinding {
  readonly buffer: string;
  readonly access: 'read' | 'read_write' | 'uniform';
  /** Only this part of the buffer, as a uniform buffer (access "uniform"). */
  readonly range?: BindingRange;
}

export type Phase = 'forward' | 'loss' | 'backward' | 'update';

/** One compute kernel; its WGSL lives in `file` (relative to the manifest). */
export interface ManifestKernel {
  /** Unique, readable: `conv1_forward`, `dense2_grad_weight`, `update_adam`. */
  readonly name: string;
  readonly file: string;
  readonly phase: Phase;
  /** Binding i of group 0 is bindings[i]. */
  readonly bindings: readonly ManifestBinding[];
  /** Workgroups to dispatch for the compiled batch size (per chunk, for a chunked kernel). */
  readonly workgroups: readonly [number, number, number];
  /**
   * Dispatched this many times in a row (absent: once), dispatch j binding each range at its j-th
   * offset: CPU kernels that read the batch in chunks small enough to bind as uniform buffers.
   */
  readonly chunks?: number;
  /** Runs in training steps only (backward, update, and forward work that differs in training is handled by a uniform, not here). */
  readonly trainingOnly: boolean;
  /** Floating-point operations and bytes moved per dispatch, for `dnnc compile --explain`. */
  readonly flops: number;
  readonly bytes: number;
  /** The IR ops this kernel fuses (by name) and the .dnn location they come from (`model.dnn:5`). */
  readonly fuses: readonly string[];
  readonly origin: string;
}

/** Weight initialisers (see runtime/engine/init.ts). */
export type InitSpec =
  | { readonly kind: 'scaled_normal' | 'standard_normal' | 'glorot' | 'he' }
  | { readonly kind: 'constant'; readonly value: number };

/** One parameter tensor: a slice of the `params` arena. */
export interface ManifestParam {
  readonly name: string;
  readonly role: 'weight' | 'bias' | 'gamma' | 'beta';
  readonly dims: readonly number[];
  readonly offset: number;
  readonly size: number;
  readonly init: InitSpec;
  readonly fanIn: number;
  readonly fanOut: number;
  /** Acted on by L1/L2 regularisation. */
  readonly decay: boolean;
}

/** Non-trainable state (batch-norm running statistics): a slice of the `state` arena. */
export interface ManifestState {
  readonly name: string;
  readonly offset: number;
  readonly size: number;
  readonly fill: number;
}

/** Where examples come from; paths are as `dnnc` resolved them (relative to where it ran). */
export type DataConfig =
  | { readonly kind: 'mnist' | 'fashion_mnist' }
  | {
      readonly kind: 'idx' | 'npy';
      readonly images: string;
      readonly labels: string;
      readonly testImages?: string | undefined;
      readonly testLabels?: string | undefined;
      readonly classes: number;
    }
  | { readonly kind: 'csv'; readonly train: string; readonly test?: string | undefined; readonly classes: number };

/** Metric names a schedule or early stop can watch. */
export type MetricName = 'val_accuracy' | 'val_loss' | 'train_accuracy' | 'train_loss';

/** The optimizer and its hyper-parameters (semantics: compiler/ir/optimizer.ts). */
export type OptimizerConfig =
  | { readonly kind: 'sgd'; readonly lr: number }
  | { readonly kind: 'momentum' | 'nesterov'; readonly lr: number; readonly momentum: number }
  | { readonly kind: 'adagrad'; readonly lr: number; readonly eps: number }
  | { readonly kind: 'adadelta' | 'rmsprop'; readonly lr: number; readonly rho: number; readonly eps: number }
  | { readonly kind: 'adam'; readonly lr: number; readonly beta1: number; readonly beta2: number; readonly eps: number };

/** How η changes per epoch. */
export type ScheduleConfig =
  | { readonly kind: 'constant' }
  | { readonly kind: 'step'; readonly everyEpochs: number; readonly factor: number }
  | { readonly kind: 'exponential'; readonly gamma: number }
  | { readonly kind: 'cosine'; readonly minFactor: number }
  | { readonly kind: 'plateau'; readonly patience: number; readonly factor: number; readonly minFactor: number; readonly metric: MetricName };

/** Training-set augmentation. */
export type AugmentConfig =
  | { readonly kind: 'shift'; readonly pixels: number }
  | { readonly kind: 'rotate'; readonly degrees: number }
  | { readonly kind: 'skew'; readonly amount: number }
  | { readonly kind: 'elastic'; readonly alpha: number; readonly sigma: number };

/** The `train` block of the .dnn file, as data. */
export interface TrainingConfig {
  readonly data: DataConfig;
  /** Held-out examples: a count, or a fraction < 1. */
  readonly validation: number;
  readonly loss: 'quadratic' | 'cross_entropy' | 'log_likelihood';
  readonly optimizer: OptimizerConfig;
  readonly schedule: ScheduleConfig;
  readonly warmupEpochs: number;
  /** λ as in the seeds (divided by the training-set size n at run time). */
  readonly l1: number;
  readonly l2: number;
  readonly batch: number;
  readonly epochs: number;
  readonly earlyStop?: { readonly patience: number; readonly metric: MetricName } | undefined;
  readonly augment: readonly AugmentConfig[];
  readonly ensemble?: { readonly members: number; readonly vote: 'majority' | 'average' } | undefined;
  readonly seed: number;
}

/** The compiler's two kernel strategies: llvmpipe-shaped register tiles ('cpu') or workgroup tiles ('gpu'). */
export type KernelTarget = 'cpu' | 'gpu';

/** Everything the engine and the training loop need to run a compiled model. */
export interface Manifest {
  readonly format: 'dnnc-manifest';
  readonly version: number;
  readonly model: string;
  /** The .dnn file and the SHA-256 of its text (and its imports'), hex. */
  readonly source: { readonly path: string; readonly sha256: string };
  readonly compiler: { readonly version: string; readonly target: KernelTarget };
  /** Rows every kernel is compiled for; evaluation's last batch uses fewer. */
  readonly batch: number;
  /** The input tensor: the runtime writes batch × size floats to `buffer` each step. */
  readonly input: { readonly buffer: string; readonly dims: readonly number[]; readonly size: number };
  /** The tensor the loss reads, and the activation the loss fuses (applied on the CPU for probabilities). */
  readonly output: { readonly buffer: string; readonly classes: number; readonly activation: 'softmax' | 'sigmoid' | 'none' };
  readonly paramCount: number;
  readonly stateCount: number;
  readonly decayedCount: number;
  readonly params: readonly ManifestParam[];
  readonly state: readonly ManifestState[];
  /** Optimizer state arrays, each paramCount floats, back to back in the `opt` buffer. */
  readonly optimizerSlots: readonly string[];
  readonly buffers: readonly ManifestBuffer[];
  readonly kernels: readonly ManifestKernel[];
  /** Kernel names in dispatch order: a training step, and an evaluation batch. */
  readonly steps: { readonly train: readonly string[]; readonly evaluate: readonly string[] };
  readonly training: TrainingConfig;
}

/** A manifest and the WGSL of each of its kernels, by kernel name. */
export interface CompiledModel {
  readonly manifest: Manifest;
  readonly code: ReadonlyMap<string, string>;
}

/** Checks that `value` is a manifest this runtime understands; DataFormatError otherwise. */
export function checkManifest(value: unknown, where = 'manifest.json'): Manifest {
  const m = value as Partial<Manifest> | null;
  if (typeof m !== 'object' || m === null || m.format !== 'dnnc-manifest') {
    throw new ManifestError(`${where} is not a dnnc manifest`);
  }
  if (m.version !== MANIFEST_VERSION) {
    throw new ManifestError(`${where} has manifest version ${String(m.version)}; this runtime reads version ${MANIFEST_VERSION} (recompile with \`dnnc compile\`)`);
  }
  const buffers = new Set((m.buffers ?? []).map((b) => b.name));
  const kernels = new Map((m.kernels ?? []).map((k) => [k.name, k]));
  for (const k of kernels.values()) {
    for (const b of k.bindings) {
      if (!buffers.has(b.buffer)) throw new ManifestError(`${where}: kernel ${k.name} binds unknown buffer ${b.buffer}`);
      const n = b.range?.offsets.length;
      if (n !== undefined && n !== 1 && n !== (k.chunks ?? 1)) throw new ManifestError(`${where}: kernel ${k.name} binds ${b.buffer} at ${n} offsets for ${k.chunks ?? 1} dispatches`);
    }
  }
  for (const name of [...(m.steps?.train ?? []), ...(m.steps?.evaluate ?? [])]) {
    if (!kernels.has(name)) throw new ManifestError(`${where}: step names unknown kernel ${name}`);
  }
  return m as Manifest;
}
