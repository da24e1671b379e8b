/**
 * The optimizer update: ONE dispatch over the whole parameter arena, one vec4 per invocation (the
 * arena's tensors start at multiples of 4 floats, see lowerModel), implementing
 * compiler/ir/optimizer.ts exactly. The first decayedCount floats (dense and conv weights, and the
 * zero padding between them) get g += λ₂/n·w + λ₁/n·sgn(w) first; η, λ₁/n, λ₂/n and Adam's
 * bias corrections 1 − β₁ᵗ, 1 − β₂ᵗ come from the step uniforms, the other hyper-parameters are
 * constants. State slot s (stateSlots order) occupies opt[s·P … (s+1)·P) for an arena of P floats.
 */
import type { IrGraph } from "../ir/graph.js";
import { stateSlots } from "../ir/optimizer.js";
import type { OptimizerSpec } from "../train/spec.js";
import type { Kernel, RenderContext } from "./kernel.js";
import { F32, f32c, makeKernel, u32c, type Constant, type ElementType } from "./common.js";

/** The update kernel for `spec` over g's parameter arena. */
export function renderOptimizer(g: IrGraph, spec: OptimizerSpec, ctx: RenderContext): Kernel[] {
  // lowerModel aligns every tensor, the decayed prefix and the arena's end to 4 floats, so each
  // invocation updates one vec4 that lies in one tensor (or in the zero padding after it); a graph
  // built by hand with an odd arena falls back to one float per invocation.
  const lanes = g.paramCount % 4 === 0 ? 4 : 1;
  const t: ElementType = lanes === 4 ? "vec4<f32>" : "f32";
  const unit = lanes === 4 ? "vec4s" : "floats";
  const slots = stateSlots[spec.kind];
  const slotConstants = slots.map((s, k) => u32c(s.toUpperCase(), (k * g.paramCount) / lanes, `slot ${s} in opt, in ${unit}`));
  const [rule, hyper] = updateRule(spec);
  const whole = g.decayedCount % lanes === 0;
  const trainable = g.params.reduce((n, p) => n + p.size, 0);
  const decay =
    g.decayedCount === 0
      ? ""
      : g.decayedCount === g.paramCount
        ? "  g = g + u.l2 * w + u.l1 * sign(w);\n"
        : whole
          ? "  if (i < DECAYED) { g = g + u.l2 * w + u.l1 * sign(w); }\n"
          : "  let decayed = vec4<u32>(i * 4u) + vec4<u32>(0u, 1u, 2u, 3u) < vec4<u32>(DECAYED);\n  g = g + select(vec4<f32>(0.0), u.l2 * w + u.l1 * sign(w), decayed);\n";
  const decayedConstant = whole
    ? u32c("DECAYED", g.decayedCount / lanes, `weights at the start of the arena that L1/L2 act on (${unit})`)
    : u32c("DECAYED", g.decayedCount, "weights at the start of the arena that L1/L2 act on (floats)");
  const constants: Constant[] = [decayedConstant, ...slotConstants, ...hyper];
  return [
    makeKernel(
      {
        name: `update_${spec.kind}`,
        phase: "update",
        about: [
          `${spec.kind} over the ${trainable} parameters of ${g.model}: ${describe(spec.kind)}`,
          `arena of ${g.paramCount} floats${g.paramCount > trainable ? " (tensors padded to 4 floats with zeros, which stay 0)" : ""}; L1/L2 on the first ${g.decayedCount}; ${lanes === 4 ? "one vec4" : "one float"} per invocation`,
        ],
        vars: [
          { name: "params", buffer: "params", access: "read_write", type: t },
          { name: "grads", buffer: "grads", access: "read", type: t },
          ...(slots.length > 0 ? [{ name: "opt", buffer: "opt" as const, access: "read_write" as const, type: t }] : []),
        ],
        uniforms: true,
        constants,
        invocations: g.paramCount / lanes,
        body: `  let w = params[i];\n  var g = grads[i];\n${decay}${rule}`,
        flops: g.paramCount * (6 + 4 * slots.length),
        bytes: g.paramCount * (3 + 2 * slots.length) * F32,
        fuses: ["optimizer"],
        origin: g.model,
      },
      ctx,
    ),
  ];
}

