// Needs a WebGPU adapter: a GPU, or Mesa's llvmpipe (apt-get install libegl1 libgles2 libegl-mesa0 libgl1-mesa-dri).
/**
 * The GEMM template's choices against the float64 reference: the gpu strategy (workgroup-memory
 * tiles), forced register tiles and K splits, workgroups spilling into grid y past the
 * per-dimension limit; plus what every rendered kernel promises (names, header, bindings, limits).
 * Set DNNC_BENCH=1 to also time a 512×512×512 GEMM with the cpu strategy.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderConv } from "../../../compiler/wgsl/conv.js";
import { renderDense } from "../../../compiler/wgsl/dense.js";
import { renderGemm, type GemmSpec } from "../../../compiler/wgsl/gemm.js";
import { checkGemmOp } from "./check.js";
import { GpuHarness, lowerSource, model, testContext } from "./harness.js";

let h: GpuHarness;
beforeAll(async () => {
  h = await GpuHarness.open();
}, 30_000);
afterAll(async () => {
  await h?.destroy();
});

describe("gpu strategy (32×32 workgroup tiles) equals the float64 reference", () => {
  it("dense 37 → 45 sigmoid, batch 35, accumulate", async () => {
    const { kernels } = await checkGemmOp(h, model("input vector 37", "dense 45 sigmoid"), { batch: 35, target: "gpu", accumulate: true });
    for (const k of kernels.filter((k) => !k.name.endsWith("_reduce"))) expect(k.code).toContain("@workgroup_size(8, 8)");
  });

  it("conv 3×3, padding same, stride 2, dilation 2, leaky_relu, with a K split", async () => {
    await checkGemmOp(h, model("input image 3x9x8", "conv 4 filters 3x3 stride 2 padding same dilation 2 leaky_relu slope 0.1"), { batch: 4, target: "gpu", options: { splitK: 3 } });
  });
});

describe("cpu register tiles and K splits", () => {
  const cases = [
    { tm: 16, tn: 2, splitK: 1 },
    { tm: 1, tn: 8, splitK: 4 },
    { tm: 8, tn: 16, splitK: 2 },
    // over 64 accumulators the stores run in a loop over the longer tile axis (selects pick the values)
    { tm: 16, tn: 8, splitK: 1 },
    { tm: 12, tn: 12, splitK: 3 },
  ];
  it.each(cases)("conv 1-D, tile $tm×$tn, $splitK K slices", async (options) => {
    const { kernels } = await checkGemmOp(h, model("input sequence 17x3", "conv 5 filters 4 stride 2 padding full dilation 2 relu"), { batch: 5, options });
    // (the column GEMM of dX stores vec4s of four positions instead, in a loop over the columns at any tile)
    const selected = kernels.filter((k) => k.code.includes("the selects pick the accumulator"));
    expect(selected.length > 0).toBe(options.tm * options.tn > 64);
  });

  it("tiles spill into grid y past maxWorkgroupsPerDimension", async () => {
    const { kernels } = await checkGemmOp(h, model("input image 2x8x8", "conv 3 filters 3x3 padding same tanh"), { batch: 6, options: { tm: 1, tn: 1, splitK: 1 }, limits: { maxWorkgroupsPerDimension: 5 } });
    expect(kernels.some((k) => k.workgroups[1] > 1)).toBe(true);
    expect(kernels.every((k) => k.workgroups.every((n) => n <= 5))).toBe(true);
  });

  it("a 1×1 tile per invocation on a 1-output dense with bias off", async () => {
    await checkGemmOp(h, model("input vector 9", "dense 1 tanh bias off"), { batch: 3, options: { tm: 1, tn: 1 } });
  });
});

describe("rendered kernels", () => {
  it("are named after the layer, cite the .dnn line, use every binding they declare and stay within compat limits", () => {
    // `valid` padding makes the cpu input gradient a column GEMM plus a col2im gather kernel.
    for (const padding of ["same", "valid"]) checkRendered(model("input image 3x16x16", `conv 8 filters 5x5 padding ${padding} relu bias off`, "flatten", "dense 10 sigmoid"));
  });
});

/** Every kernel of the conv and dense ops of `src`, for cpu and gpu targets, keeps the promises above. */
function checkRendered(src: string): void {
  const g = lowerSource(src);
  const [conv, dense] = g.ops;
  for (const [target, splitK] of [["cpu", "auto"], ["gpu", "auto"], ["cpu", 2]] as const) {
    const ctx = testContext(64, target, src);
    for (const op of [conv!, dense!]) {
      const ks = op.kind === "conv" ? renderConv(op, g, ctx, { splitK }) : op.kind === "dense" ? renderDense(op, g, ctx, { splitK }) : undefined;
      const all = [...ks!.forward, ...ks!.params, ...ks!.input(0, false), ...ks!.input(0, true)];
      const line = op.kind === "conv" ? 3 : 5;
      for (const k of all) {
        expect(k.name.startsWith(`${op.name}_`)).toBe(true);
        expect(k.origin).toBe(`t.dnn:${line}`);
        expect(k.code.split("\n")[0]).toBe(`// ${k.name}: ${op.name} (${op.kind}) at t.dnn:${line}`);
        if (k.code.includes("Implicit GEMM")) expect(k.code).toMatch(/^const M = \d+u; \/\/ /m);
        expect(k.bindings.filter((b) => b.access !== "uniform").length).toBeLessThanOrEqual(8);
        expect(k.workgroups.every((n) => n >= 1 && n <= ctx.maxWorkgroupsPerDimension)).toBe(true);
        const size = k.code.match(/@workgroup_size\((\d+)(?:, (\d+))?\)/)!;
        expect(Number(size[1]) * Number(size[2] ?? 1)).toBeLessThanOrEqual(ctx.maxWorkgroupSize);
        for (const b of k.bindings) if (b.buffer.startsWith("aux:")) expect(ks!.aux.map((a) => `aux:${a.name}`)).toContain(b.buffer);
        expect(k.code.includes("var<workgroup>")).toBe(target === "gpu" && !k.name.endsWith("_reduce"));
        // Pipelines with layout "auto" drop unused bindings, and a bind group naming them fails.
        k.bindings.forEach((_, i) => {
          const name = k.code.match(new RegExp(`@binding\\(${i}\\) var(?:<[^>]*>)? (\\w+):`))![1]!;
          expect(k.code.split(new RegExp(`\\b${name}[[.]`)).length, `${k.name} uses ${name}`).toBeGreaterThan(1);
        });
      }
      expect(new Set([...ks!.forward, ...ks!.params, ...ks!.input(0, false)].map((k) => k.name)).size).toBe(ks!.forward.length + ks!.params.length + ks!.input(0, false).length);
    }
  }
}

