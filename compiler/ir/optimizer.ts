/**
 * Optimizer semantics, shared by the WGSL update kernel and the CPU reference. g is the gradient of
 * the mean data loss over the mini-batch; for the first `decayedCount` floats of the arena (dense
 * and conv weights) the regularisers add (λ₂/n)·w + (λ₁/n)·sgn(w) to g first, n being the number
 * of training examples per epoch (the seeds' λ/2n·Σw² and λ/n·Σ|w|). t counts steps from 1.
 * The arena's zero padding between tensors (lowerModel aligns each to 4 floats) has w = 0 and
 * g = 0, so every rule below, regularisers included (sgn(0) = 0), keeps it 0.
 *
 *   sgd       w ← w − η·g
 *   momentum  v ← μ·v − η·g;  w ← w + v                                 (seeds' form)
 *   nesterov  v' ← μ·v − η·g;  w ← w − μ·v + (1 + μ)·v';  v ← v'
 *   adagrad   G ← G + g²;  w ← w − η·g / (√G + ε)
 *   adadelta  E[g²] ← ρ·E[g²] + (1−ρ)·g²;  Δ = −√(E[Δ²] + ε) / √(E[g²] + ε) · g;
 *             E[Δ²] ← ρ·E[Δ²] + (1−ρ)·Δ²;  w ← w + η·Δ
 *   rmsprop   E[g²] ← ρ·E[g²] + (1−ρ)·g²;  w ← w − η·g / (√E[g²] + ε)
 *   adam      m ← β₁·m + (1−β₁)·g;  v ← β₂·v + (1−β₂)·g²;
 *             w ← w − η·(m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
 */
import type { OptimizerSpec } from "../train/spec.js";

/** Optimizer state arrays per parameter (each the size of the arena), in the order named. */
export const stateSlots: Record<OptimizerSpec["kind"], readonly string[]> = {
  sgd: [],
  momentum: ["velocity"],
  nesterov: ["velocity"],
  adagrad: ["sum_sq"],
  adadelta: ["avg_sq_grad", "avg_sq_update"],
  rmsprop: ["avg_sq_grad"],
  adam: ["m", "v"],
};