function describe(kind: OptimizerSpec["kind"]): string {
  return {
    sgd: "w ← w − η·g",
    momentum: "v ← μ·v − η·g; w ← w + v",
    nesterov: "v' ← μ·v − η·g; w ← w − μ·v + (1 + μ)·v'",
    adagrad: "G ← G + g²; w ← w − η·g/(√G + ε)",
    adadelta: "E[g²] ← ρ·E[g²] + (1−ρ)·g²; Δ = −√(E[Δ²] + ε)/√(E[g²] + ε)·g; E[Δ²] ← ρ·E[Δ²] + (1−ρ)·Δ²; w ← w + η·Δ",
    rmsprop: "E[g²] ← ρ·E[g²] + (1−ρ)·g²; w ← w − η·g/(√E[g²] + ε)",
    adam: "m ← β₁·m + (1−β₁)·g; v ← β₂·v + (1−β₂)·g²; w ← w − η·(m/(1−β₁ᵗ))/(√(v/(1−β₂ᵗ)) + ε)",
  }[kind];
}

/** Statements updating params[i] (and the slots) from w and g, and the constants they use. */
function updateRule(spec: OptimizerSpec): [string, Constant[]] {
  switch (spec.kind) {
    case "sgd":
      return ["  params[i] = w - u.lr * g;", []];
    case "momentum":
      return [
        `  let v = MU * opt[VELOCITY + i] - u.lr * g;
  opt[VELOCITY + i] = v;
  params[i] = w + v;`,
        [f32c("MU", spec.momentum)],
      ];
    case "nesterov":
      return [
        `  let v_old = opt[VELOCITY + i];
  let v = MU * v_old - u.lr * g;
  opt[VELOCITY + i] = v;
  params[i] = w - MU * v_old + (1.0 + MU) * v;`,
        [f32c("MU", spec.momentum)],
      ];
    case "adagrad":
      return [
        `  let sum_sq = opt[SUM_SQ + i] + g * g;
  opt[SUM_SQ + i] = sum_sq;
  params[i] = w - u.lr * g / (sqrt(sum_sq) + EPS);`,
        [f32c("EPS", spec.eps)],
      ];
    case "adadelta":
      return [
        `  let avg_sq_grad = RHO * opt[AVG_SQ_GRAD + i] + (1.0 - RHO) * g * g;
  let delta = -sqrt(opt[AVG_SQ_UPDATE + i] + EPS) / sqrt(avg_sq_grad + EPS) * g;
  opt[AVG_SQ_GRAD + i] = avg_sq_grad;
  opt[AVG_SQ_UPDATE + i] = RHO * opt[AVG_SQ_UPDATE + i] + (1.0 - RHO) * delta * delta;
  params[i] = w + u.lr * delta;`,
        [f32c("RHO", spec.rho), f32c("EPS", spec.eps)],
      ];
    case "rmsprop":
      return [
        `  let avg_sq_grad = RHO * opt[AVG_SQ_GRAD + i] + (1.0 - RHO) * g * g;
  opt[AVG_SQ_GRAD + i] = avg_sq_grad;
  params[i] = w - u.lr * g / (sqrt(avg_sq_grad) + EPS);`,
        [f32c("RHO", spec.rho), f32c("EPS", spec.eps)],
      ];
    case "adam":
      return [
        `  let m = BETA1 * opt[M + i] + (1.0 - BETA1) * g;
  let v = BETA2 * opt[V + i] + (1.0 - BETA2) * g * g;
  opt[M + i] = m;
  opt[V + i] = v;
  params[i] = w - u.lr * (m / u.bias1) / (sqrt(v / u.bias2) + EPS);`,
        [f32c("BETA1", spec.beta1), f32c("BETA2", spec.beta2), f32c("EPS", spec.eps)],
      ];
  }
}
