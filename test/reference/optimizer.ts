/** The optimizer update of compiler/ir/optimizer.ts in float64: regularisers on the first decayedCount floats, then the rule. */
import { stateSlots } from "../../compiler/ir/optimizer.js";
import type { OptimizerSpec } from "../../compiler/train/spec.js";

/** Per-step hyper-parameters (the StepUniforms the update kernel reads). */
export interface UpdateOptions {
  /** Step counter from 1 (Adam's bias correction). */
  readonly t: number;
  /** Learning rate η for this step (overrides spec.lr, as a schedule would). */
  readonly lr: number;
  /** λ₁/n and λ₂/n. */
  readonly l1PerN: number;
  readonly l2PerN: number;
  /** Floats at the start of the arena that L1/L2 act on. */
  readonly decayedCount: number;
}

/** Parameters and optimizer state after the step (fresh arrays). */
export interface UpdateResult {
  readonly params: Float64Array;
  /** Optimizer state, one arena-sized array per slot in stateSlots order. */
  readonly slots: Float64Array[];
}

/** One optimizer step; the inputs are left untouched. */
export function referenceUpdate(spec: OptimizerSpec, params: Float64Array, grads: Float64Array, slots: readonly Float64Array[], o: UpdateOptions): UpdateResult {
  const want = stateSlots[spec.kind].length;
  if (slots.length !== want) throw new Error(`${spec.kind} keeps ${want} state arrays, got ${slots.length}`);
  const w = Float64Array.from(params);
  const s = slots.map((a) => Float64Array.from(a));
  const eta = o.lr;
  for (let i = 0; i < w.length; i++) {
    let g = grads[i]!;
    if (i < o.decayedCount) g += o.l2PerN * w[i]! + o.l1PerN * Math.sign(w[i]!);
    switch (spec.kind) {
      case "sgd":
        w[i]! -= eta * g;
        break;
      case "momentum":
        s[0]![i] = spec.momentum * s[0]![i]! - eta * g;
        w[i]! += s[0]![i]!;
        break;
      case "nesterov": {
        const v = s[0]![i]!;
        const next = spec.momentum * v - eta * g;
        w[i]! += -spec.momentum * v + (1 + spec.momentum) * next;
        s[0]![i] = next;
        break;
      }
      case "adagrad":
        s[0]![i]! += g * g;
        w[i]! -= (eta * g) / (Math.sqrt(s[0]![i]!) + spec.eps);
        break;
      case "adadelta": {
        s[0]![i] = spec.rho * s[0]![i]! + (1 - spec.rho) * g * g;
        const delta = (-Math.sqrt(s[1]![i]! + spec.eps) / Math.sqrt(s[0]![i]! + spec.eps)) * g;
        s[1]![i] = spec.rho * s[1]![i]! + (1 - spec.rho) * delta * delta;
        w[i]! += eta * delta;
        break;
      }
      case "rmsprop":
        s[0]![i] = spec.rho * s[0]![i]! + (1 - spec.rho) * g * g;
        w[i]! -= (eta * g) / (Math.sqrt(s[0]![i]!) + spec.eps);
        break;
      case "adam": {
        s[0]![i] = spec.beta1 * s[0]![i]! + (1 - spec.beta1) * g;
        s[1]![i] = spec.beta2 * s[1]![i]! + (1 - spec.beta2) * g * g;
        const mHat = s[0]![i]! / (1 - spec.beta1 ** o.t);
        const vHat = s[1]![i]! / (1 - spec.beta2 ** o.t);
        w[i]! -= (eta * mHat) / (Math.sqrt(vHat) + spec.eps);
        break;
      }
    }
  }
  return { params: w, slots: s };
}
