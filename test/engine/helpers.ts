/** Compiling examples for the engine tests (portable target unless given one), and the device they run on. */
import { afterAll, beforeAll } from "vitest";
import { compileModel, type CompileOptions, type CompiledModel, type TargetOptions } from "../../compiler/emit/compile.js";
import { deviceTarget } from "../../compiler/emit/target.js";
import type { GpuHandle } from "../../runtime/device.js";
import { requestNodeDevice } from "../../runtime/node/gpu.js";
import { checkExample } from "../compiler/helpers.js";

/**
 * Opens a device (a GPU, else llvmpipe) before the file's tests and closes it after them; `target` is
 * what `dnnc train` compiles for on it (deviceTarget: CPU kernels on software adapters, its limits).
 */
export function testDevice(): { readonly gpu: GpuHandle; readonly target: TargetOptions } {
  let gpu: GpuHandle | undefined;
  beforeAll(async () => {
    gpu = await requestNodeDevice();
  });
  afterAll(async () => {
    await gpu?.destroy();
  });
  const open = () => {
    if (!gpu) throw new Error("testDevice(): the device opens in beforeAll");
    return gpu;
  };
  return {
    get gpu() {
      return open();
    },
    get target() {
      return deviceTarget(open());
    },
  };
}

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
