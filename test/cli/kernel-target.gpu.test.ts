// Needs a WebGPU adapter. DNNC_TARGET=gpu runs the kernels a real GPU gets (workgroup-tiled implicit
// GEMMs) on whatever adapter is here, so the GPU path is trained end to end on every test run; both
// kernel sets must train the seed CNN to the same test accuracy.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dnncEnv } from "./train-run.js";

const out = mkdtempSync(join(tmpdir(), "dnnc-kernel-target-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** One epoch of fast-adam.dnn on 1,000 examples with the given kernels; run.json's target and accuracy. */
async function trainWith(target: "cpu" | "gpu"): Promise<{ target: string; accuracy: number }> {
  const dir = join(out, target);
  const r = await dnncEnv(["train", "examples/mnist/fast-adam.dnn", "--limit", "1000", "--epochs", "1", "--out", dir], { DNNC_TARGET: target }, 150_000);
  expect(r.code, r.stderr).toBe(0);
  const run = JSON.parse(readFileSync(join(dir, "FastReLU/run.json"), "utf8")) as { compiler: { target: string }; test_accuracy: number };
  return { target: run.compiler.target, accuracy: run.test_accuracy };
}

describe("DNNC_TARGET: the GPU kernels trained on the adapter at hand", () => {
  it("cpu and gpu kernels train the seed CNN to the same test accuracy", async () => {
    const cpu = await trainWith("cpu");
    const gpu = await trainWith("gpu");
    expect(cpu.target).toBe("cpu");
    expect(gpu.target).toBe("gpu");
    expect(cpu.accuracy).toBeGreaterThan(0.5);
    // Same data, initialisation and schedule; only the order of floating-point sums differs.
    expect(Math.abs(gpu.accuracy - cpu.accuracy)).toBeLessThan(0.005);
  }, 200_000);
});
