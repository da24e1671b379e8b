/** Test helpers for the reference executor: graphs from .dnn source, seeded numbers, finite differences. */
import { expect } from "vitest";
import { checkFile, memoryHost } from "../../compiler/index.js";
import type { IrGraph, IrOp } from "../../compiler/ir/graph.js";
import { lowerModel } from "../../compiler/ir/lower.js";
import type { Loss } from "../../compiler/train/spec.js";
import { referenceOf, type ForwardArgs } from "./ops/index.js";

/** Check `source` (one model) and lower it for `loss`; fails the test on any error. */
export function lowerSource(source: string, loss: Loss = "quadratic"): IrGraph {
  const r = checkFile("t.dnn", memoryHost({ "t.dnn": source }));
  const errors = r.diagnostics.filter((d) => d.severity !== "warning");
  expect(errors.map((d) => `${d.code}: ${d.message}`)).toEqual([]);
  const model = r.value.checked!.models[0]!;
  const out = model.nodes[model.output]!.shape;
  return lowerModel(model, loss, out.kind === "vector" ? out.n : 0);
}

/** A model `M` from its body lines. */
export const model = (...lines: string[]): string => `model M {\n${lines.map((l) => `  ${l}`).join("\n")}\n}\n`;

/** Seeded uniform numbers in [lo, hi) (mulberry32), so every test run sees the same values. */
export function seeded(seed: number, lo = -1, hi = 1): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
  };
}

/** n seeded numbers. */
export const randomArray = (n: number, next: () => number): Float64Array => Float64Array.from({ length: n }, next);

/** Central difference of f at x[i] (x is restored afterwards). */
export function centralDifference(f: () => number, x: Float64Array, i: number, h = 1e-5): number {
  const keep = x[i]!;
  x[i] = keep + h;
  const up = f();
  x[i] = keep - h;
  const down = f();
  x[i] = keep;
  return (up - down) / (2 * h);
}

/** Every element agrees to a relative error of `rel` (with a tiny absolute floor for values near 0). */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, rel = 1e-6, abs = 1e-8): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!(Math.abs(a - e) <= rel * Math.max(Math.abs(a), Math.abs(e)) + abs)) expect.fail(`${what}[${i}]: reference ${a}, finite difference ${e}`);
  }
}

/** Batch rows and StepUniforms-like settings for a single-op gradient check. */
export interface OpSetting {
  readonly rows: number;
  readonly training?: boolean;
  readonly seed?: number;
  readonly step?: number;
}

/**
 * Check one op's input and parameter gradients against central differences of the scalar
 * Σ dY ⊙ forward(X, params) for a random dY; returns how many derivatives were compared.
 */
export function checkOpGradients(graph: IrGraph, op: IrOp, s: OpSetting, seed = 1): number {
  const next = seeded(seed);
  const ref = referenceOf(op);
  const inputs = (op.kind === "add" || op.kind === "concat" ? op.xs : [op.x]).map((t) => randomArray(s.rows * graph.tensors[t]!.size, next));
  const params = randomArray(graph.paramCount, next);
  // Batch-norm running statistics: any mean, positive variances.
  const state = randomArray(graph.stateCount, seeded(seed + 1, 0.5, 1.5));
  const paramOf = new Map(graph.params.map((p) => [p.id, p]));
  const args = (): ForwardArgs => ({
    xs: inputs,
    param: (id) => params.subarray(paramOf.get(id)!.offset, paramOf.get(id)!.offset + paramOf.get(id)!.size),
    state,
    rows: s.rows,
    training: s.training ?? true,
    seed: s.seed ?? 7,
    step: s.step ?? 3,
  });
  const y = ref.forward(op, args());
  const dy = randomArray(y.length, next);
  const f = () => ref.forward(op, args()).reduce((sum, v, i) => sum + v * dy[i]!, 0);
  const back = { ...args(), y, dy };
  let compared = 0;
  inputs.forEach((x, index) => {
    const analytic = ref.input(op, index, back);
    expectClose(analytic, Array.from(x, (_, i) => centralDifference(f, x, i)), `${op.name} dX${index}`);
    compared += x.length;
  });
  for (const { param, grad } of ref.params(op, back)) {
    const p = paramOf.get(param)!;
    const numeric = Array.from({ length: p.size }, (_, i) => centralDifference(f, params, p.offset + i));
    expectClose(grad, numeric, `${op.name} d${p.name}`);
    compared += p.size;
  }
  return compared;
}

/** A parameter arena with the named parameters set (the rest 0). */
export function arena(graph: IrGraph, values: Record<string, readonly number[]>): Float64Array {
  const a = new Float64Array(graph.paramCount);
  for (const [name, v] of Object.entries(values)) {
    const p = graph.params.find((q) => q.name === name);
    expect(p, `parameter ${name}`).toBeDefined();
    expect(v.length, `size of ${name}`).toBe(p!.size);
    a.set(v, p!.offset);
  }
  return a;
}

/** The state arena at its initial fill (running mean 0, running variance 1). */
export const initialState = (graph: IrGraph): Float64Array => Float64Array.from(graph.state.flatMap((s) => Array.from({ length: s.size }, () => s.fill)));
