/** Layers without weights whose rules fit in a few lines: flatten, dropout, activations, maxout. */
import { type ActivationFn, type LayerDef, activationFlops, fromValue, noParams } from "./common.js";
import { int, num } from "../check/values.js";
import { get } from "../check/args.js";
import { channels, describeShape, shapeSize, withSpatial, spatial } from "../shape.js";
import { msg } from "../messages.js";

/** `flatten`: C×H×W or L×C into one vector (row-major, channels outermost). */
export const flatten: LayerDef<Record<string, never>> = {
  kind: "flatten",
  doc: "reshape an image or sequence into one vector (C, then H, then W)",
  arity: "one",
  args: { positional: [], options: { from: fromValue }, flags: {}, example: "flatten" },
  config: () => ({}),
  infer(config, [input], ctx) {
    if (input!.kind === "vector") ctx.report(msg.noEffect(ctx.span, `\`flatten\` has no effect: its input is already ${describeShape(input!)}`, "remove this line"));
    return { shape: { kind: "vector", n: shapeSize(input!) }, config };
  },
  params: () => noParams,
  flops: () => 0,
};

export interface DropoutConfig {
  readonly p: number;
}

/** `dropout P`: during training zero each unit with probability P and scale the rest by 1/(1−P). */
export const dropout: LayerDef<DropoutConfig> = {
  kind: "dropout",
  doc: "during training, drop each unit with probability P (inverted dropout: survivors scaled by 1/(1−P)); identity at test time",
  arity: "one",
  args: { positional: [{ key: "p", type: num({ min: 0, max: 1, maxExclusive: true }), required: true, label: "P" }], options: { from: fromValue }, flags: {}, example: "dropout 0.5" },
  config(m) {
    const p = get<number>(m, "p");
    return p === undefined ? undefined : { p };
  },
  infer(config, [input], ctx) {
    if (config.p === 0) ctx.report(msg.noEffect(ctx.span, "`dropout 0` drops nothing", "remove this line or choose P > 0"));
    return { shape: input!, config };
  },
  params: () => noParams,
  flops: (_c, _i, output) => shapeSize(output),
};

export interface ActivationConfig {
  readonly fn: ActivationFn;
  readonly slope: number;
}

/** The standalone activation statements (`relu`, `softmax`, `leaky_relu 0.1`, …) share one kind. */
export function activationLayer(fn: ActivationFn): LayerDef<ActivationConfig> {
  const takesSlope = fn === "leaky_relu";
  return {
    kind: "activation",
    doc: activationDocs[fn],
    arity: "one",
    args: {
      positional: takesSlope ? [{ key: "slope", type: num({ min: 0 }), required: false, label: "SLOPE" }] : [],
      options: { from: fromValue },
      flags: {},
      example: takesSlope ? "leaky_relu 0.01" : fn,
    },
    config: (m) => ({ fn, slope: get<number>(m, "slope") ?? 0.01 }),
    infer(config, [input], ctx) {
      if (fn === "softmax" && input!.kind !== "vector") {
        ctx.report(msg.wrongRank(ctx.span, "softmax", "a vector", describeShape(input!), ctx.producer, "add `flatten` and a `dense` layer with one unit per class first"));
        return undefined;
      }
      if (fn === "identity" && !ctx.named) ctx.report(msg.noEffect(ctx.span, "`identity` passes its input through unchanged", "useful only to name a value, e.g. `skip = identity`"));
      return { shape: input!, config };
    },
    params: () => noParams,
    flops: (c, _i, output) => activationFlops(c.fn, shapeSize(output)),
  };
}

const activationDocs: Record<ActivationFn, string> = {
  sigmoid: "σ(z) = 1 / (1 + e^−z)",
  tanh: "tanh(z)",
  relu: "max(0, z)",
  leaky_relu: "z if z > 0, else slope·z (slope 0.01 unless given)",
  softmax: "e^z_j / Σ_k e^z_k over a vector",
  identity: "z, unchanged (useful to name a value)",
};

export interface MaxoutConfig {
  readonly k: number;
}

/** `maxout K`: the maximum over each group of K consecutive units (or channels). */
export const maxout: LayerDef<MaxoutConfig> = {
  kind: "maxout",
  doc: "maximum over groups of K consecutive units (vectors) or channels (images, sequences)",
  arity: "one",
  args: { positional: [{ key: "k", type: int(2), required: true, label: "K" }], options: { from: fromValue }, flags: {}, example: "maxout 2" },
  config(m) {
    const k = get<number>(m, "k");
    return k === undefined ? undefined : { k };
  },
  infer(config, [input], ctx) {
    const c = channels(input!);
    if (c % config.k !== 0) {
      ctx.report(msg.notDivisible(ctx.span, `\`maxout ${config.k}\` groups the ${input!.kind === "vector" ? "units" : "channels"} of ${describeShape(input!)}`, c, config.k));
      return undefined;
    }
    return { shape: withSpatial(input!, c / config.k, spatial(input!)), config };
  },
  params: () => noParams,
  flops: (c, _i, output) => shapeSize(output) * (c.k - 1),
};
