/**
 * Inverted dropout with a counter-based mask: element e (= row·size + i) of this op's stream is kept
 * at step t iff counter_uniform(seed, t, stream, e) ≥ p (compiler/ir/hash.ts), so backward
 * recomputes the mask instead of storing it. In evaluation (uniforms.training = 0) Y = X.
 */
import type { DropoutOp, IrGraph } from "../ir/graph.js";
import { wgslHash } from "../ir/hash.js";
import type { OpKernels, RenderContext } from "./kernel.js";
import { F32, dimsText, f32c, singleInputKernels, store, tensorOf, u32c } from "./common.js";

/** Kernels of a dropout op. */
export function renderDropout(op: DropoutOp, g: IrGraph, ctx: RenderContext): OpKernels {
  const x = tensorOf(g, op.x);
  const elems = ctx.batch * x.size;
  const vec = elems % 4 === 0;
  const t = vec ? "vec4<f32>" : "f32";
  const constants = [u32c("STREAM", op.stream, "this op's random stream"), f32c("P", Math.ceil(op.p * 16777216) / 16777216, `p = ${op.p} raised to counter_uniform's 2⁻²⁴ grid: u ≥ P exactly when u ≥ p`), f32c("SCALE", 1 / (1 - op.p), "1 / (1 − P) for the survivors")];
  // The mask (already scaled) of the element or four elements this invocation owns.
  const mask = vec
    ? `fn keep(e: u32) -> f32 {
  return select(0.0, SCALE, counter_uniform(u.seed, u.step, STREAM, e) >= P);
}

fn scaled_mask(i: u32) -> vec4<f32> {
  if (u.training == 0u) { return vec4<f32>(1.0); }
  let e = i * 4u;
  return vec4<f32>(keep(e), keep(e + 1u), keep(e + 2u), keep(e + 3u));
}`
    : `fn scaled_mask(e: u32) -> f32 {
  if (u.training == 0u) { return 1.0; }
  return select(0.0, SCALE, counter_uniform(u.seed, u.step, STREAM, e) >= P);
}`;
  const helpers = [wgslHash, mask];
  const what = `dropout p = ${op.p} of ${x.name} (${dimsText(x)}), stream ${op.stream}`;
  const per = vec ? "one vec4 per invocation" : "one element per invocation";
  const n = vec ? elems / 4 : elems;
  return singleInputKernels(
    op,
    ctx,
    {
      about: [`${what}: Y = X · mask / (1 − p) in training, Y = X in evaluation`, per],
      vars: [
        { name: "x", buffer: `act:${op.x}`, access: "read", type: t },
        { name: "y", buffer: `act:${op.y}`, access: "read_write", type: t },
      ],
      uniforms: true,
      constants,
      helpers,
      invocations: n,
      body: "  y[i] = x[i] * scaled_mask(i);",
      flops: elems * 20,
      bytes: 2 * elems * F32,
    },
    (accumulate) => ({
      about: [`dX = dY · mask / (1 − p) for ${what}${accumulate ? ", added to dX" : ""}`, `the mask is recomputed from the counter hash; ${per}`],
      vars: [
        { name: "dy", buffer: `grad:${op.y}`, access: "read", type: t },
        { name: "dx", buffer: `grad:${op.x}`, access: "read_write", type: t },
      ],
      uniforms: true,
      constants,
      helpers,
      invocations: n,
      body: `  ${store("dx", "i", "dy[i] * scaled_mask(i)", accumulate)}`,
      flops: elems * 20,
      bytes: (2 + (accumulate ? 1 : 0)) * elems * F32,
    }),
  );
}
