/** `conv N filters KxK [stride S] [padding P] [dilation D] [bias on|off] [init I] [activation]`: 2-D on images, 1-D on sequences. */
import { type ActivationFn, type Init, type LayerDef, activationFlag, activationFlops, checkSlope, initValue, fromValue } from "./common.js";
import { int, num, onOff, size } from "../check/values.js";
import { get } from "../check/args.js";
import { channels, describeShape, shapeSize, withSpatial } from "../shape.js";
import { msg } from "../messages.js";
import { paddingValue, type PaddingArg } from "./padding.js";
import { resolveWindows } from "./geometry.js";
import type { AxisWindow } from "./window.js";
import type { Span } from "../../grammar/ast.js";

export interface ConvConfig {
  readonly filters: number;
  readonly kernel: readonly number[];
  readonly stride: readonly number[] | undefined;
  readonly dilation: readonly number[] | undefined;
  readonly padding: PaddingArg;
  readonly bias: boolean;
  readonly init: Init;
  readonly activation: ActivationFn | undefined;
  readonly slope: number;
  readonly kernelSpan: Span;
  readonly paddingSpan: Span | undefined;
  /** Filled in by shape inference: one window per spatial axis. */
  readonly windows: readonly AxisWindow[];
}

export const conv: LayerDef<ConvConfig> = {
  kind: "conv",
  doc: "convolution: N filters slid over an image (2-D) or a sequence (1-D), weights shared across positions",
  arity: "one",
  args: {
    positional: [
      { key: "filters", type: int(1), required: true, units: ["filters", "maps"], label: "FILTERS" },
      { key: "kernel", type: size(1), required: true, label: "KERNEL" },
    ],
    options: { stride: size(1), padding: paddingValue, dilation: size(1), bias: onOff, init: initValue, slope: num({ min: 0 }), from: fromValue },
    flags: { activation: activationFlag },
    example: "conv 20 filters 5x5 stride 1 padding valid relu",
  },
  config(m, _head, report) {
    checkSlope(m, report);
    const filters = get<number>(m, "filters");
    const kernel = get<number[]>(m, "kernel");
    if (filters === undefined || kernel === undefined) return undefined;
    return {
      filters,
      kernel,
      stride: get<number[]>(m, "stride"),
      dilation: get<number[]>(m, "dilation"),
      padding: get<PaddingArg>(m, "padding") ?? { mode: "valid" },
      bias: get<boolean>(m, "bias") ?? true,
      init: get<Init>(m, "init") ?? { kind: "scaled_normal" },
      activation: get<ActivationFn>(m, "activation"),
      slope: get<number>(m, "slope") ?? 0.01,
      kernelSpan: m.get("kernel")!.span,
      paddingSpan: m.get("padding")?.span,
      windows: [],
    };
  },
  infer(config, [input], ctx) {
    const windows = resolveWindows("conv", { ...config, rounding: "floor" }, input!, ctx, "one");
    if (!windows) return undefined;
    if (config.activation === "softmax") {
      ctx.report(msg.wrongRank(ctx.span, "softmax", "a vector", `the output of \`conv\`, ${describeShape(withSpatial(input!, config.filters, windows.map((w) => w.output)))}`, undefined, "softmax normalises a vector of class scores: use it on a `dense` layer after `flatten`"));
      return undefined;
    }
    const shape = withSpatial(input!, config.filters, windows.map((w) => w.output));
    return { shape, config: { ...config, windows } };
  },
  params(config, [input]) {
    const k = config.windows.reduce((p, w) => p * w.kernel, 1);
    return { weights: config.filters * channels(input!) * k, biases: config.bias ? config.filters : 0, nonTrainable: 0 };
  },
  flops(config, [input], output) {
    const k = config.windows.reduce((p, w) => p * w.kernel, 1);
    const out = shapeSize(output);
    return 2 * channels(input!) * k * out + (config.bias ? out : 0) + activationFlops(config.activation, out);
  },
};
