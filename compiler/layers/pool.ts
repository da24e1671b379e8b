/** `pool max|average|l2 KxK [stride S] [padding P] [rounding floor|ceil]`: condense each window to one value. */
import type { LayerDef } from "./common.js";
import { fromValue } from "./common.js";
import { size, word } from "../check/values.js";
import { get } from "../check/args.js";
import { channels, shapeSize, withSpatial } from "../shape.js";
import { paddingValue, type PaddingArg } from "./padding.js";
import { resolveWindows } from "./geometry.js";
import type { AxisWindow, Rounding } from "./window.js";
import type { Span } from "../../grammar/ast.js";

export type PoolMode = "max" | "average" | "l2";

export interface PoolConfig {
  readonly mode: PoolMode;
  readonly size: readonly number[];
  readonly stride: readonly number[] | undefined;
  readonly padding: PaddingArg;
  readonly rounding: Rounding;
  readonly sizeSpan: Span;
  readonly paddingSpan: Span | undefined;
  readonly windows: readonly AxisWindow[];
}

export const pool: LayerDef<PoolConfig> = {
  kind: "pool",
  doc: "pooling: max, average, or L2 (root of the mean of squares) over each window; stride defaults to the window size",
  arity: "one",
  args: {
    positional: [{ key: "size", type: size(1), required: true, label: "SIZE" }],
    options: { stride: size(1), padding: paddingValue, rounding: word(["floor", "ceil"] as const), from: fromValue },
    flags: { mode: { words: ["max", "average", "l2"], required: true } },
    example: "pool max 2x2",
  },
  config(m) {
    const sz = get<number[]>(m, "size");
    const mode = get<PoolMode>(m, "mode");
    if (sz === undefined || mode === undefined) return undefined;
    return {
      mode,
      size: sz,
      stride: get<number[]>(m, "stride"),
      padding: get<PaddingArg>(m, "padding") ?? { mode: "valid" },
      rounding: get<Rounding>(m, "rounding") ?? "floor",
      sizeSpan: m.get("size")!.span,
      paddingSpan: m.get("padding")?.span,
      windows: [],
    };
  },
  infer(config, [input], ctx) {
    const windows = resolveWindows("pool", { kernel: config.size, stride: config.stride, dilation: undefined, padding: config.padding, rounding: config.rounding, kernelSpan: config.sizeSpan, paddingSpan: config.paddingSpan }, input!, ctx, "kernel");
    if (!windows) return undefined;
    return { shape: withSpatial(input!, channels(input!), windows.map((w) => w.output)), config: { ...config, windows } };
  },
  params: () => ({ weights: 0, biases: 0, nonTrainable: 0 }),
  flops(config, _inputs, output) {
    const k = config.windows.reduce((p, w) => p * w.kernel, 1);
    return shapeSize(output) * (config.mode === "l2" ? 2 * k + 1 : k);
  },
};
