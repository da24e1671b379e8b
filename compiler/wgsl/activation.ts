/**
 * Standalone activation ops. Elementwise functions run one vec4 per invocation when the tensor
 * allows it; backward multiplies dY by the derivative written in terms of the output Y.
 * Softmax acts on each example's whole vector: one invocation per row computes max, Σexp and the
 * normalised row; backward is dX = Y ⊙ (dY − Σ dY·Y).
 */
import type { ActivationOp, IrGraph } from "../ir/graph.js";
import type { OpKernels, RenderContext } from "./kernel.js";
import { F32, activationHelpers, dimsText, singleInputKernels, store, tensorOf, u32c } from "./common.js";

/** Kernels of an activation op. */
export function renderActivation(op: ActivationOp, g: IrGraph, ctx: RenderContext): OpKernels {
  return op.fn === "softmax" ? softmax(op, g, ctx) : elementwise(op, g, ctx);
}

function elementwise(op: ActivationOp, g: IrGraph, ctx: RenderContext): OpKernels {
  const x = tensorOf(g, op.x);
  const elems = ctx.batch * x.size;
  const vec = elems % 4 === 0;
  const t = vec ? "vec4<f32>" : "f32";
  const n = vec ? elems / 4 : elems;
  const helpers = activationHelpers(op.fn, op.slope, t);
  const what = `${op.fn}${op.fn === "leaky_relu" ? ` (slope ${op.slope})` : ""} of ${x.name} (${dimsText(x)})`;
  const per = vec ? "one vec4 per invocation" : "one element per invocation";
  return singleInputKernels(
    op,
    ctx,
    {
      about: [what, per],
      vars: [
        { name: "x", buffer: `act:${op.x}`, access: "read", type: t },
        { name: "y", buffer: `act:${op.y}`, access: "read_write", type: t },
      ],
      helpers,
      invocations: n,
      body: "  y[i] = act(x[i]);",
      flops: elems * 4,
      bytes: 2 * elems * F32,
    },
    (accumulate) => ({
      about: [`dX = dY · ${op.fn}'(Y) for ${what}${accumulate ? ", added to dX" : ""}`, per],
      vars: [
        { name: "y", buffer: `act:${op.y}`, access: "read", type: t },
        { name: "dy", buffer: `grad:${op.y}`, access: "read", type: t },
        { name: "dx", buffer: `grad:${op.x}`, access: "read_write", type: t },
      ],
      helpers,
      invocations: n,
      body: `  ${store("dx", "i", "dy[i] * act_grad(y[i])", accumulate)}`,
      flops: elems * 3,
      bytes: (3 + (accumulate ? 1 : 0)) * elems * F32,
    }),
  );
}

function softmax(op: ActivationOp, g: IrGraph, ctx: RenderContext): OpKernels {
  const x = tensorOf(g, op.x);
  const elems = ctx.batch * x.size;
  const constants = [u32c("N", x.size, "units per example")];
  return singleInputKernels(
    op,
    ctx,
    {
      about: [`softmax over each example's ${x.size} units of ${x.name}`, "one invocation per example: max, Σ exp(x − max), normalise"],
      vars: [
        { name: "x", buffer: `act:${op.x}`, access: "read" },
        { name: "y", buffer: `act:${op.y}`, access: "read_write" },
      ],
      constants,
      invocations: ctx.batch,
      body: `
  let base = i * N;
  var m = x[base];
  for (var j = 1u; j < N; j++) { m = max(m, x[base + j]); }
  var sum = 0.0;
  for (var j = 0u; j < N; j++) {
    let e = exp(x[base + j] - m);
    y[base + j] = e;
    sum = sum + e;
  }
  let inv = 1.0 / sum;
  for (var j = 0u; j < N; j++) { y[base + j] = y[base + j] * inv; }`,
      flops: elems * 5,
      bytes: 4 * elems * F32,
    },
    (accumulate) => ({
      about: [`dX = Y ⊙ (dY − Σ dY·Y) for softmax of ${x.name}${accumulate ? ", added to dX" : ""}`, "one invocation per example"],
      vars: [
        { name: "y", buffer: `act:${op.y}`, access: "read" },
        { name: "dy", buffer: `grad:${op.y}`, access: "read" },
        { name: "dx", buffer: `grad:${op.x}`, access: "read_write" },
      ],
      constants,
      invocations: ctx.batch,
      body: `
  let base = i * N;
  var dot = 0.0;
  for (var j = 0u; j < N; j++) { dot = dot + dy[base + j] * y[base + j]; }
  for (var j = 0u; j < N; j++) {
    let k = base + j;
    ${store("dx", "k", "y[k] * (dy[k] - dot)", accumulate)}
  }`,
      flops: elems * 4,
      bytes: (3 + (accumulate ? 1 : 0)) * elems * F32,
    }),
  );
}