describe.skipIf(!process.env.DNNC_BENCH)("throughput", () => {
  it("512×512×512 GEMM, cpu strategy", async () => {
    const n = 512;
    const g = lowerSource(model(`input vector ${n}`, `dense ${n} bias off`));
    const spec: GemmSpec = {
      name: "matmul",
      phase: "forward",
      trainingOnly: false,
      op: "matmul",
      origin: "bench",
      fuses: [],
      summary: ["C = A·B"],
      m: n,
      n,
      k: n,
      dims: { m: "rows", n: "columns", k: "inner" },
      constants: [],
      bindings: [
        { name: "a", buffer: "act:0", access: "read", use: "load" },
        { name: "b", buffer: "params", access: "read", use: "load" },
        { name: "c", buffer: "act:1", access: "read_write", use: "store" },
      ],
      a: { doc: "A[m, k]", body: "return a[m * K + k];" },
      b: { doc: "B[k, n]", body: "return b[k * N + n];" },
      store: { doc: "C[m, n]", body: "c[m * N + n] = value;" },
    };
    for (const tile of [undefined, [4, 4], [8, 8], [16, 16]] as const) {
      const ks = renderGemm(spec, testContext(n), tile ? { tm: tile[0], tn: tile[1] } : {});
      const s = await h.time(g, n, ks.aux, ks.kernels, 5);
      const label = ks.kernels[0]!.code.match(/owns a (\S+) register tile/)![1];
      console.log(`${h.description}: 512³ GEMM, cpu ${label}${tile ? "" : " (auto)"}: ${((2 * n ** 3) / s / 1e9).toFixed(2)} GFLOP/s (${(s * 1e3).toFixed(1)} ms)`);
    }
  }, 120_000);
});
