/**
 * Check a dense or conv op's kernels against the float64 reference (test/reference/ops): forward,
 * then parameter gradients over `rows` < batch examples and the input gradient (overwrite or
 * accumulate), all in one command buffer, backward reading the forward's own output Y.
 */
import { expect } from "vitest";
import type { ConvOp, DenseOp, IrGraph } from "../../../compiler/ir/graph.js";
import { renderConv } from "../../../compiler/wgsl/conv.js";
import { renderDense } from "../../../compiler/wgsl/dense.js";
import type { ConvOptions } from "../../../compiler/wgsl/conv.js";
import type { BufferName, Kernel, OpKernels } from "../../../compiler/wgsl/kernel.js";
import { referenceOf, type ForwardArgs } from "../../reference/ops/index.js";
import { expectClose, lowerSource, randomF32, seeded, testContext, uniformsFor, type GpuHarness } from "./harness.js";

export interface CheckSetting {
  readonly batch: number;
  /** Examples the parameter gradients sum over (uniforms.rows); default batch − 1. */
  readonly rows?: number;
  readonly target?: "cpu" | "gpu";
  readonly accumulate?: boolean;
  readonly seed?: number;
  /** GEMM plan overrides (tile, split, strategy), the conv input-gradient path, and render limits. */
  readonly options?: ConvOptions;
  readonly limits?: Parameters<typeof testContext>[3];
}

/** What a check ran, for assertions about the kernels themselves. */
export interface CheckResult {
  readonly graph: IrGraph;
  readonly op: DenseOp | ConvOp;
  readonly kernels: readonly Kernel[];
  readonly aux: OpKernels["aux"];
}

/** Render the first op of `source` (a dense or conv) and compare every kernel's output with the reference. */
export async function checkGemmOp(h: GpuHarness, source: string, s: CheckSetting): Promise<CheckResult> {
  const g = lowerSource(source);
  const op = g.ops[0]!;
  if (op.kind !== "dense" && op.kind !== "conv") throw new Error(`first op is ${op.kind}`);
  const { batch } = s;
  const rows = s.rows ?? batch - 1;
  const accumulate = s.accumulate ?? false;
  const ctx = testContext(batch, s.target ?? "cpu", source, s.limits);
  const ks: OpKernels = op.kind === "dense" ? renderDense(op, g, ctx, s.options) : renderConv(op, g, ctx, s.options);
  const next = seeded(s.seed ?? 11);
  const xSize = g.tensors[op.x]!.size;
  const ySize = g.tensors[op.y]!.size;
  const x = randomF32(batch * xSize, next);
  const fanIn = g.params[op.weight]!.fanIn;
  // Weights ~ U(−1, 1)·√(3/fanIn) keep pre-activations O(1), so sigmoid and tanh do not saturate.
  const params = randomF32(g.paramCount, () => next() * Math.sqrt(3 / fanIn));
  const dy = randomF32(batch * ySize, next);
  const dx0 = randomF32(batch * xSize, next);
  const grads0 = randomF32(g.paramCount, () => 1000 + next());
  const input = ks.input(0, accumulate);
  const kernels = [...ks.forward, ...ks.params, ...input];
  const data = new Map<BufferName, Float32Array<ArrayBuffer>>([
    [`act:${op.x}`, x],
    ["params", params],
    [`grad:${op.y}`, dy],
    [`grad:${op.x}`, dx0],
    ["grads", grads0],
  ]);
  const out = await h.run(g, batch, ks.aux, kernels, data, uniformsFor(rows), [`act:${op.y}`, "grads", `grad:${op.x}`]);

  const ref = referenceOf(op);
  const f64 = (a: Float32Array) => Float64Array.from(a);
  const paramOf = new Map(g.params.map((p) => [p.id, p]));
  const args = (n: number, xs: Float64Array): ForwardArgs => ({
    xs: [xs.subarray(0, n * xSize)],
    param: (id) => f64(params).subarray(paramOf.get(id)!.offset, paramOf.get(id)!.offset + paramOf.get(id)!.size),
    state: new Float64Array(0),
    rows: n,
    training: true,
    seed: 7,
    step: 1,
  });
  const yGpu = out.get(`act:${op.y}`)!;
  expectClose(yGpu, ref.forward(op, args(batch, f64(x))), `${op.name} Y`);

  const y = f64(yGpu);
  const back = (n: number) => ({ ...args(n, f64(x)), y: y.subarray(0, n * ySize), dy: f64(dy).subarray(0, n * ySize) });
  const grads = out.get("grads")!;
  const touched = new Set<number>();
  for (const { param, grad } of ref.params(op, back(rows))) {
    const p = paramOf.get(param)!;
    expectClose(grads.subarray(p.offset, p.offset + p.size), grad, `${op.name} d${p.name}`);
    for (let i = 0; i < p.size; i++) touched.add(p.offset + i);
  }
  expect(touched.size, "weight and bias gradients").toBe(g.params[op.weight]!.size + (op.bias === undefined ? 0 : g.params[op.bias]!.size));
  grads.forEach((v, i) => {
    if (!touched.has(i)) expect(v, `grads[${i}] outside the op's parameters`).toBe(grads0[i]);
  });
  const dx = ref.input(op, 0, back(batch));
  expectClose(out.get(`grad:${op.x}`)!, accumulate ? dx.map((v, i) => v + dx0[i]!) : dx, `${op.name} dX${accumulate ? " (accumulated)" : ""}`);
  return { graph: g, op, kernels, aux: ks.aux };
}
