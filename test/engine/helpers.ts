/** Compiling examples for the engine tests, without a device (portable target). */
import { compileModel, type CompileOptions, type CompiledModel } from "../../compiler/emit/compile.js";
import { checkExample } from "../compiler/helpers.js";

/** Compile one example file (its first trained model) for the portable target. */
export function compileExample(path: string, options: CompileOptions = {}): CompiledModel {
  const r = checkExample(path);
  const program = r.value.program!;
  return compileModel(program, r.value.checked!, path, options);
}

/** Largest |a − b| relative to the largest |b| (so float32 against float64 is judged by scale). */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 1e-12;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}

/** `n` pseudo-random inputs in [shift, 1 + shift) from a linear congruential generator seeded with `seed`. */
export function random(n: number, seed: number, shift = 0): Float32Array<ArrayBuffer> {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) + shift);
}
