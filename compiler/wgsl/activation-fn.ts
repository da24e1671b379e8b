/**
 * WGSL for the elementwise activations fused into kernels: the function of the pre-activation z,
 * and its derivative written in terms of the output y = f(z), so backward kernels need only the
 * stored output (sigmoid' = y(1−y), tanh' = 1−y², relu' = [y > 0], leaky_relu' = slope or 1).
 * Softmax acts on whole rows and is never fused elementwise; asking for it is a compiler bug.
 */
import type { ActivationFn } from "../layers/index.js";

/** The activations that act on one element at a time. */
export type ElementwiseActivation = Exclude<ActivationFn, "softmax">;

/** A WGSL f32 literal for `v`: always with a decimal point or exponent, never `-0`, finite. */
export function wgslFloat(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`bug: no WGSL literal for ${v}`);
  const s = String(Object.is(v, -0) ? 0 : v);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

function elementwise(fn: ActivationFn): ElementwiseActivation {
  if (fn === "softmax") throw new Error("bug: softmax is a row operation; lowering splits it from the layer");
  return fn;
}

/** WGSL expression for f(z); `z` must be a simple expression (an identifier or a parenthesised one). */
export function activationExpr(fn: ActivationFn, z: string, slope: number): string {
  const table: Record<ElementwiseActivation, string> = {
    identity: z,
    relu: `max(${z}, 0.0)`,
    leaky_relu: `select(${wgslFloat(slope)} * ${z}, ${z}, ${z} > 0.0)`,
    sigmoid: `1.0 / (1.0 + exp(-${z}))`,
    // Clamped: some backends compute tanh through exp and return NaN for large |z|; tanh(±15) rounds to ±1 in f32.
    tanh: `tanh(clamp(${z}, -15.0, 15.0))`,
  };
  return table[elementwise(fn)];
}

/** WGSL expression for f'(z) written with the output y = f(z); `y` must be a simple expression. */
export function activationDerivExpr(fn: ActivationFn, y: string, slope: number): string {
  const table: Record<ElementwiseActivation, string> = {
    identity: "1.0",
    relu: `select(0.0, 1.0, ${y} > 0.0)`,
    leaky_relu: `select(${wgslFloat(slope)}, 1.0, ${y} > 0.0)`,
    sigmoid: `${y} * (1.0 - ${y})`,
    tanh: `1.0 - ${y} * ${y}`,
  };
  return table[elementwise(fn)];
}

/** True when f' needs the stored output (everything but identity). */
export function derivNeedsOutput(fn: ActivationFn): boolean {
  return elementwise(fn) !== "identity";
}

/**
 * WGSL functions `fn <name>(z: f32) -> f32` and `fn <name>_grad(y: f32) -> f32` for one activation,
 * named `act_<fn>` by default (`act_relu`, `act_relu_grad`; a bare `tanh` would shadow the builtin), for
 * kernels that prefer calls to inline expressions.
 */
export function activationFunctions(fn: ActivationFn, slope: number, name = `act_${fn}`): string {
  return [
    `// ${fn}${fn === "leaky_relu" ? ` (slope ${slope})` : ""} and its derivative from the output y = ${name}(z)`,
    `fn ${name}(z: f32) -> f32 { return ${activationExpr(fn, "z", slope)}; }`,
    `fn ${name}_grad(y: f32) -> f32 { return ${activationDerivExpr(fn, "y", slope)}; }`,
  ].join("\n");
}

/**
 * WGSL `fn dz_at(i: u32) -> f32`: the gradient at the pre-activation, dY[i]·f'(y[i]), for backward
 * kernels that fold the activation into their operand loads. Reads the bindings `dy` and, unless
 * f is the identity, `y`.
 */
export function dzFunction(fn: ActivationFn, slope: number): string {
  if (!derivNeedsOutput(fn)) return `// dZ = dY (no activation)\nfn dz_at(i: u32) -> f32 { return dy[i]; }`;
  return [
    `// dZ = dY ⊙ ${fn}'(z), the derivative written with the stored output y`,
    `fn dz_at(i: u32) -> f32 {`,
    `  let y_i = y[i];`,
    `  return dy[i] * (${activationDerivExpr(fn, "y_i", slope)});`,
    `}`,
  ].join("\n");
}

/** The activation applied to `inner` as text for comments: `relu(X·W + b)`, `leaky_relu[0.2](z)`, `z` for the identity. */
export function activationText(fn: ActivationFn, slope: number, inner: string): string {
  if (fn === "identity") return inner;
  return `${fn}${fn === "leaky_relu" ? `[${slope}]` : ""}(${inner})`;
}

/** `dZ = dY ⊙ relu'(Y)` (or `dZ = dY` for the identity), for comments in backward kernels. */
export function dzText(fn: ActivationFn, slope: number): string {
  if (fn === "identity") return "dZ = dY";
  return `dZ = dY ⊙ ${fn}${fn === "leaky_relu" ? `[${slope}]` : ""}'(Y)`;
}
