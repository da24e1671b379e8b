import { describe, expect, it } from "vitest";
import { dispatch1d, f32, makeKernel, u32c } from "../../../compiler/wgsl/common.js";
import type { RenderContext } from "../../../compiler/wgsl/kernel.js";

const ctx: RenderContext = { batch: 4, target: "cpu", maxWorkgroupSize: 256, maxWorkgroupsPerDimension: 65535, maxUniformBytes: 65536, where: () => "t.dnn:1" };

describe("renderer helpers", () => {
  it("writes f32 literals WGSL accepts", () => {
    expect([1, 0.5, 1e-5, -2, 1e21].map(f32)).toEqual(["1.0", "0.5", "0.00001", "-2.0", "1e+21"]);
    expect(() => f32(Infinity)).toThrow(/bug/);
  });

  it("dispatches 64-wide workgroups, folding into y past the limit", () => {
    expect(dispatch1d(1, ctx)).toEqual({ workgroups: [1, 1, 1], rowStride: 64 });
    expect(dispatch1d(65535 * 64 + 1, ctx)).toEqual({ workgroups: [65535, 2, 1], rowStride: 65535 * 64 });
    expect(dispatch1d(100, { ...ctx, maxWorkgroupSize: 32 })).toEqual({ workgroups: [4, 1, 1], rowStride: 128 });
  });

  it("wraps a body with its header, bindings, constants and a guarded entry point", () => {
    const k = makeKernel(
      { name: "t1_forward", phase: "forward", about: ["doubles x"], vars: [{ name: "x", buffer: "act:0", access: "read_write" }], uniforms: true, constants: [u32c("N", 3, "three")], invocations: 5, body: "  x[i] = 2.0 * x[i];", flops: 5, bytes: 40, fuses: ["t1"], origin: "t.dnn:1" },
      ctx,
    );
    expect(k.code.split("\n").slice(0, 2)).toEqual(["// t1_forward (t.dnn:1)", "// doubles x"]);
    expect(k.code).toContain("@group(0) @binding(0) var<storage, read_write> x: array<f32>;  // act:0");
    expect(k.code).toContain("@group(0) @binding(1) var<uniform> u: StepUniforms;");
    expect(k.code).toContain("const N: u32 = 3u;  // three");
    expect(k.code).toContain("  if (i >= INVOCATIONS) { return; }\n  x[i] = 2.0 * x[i];\n}");
    expect(k.bindings).toEqual([
      { buffer: "act:0", access: "read_write" },
      { buffer: "uniforms", access: "uniform" },
    ]);
    expect(k.trainingOnly).toBe(false);
  });
});
