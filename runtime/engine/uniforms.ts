/**
 * The per-step uniform block every kernel may bind as `StepUniforms`. The byte layout is the
 * contract with compiler/wgsl/kernel.ts (`wgslStepUniforms`); a test checks the two agree.
 */

import { UNIFORM_BYTES } from './manifest.js';

/** Values written once per step (or per evaluation batch). */
export interface StepValues {
  /** Training step counter from 1 (Adam's t, dropout's stream). */
  readonly step: number;
  /** Root seed for counter-based randomness (u32). */
  readonly seed: number;
  /** Rows of the batch that hold examples. */
  readonly rows: number;
  /** 1 in training steps, 0 in evaluation. */
  readonly training: number;
  readonly lr: number;
  /** λ₁/n and λ₂/n. */
  readonly l1: number;
  readonly l2: number;
  /** 1 − β₁ᵗ and 1 − β₂ᵗ (1 when the optimizer is not Adam). */
  readonly bias1: number;
  readonly bias2: number;
}

/** Packs the values into the 48 bytes of the WGSL struct (u32 ×4, f32 ×5, padding). */
export function packUniforms(u: StepValues, out: ArrayBuffer = new ArrayBuffer(UNIFORM_BYTES)): ArrayBuffer {
  const dv = new DataView(out);
  dv.setUint32(0, u.step >>> 0, true);
  dv.setUint32(4, u.seed >>> 0, true);
  dv.setUint32(8, u.rows >>> 0, true);
  dv.setUint32(12, u.training >>> 0, true);
  dv.setFloat32(16, u.lr, true);
  dv.setFloat32(20, u.l1, true);
  dv.setFloat32(24, u.l2, true);
  dv.setFloat32(28, u.bias1, true);
  dv.setFloat32(32, u.bias2, true);
  dv.setUint32(36, 0, true);
  dv.setUint32(40, 0, true);
  dv.setUint32(44, 0, true);
  return out;
}
