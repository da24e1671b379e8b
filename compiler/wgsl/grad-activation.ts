/**
 * dZ = dY ⊙ act'(Y) formed once, for the gradient GEMMs of a dense or conv layer on CPU adapters.
 * There every storage load is a per-lane gather and the GEMMs read each dZ element once per tile
 * of the other operand; fused into their loads, each read costs two gathers (dY and Y) plus the
 * derivative. One elementwise pass into `aux:<op>_dz` lets them load one value instead. On GPUs
 * (workgroup-staged tiles) the fused form stays. Where a tiling max pool alone reads the layer's
 * output, the pool's backward scatter forms dZ instead (compiler/schedule/fusion.ts) and no kernel here runs.
 */
import type { ActivationFn } from "../layers/index.js";
import { derivNeedsOutput, dzFunction, dzText } from "./activation-fn.js";
import { F32, activationHelpers, makeKernel } from "./common.js";
import type { GemmBinding } from "./gemm.js";
import type { AuxBuffer, Kernel, RenderContext } from "./kernel.js";

/** What the gradient GEMMs of one layer bind and call to read dZ. */
export interface DzSource {
  readonly bindings: readonly GemmBinding[];
  /** WGSL `fn dz_at(i: u32) -> f32`. */
  readonly fn: string;
  /** Whether dZ lies in `aux:<layer>_dz`, formed once (by `kernel`, or by the max pool reading the layer's output). */
  readonly formed: boolean;
  /** The kernel forming dZ (first of the layer's parameter kernels), when the layer forms it itself. */
  readonly kernel?: Kernel;
  readonly aux: readonly AuxBuffer[];
}

/** Whether a layer's dZ lies in `aux:<layer>_dz`, formed once: on CPU adapters, for an activation whose derivative reads Y. */
export function dzFormedOnce(act: ActivationFn, target: RenderContext["target"]): boolean {
  return target === "cpu" && derivNeedsOutput(act);
}

/** Where a layer's gradient GEMMs get dZ: an aux buffer formed once (see dzFormedOnce), else dY and Y directly. */
export function dzSource(
  layer: { readonly name: string; readonly y: number; readonly activation: ActivationFn; readonly slope: number },
  label: { readonly op: string; readonly origin: string; readonly fuses: readonly string[] },
  elems: number,
  ctx: RenderContext,
): DzSource {
  const { activation: act, slope } = layer;
  const direct: GemmBinding[] = [
    { name: "dy", buffer: `grad:${layer.y}`, access: "read", use: "load" },
    ...(derivNeedsOutput(act) ? [{ name: "y", buffer: `act:${layer.y}`, access: "read", use: "load" } as const] : []),
  ];
  if (!dzFormedOnce(act, ctx.target)) return { bindings: direct, fn: dzFunction(act, slope), formed: false, aux: [] };
  const name = `${layer.name}_dz`;
  const doc = dzText(act, slope);
  if (ctx.dzByPool?.has(layer.y)) {
    return {
      bindings: [{ name: "dz", buffer: `aux:${name}`, access: "read", use: "load" }],
      fn: `// ${doc}, formed by the backward scatter of the max pool that reads Y\nfn dz_at(i: u32) -> f32 {\n  return dz[i];\n}`,
      formed: true,
      aux: [{ name, floats: elems }],
    };
  }
  // vec4 loads run ~2.5× faster than f32 ones on llvmpipe; the three buffers start at 0, so any multiple of 4 elements fits.
  const vec4 = elems % 4 === 0;
  const type = vec4 ? "vec4<f32>" : "f32";
  const kernel = makeKernel(
    {
      name: `${layer.name}_grad_activation`,
      title: `${layer.name}_grad_activation: ${label.op} at ${label.origin}`,
      phase: "backward",
      about: [`${doc}, once per step; the gradient GEMMs of ${layer.name} read it`, vec4 ? "one invocation per 4 elements (vec4)" : "one invocation per element"],
      vars: [
        { name: "dy", buffer: `grad:${layer.y}`, access: "read", type },
        { name: "y", buffer: `act:${layer.y}`, access: "read", type },
        { name: "dz", buffer: `aux:${name}`, access: "read_write", type },
      ],
      helpers: vec4 ? activationHelpers(act, slope, "vec4<f32>") : [dzFunction(act, slope)],
      invocations: vec4 ? elems / 4 : elems,
      body: vec4 ? "  dz[i] = dy[i] * act_grad(y[i]);" : "  dz[i] = dz_at(i);",
      flops: 2 * elems,
      bytes: 3 * F32 * elems,
      fuses: label.fuses,
      origin: label.origin,
    },
    ctx,
  );
  return {
    bindings: [{ name: "dz", buffer: `aux:${name}`, access: "read", use: "load" }],
    fn: `// ${doc}, formed by ${kernel.name}\nfn dz_at(i: u32) -> f32 {\n  return dz[i];\n}`,
    formed: true,
    kernel,
    aux: [{ name, floats: elems }],
  };
}
