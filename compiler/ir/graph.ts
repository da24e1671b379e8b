/**
 * The IR: a model lowered to tensor operations with explicit sizes and layouts.
 *
 * Layout: every tensor is batch-major, one example after another, each example contiguous.
 * Images are C×H×W; sequences (L×C in the language) are stored as C×1×L so 1-D convolution and
 * pooling are the 2-D ones with H = 1; vectors are N. `flatten` is free: its output tensor aliases
 * its input. Parameters live in one flat arena (weights of dense and conv first, the only ones L1/L2
 * decay, then biases and batch-norm scales), non-trainable state (running statistics) in another.
 */
import type { Span } from "../../grammar/ast.js";
import type { ActivationFn, Init } from "../layers/index.js";
import type { PoolMode } from "../layers/pool.js";
import type { Loss } from "../train/spec.js";

export interface IrTensor {
  readonly id: number;
  /** Readable name for generated code: `conv1`, `pool1`, `input`. */
  readonly name: string;
  /** Per-example dimensions in storage order (C,H,W for images and sequences, [N] for vectors). */
  readonly dims: readonly number[];
  /** Scalars per example. */
  readonly size: number;
}

export type ParamRole = "weight" | "bias" | "gamma" | "beta";

export interface IrParam {
  readonly id: number;
  /** `conv1.weight`, `dense2.bias`. */
  readonly name: string;
  readonly role: ParamRole;
  readonly dims: readonly number[];
  readonly size: number;
  /** Offset in the parameter arena (floats). */
  readonly offset: number;
  /** True for dense and conv weights: the ones L1/L2 regularisation acts on. */
  readonly decay: boolean;
  readonly init: Init;
  /** Inputs feeding one output unit (n_in of the seeds' N(0, 1/√n_in)), and outputs per input. */
  readonly fanIn: number;
  readonly fanOut: number;
}

/** Non-trainable state (batch-norm running mean and variance), in its own arena. */
export interface IrState {
  readonly name: string;
  readonly size: number;
  readonly offset: number;
  /** Initial value of every entry. */
  readonly fill: number;
}

interface OpBase {
  readonly id: number;
  /** Unique readable name, used to name kernels: `conv1`, `dense2`, `pool1`. */
  readonly name: string;
  /** The .dnn statement this op comes from. */
  readonly origin: Span;
}

/** Y[n, j] = act(Σ_k X[n, k]·W[k, j] + b[j]); W is K×M row-major (input-major). */
export interface DenseOp extends OpBase {
  readonly kind: "dense";
  readonly x: number;
  readonly y: number;
  readonly weight: number;
  readonly bias: number | undefined;
  readonly activation: ActivationFn;
  readonly slope: number;
  readonly inputs: number;
  readonly outputs: number;
}

/** Geometry of a sliding window over H×W (H = 1 for sequences). */
export interface WindowGeometry {
  readonly channels: number;
  readonly inH: number;
  readonly inW: number;
  readonly outH: number;
  readonly outW: number;
  readonly kernelH: number;
  readonly kernelW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly dilationH: number;
  readonly dilationW: number;
  /** Padding before (top, left); the after side follows from the other numbers. */
  readonly padTop: number;
  readonly padLeft: number;
}

/**
 * Y[n, f, oh, ow] = act(b[f] + Σ_{c,i,j} W[f, c, i, j] · X[n, c, oh·sh − pt + i·dh, ow·sw − pl + j·dw]),
 * reading zero outside X. W is F×C×KH×KW.
 */
export interface ConvOp extends OpBase, WindowGeometry {
  readonly kind: "conv";
  readonly x: number;
  readonly y: number;
  readonly weight: number;
  readonly bias: number | undefined;
  readonly activation: ActivationFn;
  readonly slope: number;
  readonly filters: number;
}

/**
 * Per channel, per window of the valid (non-padding) positions: max; average = mean; l2 = √(mean of
 * squares). Padding never contributes, and a window with no valid position yields 0.
 */
export interface PoolOp extends OpBase, WindowGeometry {
  readonly kind: "pool";
  readonly mode: PoolMode;
  readonly x: number;
  readonly y: number;
}

/**
 * Training: Y = X·mask/(1−p) with mask = counterUniform(seed, step, stream, row·size + i) ≥ p
 * (compiler/ir/hash.ts), recomputed in backward; evaluation: Y = X.
 */
export interface DropoutOp extends OpBase {
  readonly kind: "dropout";
  readonly x: number;
  readonly y: number;
  readonly p: number;
  /** Distinguishes this op's random stream from other dropout ops'. */
  readonly stream: number;
}

/** Y = fn(X) elementwise; softmax acts on each example's whole vector. */
export interface ActivationOp extends OpBase {
  readonly kind: "activation";
  readonly x: number;
  readonly y: number;
  readonly fn: ActivationFn;
  readonly slope: number;
}

/** Per channel c over the batch and spatial positions: Y = act(γ·(X − μ)/√(σ² + ε) + β). */
export interface BatchNormOp extends OpBase {
  readonly kind: "batchnorm";
  readonly x: number;
  readonly y: number;
  readonly gamma: number;
  readonly beta: number;
  /** Offsets of running mean and variance in the state arena. */
  readonly runningMean: number;
  readonly runningVar: number;
  readonly channels: number;
  /** Positions per channel per example (H·W, or 1 for vectors). */
  readonly spatial: number;
  readonly eps: number;
  readonly momentum: number;
  readonly activation: ActivationFn;
  readonly slope: number;
}

/** Y[n, g, s] = max_{t<k} X[n, g·k + t, s] over groups of k channels (units for vectors). */
export interface MaxoutOp extends OpBase {
  readonly kind: "maxout";
  readonly x: number;
  readonly y: number;
  readonly k: number;
  readonly groups: number;
  readonly spatial: number;
}

/** Y = Σ X_i (same shapes). */
export interface AddOp extends OpBase {
  readonly kind: "add";
  readonly xs: readonly number[];
  readonly y: number;
}

/** Per example, Y = X_0 ‖ X_1 ‖ … (channel-major storage makes channel concatenation contiguous). */
export interface ConcatOp extends OpBase {
  readonly kind: "concat";
  readonly xs: readonly number[];
  readonly y: number;
}

export type IrOp = DenseOp | ConvOp | PoolOp | DropoutOp | ActivationOp | BatchNormOp | MaxoutOp | AddOp | ConcatOp;
export type OpKind = IrOp["kind"];

/**
 * The loss on the logits tensor. `fused` names the output activation the loss kernel applies itself
 * (softmax for log-likelihood, sigmoid for cross-entropy); the graph's last op then stops at the
 * pre-activation so the kernel can use the stable gradient a − y.
 */
export interface IrLoss {
  readonly loss: Loss;
  readonly logits: number;
  readonly classes: number;
  readonly fused: "softmax" | "sigmoid" | undefined;
}

export interface IrGraph {
  readonly model: string;
  readonly input: number;
  readonly tensors: readonly IrTensor[];
  readonly params: readonly IrParam[];
  readonly state: readonly IrState[];
  /** Forward ops in execution order. */
  readonly ops: readonly IrOp[];
  readonly loss: IrLoss;
  readonly paramCount: number;
  readonly stateCount: number;
  /** Floats at the start of the arena that L1/L2 act on (all weights of dense and conv). */
  readonly decayedCount: number;
}

/** Tensors an op reads. */
export function opInputs(op: IrOp): readonly number[] {
  return op.kind === "add" || op.kind === "concat" ? op.xs : [op.x];
}
