/** `add a, b` (element-wise sum, residual connections) and `concat a, b` (along channels). */
import type { LayerDef } from "./common.js";
import { noParams } from "./common.js";
import { channels, describeShape, formatShape, shapeSize, shapesEqual, spatial, withSpatial } from "../shape.js";
import { msg } from "../messages.js";

export type JoinConfig = Record<string, never>;

/** `add x` sums the previous value and x; `add x, y, …` sums the named values. */
export const add: LayerDef<JoinConfig> = {
  kind: "add",
  doc: "element-wise sum of two or more values of the same shape (residual connections)",
  arity: "many",
  args: { positional: [], options: {}, flags: {}, rest: { key: "operands", label: "VALUE" }, example: "add skip" },
  config: () => ({}),
  infer(config, inputs, ctx) {
    const first = inputs[0]!;
    const bad = inputs.find((s) => !shapesEqual(s, first));
    if (bad) {
      ctx.report(msg.joinMismatch(ctx.span, "add", inputs.map(formatShape), `${describeShape(first)} and ${describeShape(bad)} differ`));
      return undefined;
    }
    return { shape: first, config };
  },
  params: () => noParams,
  flops: (_c, inputs, output) => (inputs.length - 1) * shapeSize(output),
};

/** `concat x` joins the previous value and x along channels; `concat x, y, …` joins the named values. */
export const concat: LayerDef<JoinConfig> = {
  kind: "concat",
  doc: "join two or more values along channels (vectors: end to end); other dimensions must agree",
  arity: "many",
  args: { positional: [], options: {}, flags: {}, rest: { key: "operands", label: "VALUE" }, example: "concat left, right" },
  config: () => ({}),
  infer(config, inputs, ctx) {
    const first = inputs[0]!;
    const bad = inputs.find((s) => s.kind !== first.kind || spatial(s).join("x") !== spatial(first).join("x"));
    if (bad) {
      const detail = bad.kind !== first.kind ? "they are of different kinds" : `their spatial sizes ${spatial(first).join("×")} and ${spatial(bad).join("×")} differ`;
      ctx.report(msg.joinMismatch(ctx.span, "concat", inputs.map(formatShape), detail));
      return undefined;
    }
    const c = inputs.reduce((s, x) => s + channels(x), 0);
    return { shape: withSpatial(first, c, spatial(first)), config };
  },
  params: () => noParams,
  flops: () => 0,
};
