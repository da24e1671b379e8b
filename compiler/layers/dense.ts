/** `dense N [activation] [init …] [bias on|off]`: a fully connected layer on a vector. */
import { type ActivationFn, type Init, type LayerDef, activationFlag, activationFlops, checkSlope, initValue, fromValue } from "./common.js";
import { int, onOff, num } from "../check/values.js";
import { get } from "../check/args.js";
import { describeShape, shapeSize } from "../shape.js";
import { msg } from "../messages.js";

export interface DenseConfig {
  readonly units: number;
  readonly activation: ActivationFn | undefined;
  readonly slope: number;
  readonly bias: boolean;
  readonly init: Init;
}

export const dense: LayerDef<DenseConfig> = {
  kind: "dense",
  doc: "fully connected layer: every output unit sees every input unit",
  arity: "one",
  args: {
    positional: [{ key: "units", type: int(1), required: true, units: ["units", "neurons"], label: "UNITS" }],
    options: { init: initValue, bias: onOff, slope: num({ min: 0 }), from: fromValue },
    flags: { activation: activationFlag },
    example: "dense 100 relu",
  },
  config(m, _head, report) {
    checkSlope(m, report);
    const units = get<number>(m, "units");
    if (units === undefined) return undefined;
    return {
      units,
      activation: get<ActivationFn>(m, "activation"),
      slope: get<number>(m, "slope") ?? 0.01,
      bias: get<boolean>(m, "bias") ?? true,
      init: get<Init>(m, "init") ?? { kind: "scaled_normal" },
    };
  },
  infer(config, [input], ctx) {
    if (input!.kind !== "vector") {
      ctx.report(msg.wrongRank(ctx.span, "dense", "a vector", describeShape(input!), ctx.producer, "add `flatten` before this layer"));
      return undefined;
    }
    return { shape: { kind: "vector", n: config.units }, config };
  },
  params(config, [input]) {
    const n = shapeSize(input!);
    return { weights: n * config.units, biases: config.bias ? config.units : 0, nonTrainable: 0 };
  },
  flops(config, [input], output) {
    return 2 * shapeSize(input!) * config.units + (config.bias ? config.units : 0) + activationFlops(config.activation, shapeSize(output));
  },
};
