/** `batchnorm [momentum M] [eps E] [activation]`: normalise each channel (or unit) over the mini-batch. */
import { type ActivationFn, type LayerDef, activationFlag, activationFlops, checkSlope, fromValue } from "./common.js";
import { num } from "../check/values.js";
import { get } from "../check/args.js";
import { channels, describeShape, shapeSize } from "../shape.js";
import { msg } from "../messages.js";

export interface BatchNormConfig {
  readonly momentum: number;
  readonly eps: number;
  readonly activation: ActivationFn | undefined;
  readonly slope: number;
}

export const batchnorm: LayerDef<BatchNormConfig> = {
  kind: "batchnorm",
  doc: "batch normalisation per channel (images, sequences) or unit (vectors), with learned scale γ and shift β; running averages for test time",
  arity: "one",
  args: {
    positional: [],
    options: { momentum: num({ min: 0, max: 1, maxExclusive: true }), eps: num({ min: 0, minExclusive: true }), slope: num({ min: 0 }), from: fromValue },
    flags: { activation: activationFlag },
    example: "batchnorm relu",
  },
  config: (m, _head, report) => {
    checkSlope(m, report);
    return {
    momentum: get<number>(m, "momentum") ?? 0.9,
    eps: get<number>(m, "eps") ?? 1e-5,
    activation: get<ActivationFn>(m, "activation"),
    slope: get<number>(m, "slope") ?? 0.01,
    };
  },
  infer(config, [input], ctx) {
    if (config.activation === "softmax" && input!.kind !== "vector") {
      ctx.report(msg.wrongRank(ctx.span, "softmax", "a vector", describeShape(input!), ctx.producer, "softmax normalises a vector of class scores: use it on a `dense` layer after `flatten`"));
      return undefined;
    }
    return { shape: input!, config };
  },
  params: (_c, [input]) => ({ weights: channels(input!), biases: channels(input!), nonTrainable: 2 * channels(input!) }),
  flops: (c, _i, output) => 2 * shapeSize(output) + activationFlops(c.activation, shapeSize(output)),
};
