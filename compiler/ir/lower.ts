/** Lowering: a checked model (plus its loss) → the IR graph of tensor ops. */
import type { CheckedModel, LayerNode } from "../checked.js";
import type { ActivationConfig, BatchNormConfig, ConvConfig, DenseConfig, DropoutConfig, Init, MaxoutConfig, PoolConfig } from "../layers/index.js";
import type { AxisWindow } from "../layers/window.js";
import type { Shape } from "../shape.js";
import type { Loss } from "../train/spec.js";
import type { IrGraph, IrLoss, IrOp, IrParam, IrState, IrTensor, ParamRole, WindowGeometry } from "./graph.js";

/** Floats every parameter tensor's arena offset is a multiple of (one vec4), and the decayed prefix and arena size too. */
export const PARAM_ALIGN = 4;

function alignUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

/** Storage dims: C×H×W for images, C×1×L for sequences, [N] for vectors. */
export function storageDims(s: Shape): number[] {
  return s.kind === "image" ? [s.c, s.h, s.w] : s.kind === "sequence" ? [s.c, 1, s.l] : [s.n];
}

function geometry(channels: number, input: Shape, windows: readonly AxisWindow[]): WindowGeometry {
  const [c, inH, inW] = storageDims(input);
  void c;
  const h: AxisWindow = windows.length === 2 ? windows[0]! : { input: 1, kernel: 1, stride: 1, dilation: 1, before: 0, after: 0, output: 1 };
  const w: AxisWindow = windows[windows.length - 1]!;
  return {
    channels,
    inH: inH!,
    inW: inW!,
    outH: h.output,
    outW: w.output,
    kernelH: h.kernel,
    kernelW: w.kernel,
    strideH: h.stride,
    strideW: w.stride,
    dilationH: h.dilation,
    dilationW: w.dilation,
    padTop: h.before,
    padLeft: w.before,
  };
}

interface ParamRequest {
  readonly name: string;
  readonly role: ParamRole;
  readonly dims: number[];
  readonly init: Init;
  readonly fanIn: number;
  readonly fanOut: number;
}

