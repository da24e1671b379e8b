/** What every layer kind provides, and the vocabulary its tables share. */
import type { Ident, Span } from "../../grammar/ast.js";
import type { Diagnostic } from "../diagnostics.js";
import type { Shape } from "../shape.js";
import type { ArgsSpec, MatchedArgs } from "../check/args.js";
import { msg } from "../messages.js";
import { word, num, type ValueType } from "../check/values.js";

export type LayerKind = "input" | "dense" | "conv" | "pool" | "flatten" | "dropout" | "batchnorm" | "activation" | "maxout" | "add" | "concat";

export const activations = ["sigmoid", "tanh", "relu", "leaky_relu", "softmax", "identity"] as const;
export type ActivationFn = (typeof activations)[number];

/** Weight initialisers; `scaled_normal` is the seeds' default N(0, 1/√n_in). */
export type Init =
  | { readonly kind: "scaled_normal" }
  | { readonly kind: "standard_normal" }
  | { readonly kind: "glorot" }
  | { readonly kind: "he" }
  | { readonly kind: "constant"; readonly value: number };
export const initNames = ["scaled_normal", "standard_normal", "glorot", "he", "constant"] as const;

/** `init he`, `init constant 0.1`. */
export const initValue: ValueType<Init> = {
  describe: "an initialiser (scaled_normal, standard_normal, glorot, he, constant V)",
  take(args, i, what, at, ctx) {
    const w = word(initNames).take(args, i, what, at, ctx);
    if (w.value === undefined) return { value: undefined, next: w.next };
    if (w.value !== "constant") return { value: { kind: w.value }, next: w.next };
    const v = num().take(args, w.next, "the constant of `init constant`", args[i]!.span, ctx);
    return { value: v.value === undefined ? undefined : { kind: "constant", value: v.value }, next: v.next };
  },
};

/** Where a layer's input came from, for notes: "`pool max 2x2` at line 6". */
export interface InferContext {
  readonly head: Ident;
  readonly span: Span;
  readonly producer: string | undefined;
  /** The name the statement gives its value, if any. */
  readonly named: boolean;
  report(d: Diagnostic): void;
}

export interface ParamCount {
  readonly weights: number;
  readonly biases: number;
  /** Running statistics and the like: stored, not trained. */
  readonly nonTrainable: number;
}

export const noParams: ParamCount = { weights: 0, biases: 0, nonTrainable: 0 };

/** One layer kind: its arguments, typed configuration, shape rule, parameters and FLOPs. */
export interface LayerDef<C> {
  readonly kind: LayerKind;
  /** One line for docs and completion. */
  readonly doc: string;
  readonly args: ArgsSpec;
  /** Number of inputs: one, or two and more (`add`, `concat`). */
  readonly arity: "one" | "many";
  config(m: MatchedArgs, head: Ident, report: (d: Diagnostic) => void): C | undefined;
  /** Output shape and the config completed with input-dependent facts (resolved padding). */
  infer(config: C, inputs: readonly Shape[], ctx: InferContext): { shape: Shape; config: C } | undefined;
  params(config: C, inputs: readonly Shape[], output: Shape): ParamCount;
  /** Forward floating-point operations for one example (a multiply-add counts 2). */
  flops(config: C, inputs: readonly Shape[], output: Shape): number;
}

/** Per-element cost of an activation function in the FLOP count. */
export function activationFlops(fn: ActivationFn | undefined, elements: number): number {
  if (!fn || fn === "identity") return 0;
  return fn === "softmax" ? 3 * elements : elements;
}

/** The activation flag group that dense, conv and batchnorm accept. */
export const activationFlag = { words: activations, required: false } as const;

/** The `from NAME` option every single-input layer accepts (handled by the model walker). */
export { valueRef as fromValue } from "../check/values.js";

/** W501 when `slope` is given to a layer whose activation is not leaky_relu. */
export function checkSlope(m: MatchedArgs, report: (d: Diagnostic) => void): void {
  const slope = m.get("slope");
  if (slope && m.get("activation")?.value !== "leaky_relu") report(msg.noEffect(slope.span, "`slope` has no effect without `leaky_relu`", "add `leaky_relu`, or remove `slope`"));
}
