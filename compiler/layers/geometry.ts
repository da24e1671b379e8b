/** Resolving kernel/stride/dilation/padding of a windowed layer (conv, pool) against its input. */
import type { Span } from "../../grammar/ast.js";
import { describeShape, spatial, type Shape } from "../shape.js";
import { msg } from "../messages.js";
import type { InferContext } from "./common.js";
import type { PaddingArg } from "./padding.js";
import { axisWindow, unreadTail, type AxisWindow, type PaddingSpec, type Rounding } from "./window.js";

export interface WindowArgs {
  readonly kernel: readonly number[];
  readonly stride: readonly number[] | undefined;
  readonly dilation: readonly number[] | undefined;
  readonly padding: PaddingArg;
  readonly rounding: Rounding;
  /** Spans for messages. */
  readonly kernelSpan: Span;
  readonly paddingSpan: Span | undefined;
}

const axisNames = { 2: ["height", "width"], 1: ["length"] } as const;

function perAxis(v: readonly number[], rank: number): number[] | undefined {
  if (v.length === 1) return Array.from({ length: rank }, () => v[0]!);
  return v.length === rank ? [...v] : undefined;
}

function toPaddingSpec(p: PaddingArg, rank: number): PaddingSpec | undefined {
  if (p.mode !== "explicit") return p;
  const v = p.values;
  if (v.length === 1) return { mode: "explicit", pads: Array.from({ length: rank }, () => [v[0]!, v[0]!] as const) };
  if (v.length === 2 * rank) return { mode: "explicit", pads: Array.from({ length: rank }, (_, a) => [v[2 * a]!, v[2 * a + 1]!] as const) };
  return undefined;
}

/** Windows per spatial axis, or undefined after reporting why they cannot be formed. */
export function resolveWindows(head: string, w: WindowArgs, input: Shape, ctx: InferContext, defaultStride: "one" | "kernel"): AxisWindow[] | undefined {
  if (input.kind === "vector") {
    ctx.report(msg.wrongRank(ctx.span, head, "an image (C×H×W) or a sequence (L×C)", describeShape(input), ctx.producer, "this layer slides a window over space; a vector has none — move it before `flatten`"));
    return undefined;
  }
  const dims = spatial(input);
  const rank = dims.length;
  const shape = rank === 2 ? "5x5 or 5" : "5";
  const kernel = perAxis(w.kernel, rank);
  if (!kernel) {
    ctx.report(msg.wrongType(w.kernelSpan, `the window of \`${head}\` on ${describeShape(input)}`, `${rank === 2 ? "one or two" : "one"} number${rank === 2 ? "s" : ""} like ${shape}`, w.kernel.join("x")));
    return undefined;
  }
  const stride = perAxis(w.stride ?? (defaultStride === "kernel" ? kernel : [1]), rank);
  const dilation = perAxis(w.dilation ?? [1], rank);
  const padding = toPaddingSpec(w.padding, rank);
  if (!stride || !dilation) {
    ctx.report(msg.wrongType(ctx.span, `stride and dilation of \`${head}\``, `one number or ${rank} numbers`, "a size of another rank"));
    return undefined;
  }
  if (!padding) {
    const want = rank === 2 ? "1 or 4 numbers [top, bottom, left, right]" : "1 or 2 numbers [before, after]";
    ctx.report(msg.wrongType(w.paddingSpan ?? ctx.span, `explicit padding of \`${head}\` on ${describeShape(input)}`, want, `${w.padding.mode === "explicit" ? w.padding.values.length : 0} numbers`));
    return undefined;
  }
  const windows = dims.map((d, a) => axisWindow(padding, a, d, kernel[a]!, stride[a]!, dilation[a]!, w.rounding));
  let ok = true;
  windows.forEach((win, a) => {
    const axis = axisNames[rank as 1 | 2][a]!;
    if (win.output <= 0) {
      ok = false;
      ctx.report(msg.windowTooBig(w.kernelSpan, head, axis, win.input, win.input + win.before + win.after, win.dilation * (win.kernel - 1) + 1, ctx.producer));
      return;
    }
    const tail = unreadTail(win);
    if (tail > 0) {
      ctx.report(
        msg.unreadInput(
          ctx.span,
          `\`${head}\` never reads the last ${tail} ${tail === 1 ? "position" : "positions"} of the input's ${axis} (${win.input})`,
          head === "pool" ? "use `rounding ceil`, `padding same`, or a size that divides the input" : "use `padding same` or a stride that fits the input",
        ),
      );
    }
  });
  return ok ? windows : undefined;
}
