/**
 * Every optimizer's first two updates on w = [1, −2] with gradients g₁ = [0.5, −1], g₂ = [0.25, 0.5],
 * pinned to numbers worked out by hand (derivations in the comments), and L1/L2 on the decayed prefix only.
 */
import { describe, expect, it } from "vitest";
import { stateSlots } from "../../compiler/ir/optimizer.js";
import type { OptimizerSpec } from "../../compiler/train/spec.js";
import { referenceUpdate, type UpdateOptions } from "./optimizer.js";

const w0 = Float64Array.from([1, -2]);
const g1 = Float64Array.from([0.5, -1]);
const g2 = Float64Array.from([0.25, 0.5]);
const plain = { l1PerN: 0, l2PerN: 0, decayedCount: 2 };

/** The parameters after each of the two steps. */
function twoSteps(spec: OptimizerSpec): [number[], number[]] {
  const slots = stateSlots[spec.kind].map(() => new Float64Array(2));
  const o = (t: number): UpdateOptions => ({ t, lr: spec.lr, ...plain });
  const s1 = referenceUpdate(spec, w0, g1, slots, o(1));
  const s2 = referenceUpdate(spec, s1.params, g2, s1.slots, o(2));
  return [Array.from(s1.params), Array.from(s2.params)];
}

function expectPair(actual: number[], expected: number[], digits = 12): void {
  actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, digits));
}

const cases: { spec: OptimizerSpec; first: number[]; second: number[]; why: string }[] = [
  { spec: { kind: "sgd", lr: 0.1 }, first: [0.95, -1.9], second: [0.925, -1.95], why: "w − 0.1·g" },
  // v₁ = −0.1·g₁ = [−0.05, 0.1]; v₂ = 0.9·v₁ − 0.1·g₂ = [−0.07, 0.04].
  { spec: { kind: "momentum", lr: 0.1, momentum: 0.9 }, first: [0.95, -1.9], second: [0.88, -1.86], why: "w + v" },
  // w₁ = w₀ + 1.9·v₁ = [0.905, −1.81]; w₂ = w₁ − 0.9·v₁ + 1.9·v₂ = [0.905 + 0.045 − 0.133, −1.81 − 0.09 + 0.076].
  { spec: { kind: "nesterov", lr: 0.1, momentum: 0.9 }, first: [0.905, -1.81], second: [0.817, -1.824], why: "w − μv + (1+μ)v'" },
  // G₁ = [0.25, 1]: w₁ = w₀ − 0.1·g₁/(√G₁ + 1e-8) ≈ [0.9, −1.9]; G₂ = [0.3125, 1.25]: w₂ = w₁ − [0.025/0.559017, 0.05/1.118034].
  { spec: { kind: "adagrad", lr: 0.1, eps: 1e-8 }, first: [0.900000002, -1.900000001], second: [0.8552786432500041, -1.9447213601499957], why: "G + g²" },
  // E₁ = 0.1·g₁² = [0.025, 0.1]: w₁ = w₀ − 0.1·g₁/√E₁ = [1 − 0.316228, −2 + 0.316228]; E₂ = [0.02875, 0.115].
  { spec: { kind: "rmsprop", lr: 0.1, rho: 0.9, eps: 1e-8 }, first: [0.6837722539831608, -1.6837722439831617], second: [0.5363303065239152, -1.831214195790233], why: "E[g²]" },
  // E[g²]₁ = 0.05·g₁² = [0.0125, 0.05]; Δ₁ = −√(0 + 1e-6)/√(E[g²]₁ + 1e-6)·g₁ = [−0.0044720, 0.0044721]; E[Δ²]₁ = 0.05·Δ₁².
  { spec: { kind: "adadelta", lr: 1, rho: 0.95, eps: 1e-6 }, first: [0.9955280429197062, -1.9955279087656892], second: [0.9926414455230534, -1.9984146216222929], why: "E[Δ²]" },
  // Step 1: m̂ = g₁, v̂ = g₁², so w₁ = w₀ − 0.1·g₁/(|g₁| + 1e-8). Step 2: m = [0.07, −0.04], v = [0.00031225, 0.001249];
  // m̂ = m/0.19, v̂ = v/0.001999: w₂[0] = 0.9 − 0.1·0.368421/0.395225.
  { spec: { kind: "adam", lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, first: [0.900000002, -1.900000001], second: [0.8067820404774624, -1.873366297370903], why: "bias-corrected moments" },
];

describe("first two updates, by hand", () => {
  it.each(cases)("$spec.kind ($why)", ({ spec, first, second }) => {
    const [a, b] = twoSteps(spec);
    expectPair(a, first);
    expectPair(b, second);
  });

  it("leaves its inputs untouched and keeps one arena-sized array per slot", () => {
    const slots = [new Float64Array(2), new Float64Array(2)];
    const r = referenceUpdate({ kind: "adam", lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, w0, g1, slots, { t: 1, lr: 0.1, ...plain });
    expect(Array.from(w0)).toEqual([1, -2]);
    expect(slots.every((s) => s.every((v) => v === 0))).toBe(true);
    expect(r.slots.map((s) => s.length)).toEqual([2, 2]);
  });

  it("uses the learning rate it is given, not the spec's", () => {
    const r = referenceUpdate({ kind: "sgd", lr: 0.1 }, w0, g1, [], { t: 1, lr: 0.5, ...plain });
    expect(Array.from(r.params)).toEqual([0.75, -1.5]);
  });
});

describe("L1 and L2 act on the first decayedCount floats only", () => {
  const reg = { t: 1, lr: 0.1, l1PerN: 0.2, l2PerN: 0.5 };
  it("sgd with one decayed weight", () => {
    // w₀: g = 0.5 + 0.5·1 + 0.2·sgn(1) = 1.2 → 1 − 0.12; w₁ is not decayed: −2 + 0.1.
    const r = referenceUpdate({ kind: "sgd", lr: 0.1 }, w0, g1, [], { ...reg, decayedCount: 1 });
    expectPair(Array.from(r.params), [0.88, -1.9], 15);
  });
  it("sgd with both decayed", () => {
    // w₁: g = −1 + 0.5·(−2) + 0.2·sgn(−2) = −2.2 → −2 + 0.22.
    const r = referenceUpdate({ kind: "sgd", lr: 0.1 }, w0, g1, [], { ...reg, decayedCount: 2 });
    expectPair(Array.from(r.params), [0.88, -1.78], 15);
  });
  it("nothing decayed with decayedCount 0, and sgn(0) = 0 adds no L1 pull", () => {
    expectPair(Array.from(referenceUpdate({ kind: "sgd", lr: 0.1 }, w0, g1, [], { ...reg, decayedCount: 0 }).params), [0.95, -1.9], 15);
    const zero = referenceUpdate({ kind: "sgd", lr: 0.1 }, Float64Array.from([0, 0]), Float64Array.from([0, 0]), [], { ...reg, decayedCount: 2 });
    expect(Array.from(zero.params)).toEqual([0, 0]);
  });
  it("the regularised gradient is what momentum's velocity sees", () => {
    // v = −0.1·1.2 = −0.12 on the decayed weight; −0.1·(−1) = 0.1 on the other.
    const r = referenceUpdate({ kind: "momentum", lr: 0.1, momentum: 0.9 }, w0, g1, [new Float64Array(2)], { ...reg, decayedCount: 1 });
    expectPair(Array.from(r.slots[0]!), [-0.12, 0.1], 15);
  });
});