/** Lower a complete checked model trained with `loss` on `classes` classes. */
export function lowerModel(model: CheckedModel, loss: Loss, classes: number): IrGraph {
  const tensors: IrTensor[] = [];
  const tensorOf = new Map<number, number>();
  const counters = new Map<string, number>();
  const nameFor = (head: string) => {
    const n = (counters.get(head) ?? 0) + 1;
    counters.set(head, n);
    return `${head}${n}`;
  };
  const byNode = (id: number) => model.nodes[id]!;
  // Weights (decayed) are placed before everything else in the arena.
  const weightReqs: { req: ParamRequest; key: string }[] = [];
  const otherReqs: { req: ParamRequest; key: string }[] = [];
  const states: IrState[] = [];
  let stateOffset = 0;
  const ops: ((param: (key: string) => number) => IrOp)[] = [];

  for (const n of model.nodes) {
    if (n.kind === "flatten") {
      tensorOf.set(n.id, tensorOf.get(n.inputs[0]!)!);
      continue;
    }
    const name = n.kind === "input" ? "input" : nameFor(n.head === "leaky_relu" ? "lrelu" : n.head);
    const dims = storageDims(n.shape);
    const tid = tensors.length;
    tensors.push({ id: tid, name, dims, size: dims.reduce((a, b) => a * b, 1) });
    tensorOf.set(n.id, tid);
    if (n.kind === "input") continue;
    const x = tensorOf.get(n.inputs[0]!)!;
    const xs = n.inputs.map((i) => tensorOf.get(i)!);
    const inShape = byNode(n.inputs[0]!).shape;
    const base = { id: ops.length, name, origin: n.span };
    const key = (p: string) => `${name}.${p}`;
    switch (n.kind) {
      case "dense": {
        const c = n.config as DenseConfig;
        const k = tensors[x]!.size;
        weightReqs.push({ key: key("weight"), req: { name: key("weight"), role: "weight", dims: [k, c.units], init: c.init, fanIn: k, fanOut: c.units } });
        if (c.bias) otherReqs.push({ key: key("bias"), req: { name: key("bias"), role: "bias", dims: [c.units], init: { kind: "constant", value: 0 }, fanIn: k, fanOut: c.units } });
        ops.push((param) => ({ ...base, kind: "dense", x, y: tid, weight: param(key("weight")), bias: c.bias ? param(key("bias")) : undefined, activation: c.activation ?? "identity", slope: c.slope, inputs: k, outputs: c.units }));
        break;
      }
      case "conv": {
        const c = n.config as ConvConfig;
        const g = geometry(storageDims(inShape)[0]!, inShape, c.windows);
        const fanIn = g.channels * g.kernelH * g.kernelW;
        weightReqs.push({ key: key("weight"), req: { name: key("weight"), role: "weight", dims: [c.filters, g.channels, g.kernelH, g.kernelW], init: c.init, fanIn, fanOut: c.filters * g.kernelH * g.kernelW } });
        if (c.bias) otherReqs.push({ key: key("bias"), req: { name: key("bias"), role: "bias", dims: [c.filters], init: { kind: "constant", value: 0 }, fanIn, fanOut: c.filters } });
        ops.push((param) => ({ ...base, ...g, kind: "conv", x, y: tid, weight: param(key("weight")), bias: c.bias ? param(key("bias")) : undefined, activation: c.activation ?? "identity", slope: c.slope, filters: c.filters }));
        break;
      }
      case "pool": {
        const c = n.config as PoolConfig;
        const g = geometry(storageDims(inShape)[0]!, inShape, c.windows);
        ops.push(() => ({ ...base, ...g, kind: "pool", mode: c.mode, x, y: tid }));
        break;
      }
      case "dropout": {
        const c = n.config as DropoutConfig;
        const stream = ops.length;
        ops.push(() => ({ ...base, kind: "dropout", x, y: tid, p: c.p, stream }));
        break;
      }
      case "activation": {
        const c = n.config as ActivationConfig;
        ops.push(() => ({ ...base, kind: "activation", x, y: tid, fn: c.fn, slope: c.slope }));
        break;
      }
      case "batchnorm": {
        const c = n.config as BatchNormConfig;
        const d = storageDims(inShape);
        const channels = d[0]!;
        const spatial = tensors[x]!.size / channels;
        otherReqs.push({ key: key("gamma"), req: { name: key("gamma"), role: "gamma", dims: [channels], init: { kind: "constant", value: 1 }, fanIn: 1, fanOut: 1 } });
        otherReqs.push({ key: key("beta"), req: { name: key("beta"), role: "beta", dims: [channels], init: { kind: "constant", value: 0 }, fanIn: 1, fanOut: 1 } });
        const runningMean = stateOffset;
        states.push({ name: key("running_mean"), size: channels, offset: stateOffset, fill: 0 });
        stateOffset += channels;
        const runningVar = stateOffset;
        states.push({ name: key("running_var"), size: channels, offset: stateOffset, fill: 1 });
        stateOffset += channels;
        ops.push((param) => ({ ...base, kind: "batchnorm", x, y: tid, gamma: param(key("gamma")), beta: param(key("beta")), runningMean, runningVar, channels, spatial, eps: c.eps, momentum: c.momentum, activation: c.activation ?? "identity", slope: c.slope }));
        break;
      }
      case "maxout": {
        const c = n.config as MaxoutConfig;
        const channels = storageDims(inShape)[0]!;
        ops.push(() => ({ ...base, kind: "maxout", x, y: tid, k: c.k, groups: channels / c.k, spatial: tensors[x]!.size / channels }));
        break;
      }
      case "add":
        ops.push(() => ({ ...base, kind: "add", xs, y: tid }));
        break;
      case "concat":
        ops.push(() => ({ ...base, kind: "concat", xs, y: tid }));
        break;
    }
  }

  // The parameter arena: weights first (the decayed prefix), then the rest. Every tensor starts at a
  // multiple of PARAM_ALIGN floats (16 bytes), so the optimizer updates whole vec4s that never straddle
  // two tensors; the padding between tensors is zero, never read by a layer, and stays zero (its
  // gradient is 0). The decayed prefix and the arena end are padded to the same multiple.
  const params: IrParam[] = [];
  const paramId = new Map<string, number>();
  let offset = 0;
  let decayedCount = 0;
  for (const { key, req } of [...weightReqs, ...otherReqs]) {
    const size = req.dims.reduce((a, b) => a * b, 1);
    offset = alignUp(offset, PARAM_ALIGN);
    paramId.set(key, params.length);
    params.push({ id: params.length, ...req, size, offset, decay: req.role === "weight" });
    offset += size;
    if (params.length === weightReqs.length) decayedCount = alignUp(offset, PARAM_ALIGN);
  }
  offset = alignUp(offset, PARAM_ALIGN);
  let built = ops.map((make) => make((k) => paramId.get(k)!));

  // Fuse the output activation into the loss where the pair has a stable joint gradient.
  const wanted = loss === "log_likelihood" ? "softmax" : loss === "cross_entropy" ? "sigmoid" : undefined;
  let logits = tensorOf.get(model.output)!;
  let fused: IrLoss["fused"] = undefined;
  const last = built[built.length - 1];
  if (wanted && last && last.y === logits) {
    if (last.kind === "activation" && last.fn === wanted) {
      built = built.slice(0, -1);
      logits = last.x;
      fused = wanted;
    } else if ((last.kind === "dense" || last.kind === "conv" || last.kind === "batchnorm") && last.activation === wanted) {
      built = [...built.slice(0, -1), { ...last, activation: "identity" }];
      fused = wanted;
    }
  }
  // A softmax in a layer's epilogue that the loss does not absorb acts on whole rows, so it becomes
  // its own op after the layer (elementwise epilogues stay fused).
  const split: IrOp[] = [];
  for (const op of built) {
    if ((op.kind === "dense" || op.kind === "conv" || op.kind === "batchnorm") && op.activation === "softmax") {
      const out = tensors[op.y]!;
      const pre = tensors.length;
      tensors.push({ id: pre, name: `${out.name}_pre`, dims: out.dims, size: out.size });
      split.push({ ...op, id: split.length, y: pre, activation: "identity" });
      split.push({ id: split.length, name: `${op.name}_softmax`, origin: op.origin, kind: "activation", x: pre, y: op.y, fn: "softmax", slope: 0 });
    } else split.push({ ...op, id: split.length });
  }
  built = split;
  return {
    model: model.name,
    input: tensorOf.get(model.nodes[0]!.id)!,
    tensors,
    params,
    state: states,
    ops: built,
    loss: { loss, logits, classes, fused },
    paramCount: offset,
    stateCount: stateOffset,
    decayedCount,
  };
}

export type { LayerNode };
