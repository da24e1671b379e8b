/**
 * The kernel plan of every example: order of a training step, buffer sizes, binding limits, and the
 * manifest the runtime reads. No adapter needed.
 */
import { describe, expect, it } from "vitest";
import { backwardSchedule } from "../../compiler/ir/autodiff.js";
import { MissingRendererError } from "../../compiler/schedule/plan.js";
import { verifyPlan } from "../../compiler/schedule/verify.js";
import { renderers } from "../../compiler/wgsl/index.js";
import { checkManifest, ManifestError } from "../../runtime/engine/manifest.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { exampleFiles, root } from "../compiler/helpers.js";
import { compileExample } from "./helpers.js";

/** Examples with a `train` block (block libraries define no model to compile). */
const examples = exampleFiles().filter((f) => /^\s*train\s/m.test(readFileSync(join(root, f), "utf8")));

describe.each(examples)("plan of %s", (path) => {
  const c = compileExample(path);
  const { plan, manifest, graph } = c;
  const kernels = new Map(plan.kernels.map((k) => [k.name, k]));

  it("verifies and binds at most 8 storage buffers per kernel", () => {
    expect(verifyPlan(plan)).toEqual([]);
    for (const k of plan.kernels) expect(k.bindings.filter((b) => b.access !== "uniform").length, k.name).toBeLessThanOrEqual(8);
  });

  it("orders a training step: forward, loss, backward, one update at the end", () => {
    const phases = plan.train.map((n) => kernels.get(n)!.phase);
    const rank = { forward: 0, loss: 1, backward: 2, update: 3 } as const;
    for (let i = 1; i < phases.length; i++) expect(rank[phases[i]!], `${plan.train[i]} after ${plan.train[i - 1]}`).toBeGreaterThanOrEqual(rank[phases[i - 1]!]);
    expect(phases[0]).toBe("forward");
    expect(phases.at(-1)).toBe("update");
    expect(phases.filter((p) => p === "update")).toHaveLength(1);
    expect(new Set(plan.train).size).toBe(plan.train.length);
  });

  it("runs the ops' forward kernels in graph order and their backward kernels in reverse", () => {
    const opIndex = new Map(graph.ops.map((op, i) => [op.name, i]));
    const indices = (phase: string) =>
      plan.train.map((n) => kernels.get(n)!).filter((k) => k.phase === phase && opIndex.has(k.fuses[0]!)).map((k) => opIndex.get(k.fuses[0]!)!);
    const forward = indices("forward");
    const backward = indices("backward");
    expect(forward).toEqual([...forward].sort((a, b) => a - b));
    expect(backward).toEqual([...backward].sort((a, b) => b - a));
    const opsWithGradients = new Set(backwardSchedule(graph).flatMap((s) => (s.kind === "loss" ? [] : [s.op.name])));
    expect(new Set(backward).size).toBe(opsWithGradients.size);
  });

  it("evaluates with the forward and loss kernels only, none training-only", () => {
    for (const n of plan.evaluate) {
      const k = kernels.get(n)!;
      expect(["forward", "loss"]).toContain(k.phase);
      expect(k.trainingOnly).toBe(false);
    }
    expect(plan.evaluate.some((n) => kernels.get(n)!.name.startsWith("loss"))).toBe(true);
  });

  it("sizes every buffer from the graph", () => {
    const words = new Map(plan.buffers.map((b) => [b.name, b.words]));
    for (const b of plan.buffers) {
      if (b.tensor !== undefined) expect(b.words, b.name).toBe(plan.ctx.batch * graph.tensors[b.tensor]!.size);
    }
    expect(words.get("params")).toBe(graph.paramCount);
    expect(words.get("grads")).toBe(graph.paramCount);
    expect(words.get("labels")).toBe(plan.ctx.batch);
    expect(words.get("uniforms")).toBe(12);
    expect(words.get(`act:${graph.input}`)).toBe(plan.ctx.batch * graph.tensors[graph.input]!.size);
    if (plan.optimizerSlots.length > 0) expect(words.get("opt")).toBe(plan.optimizerSlots.length * graph.paramCount);
  });

  it("lays the parameter arena out in vec4s: weights first, each tensor at a multiple of 4 floats, zero padding at most 3", () => {
    let end = 0;
    for (const p of graph.params) {
      expect(p.offset % 4, p.name).toBe(0);
      expect(p.offset, p.name).toBe(Math.ceil(end / 4) * 4);
      end = p.offset + p.size;
    }
    expect(graph.paramCount).toBe(Math.ceil(end / 4) * 4);
    const weights = graph.params.filter((p) => p.decay);
    expect(graph.params.slice(0, weights.length)).toEqual(weights);
    const weightsEnd = weights.length === 0 ? 0 : weights.at(-1)!.offset + weights.at(-1)!.size;
    expect(graph.decayedCount).toBe(Math.ceil(weightsEnd / 4) * 4);
    expect(graph.decayedCount % 4).toBe(0);
    const update = plan.kernels.find((k) => k.phase === "update")!;
    expect(update.code).toContain("array<vec4<f32>>");
    expect(update.code).not.toContain("select(");
  });

  it("describes itself in a manifest the runtime accepts", () => {
    const roundTrip = checkManifest(JSON.parse(JSON.stringify(manifest)));
    expect(roundTrip.steps.train).toEqual(plan.train);
    expect(roundTrip.kernels.map((k) => k.file)).toEqual(plan.kernels.map((k) => `kernels/${k.name}.wgsl`));
    expect(roundTrip.params.map((p) => [p.name, p.offset, p.size])).toEqual(graph.params.map((p) => [p.name, p.offset, p.size]));
    expect([roundTrip.paramCount, roundTrip.decayedCount]).toEqual([graph.paramCount, graph.decayedCount]);
    expect(manifest.source.sha256).toMatch(/^[0-9a-f]{64}$/);
    for (const k of plan.kernels) expect(c.code.get(k.name)).toContain("fn main");
  });
});

describe("planning without a renderer", () => {
  it("names every op kind whose renderer is missing, with where it is used", () => {
    const without = { ...renderers, ops: { ...renderers.ops, conv: undefined, pool: undefined } };
    expect(() => compileExample("examples/mnist/3-two-conv-pool.dnn", { renderers: without })).toThrow(MissingRendererError);
    // The lines of the first conv and pool layers in the file (comments above them move them).
    const lines = readFileSync("examples/mnist/3-two-conv-pool.dnn", "utf8").split("\n");
    const conv = lines.findIndex((l) => /^\s*conv /.test(l)) + 1;
    const pool = lines.findIndex((l) => /^\s*pool /.test(l)) + 1;
    expect(() => compileExample("examples/mnist/3-two-conv-pool.dnn", { renderers: without })).toThrow(
      new RegExp(`no WGSL renderer yet for op kind \`conv\` \\(conv1 at examples/mnist/3-two-conv-pool\\.dnn:${conv}\\), op kind \`pool\` \\(pool1 at .*:${pool}\\)`),
    );
  });
});

describe("manifest checks", () => {
  const { manifest } = compileExample("examples/mnist/1-fc100-sigmoid.dnn");

  it("rejects another version, and dangling kernel or buffer names", () => {
    expect(() => checkManifest({ ...manifest, version: 99 })).toThrow(ManifestError);
    expect(() => checkManifest({ ...manifest, steps: { train: ["nope"], evaluate: [] } })).toThrow(/unknown kernel nope/);
    expect(() => checkManifest({ ...manifest, buffers: manifest.buffers.filter((b) => b.name !== "params") })).toThrow(/unknown buffer params/);
  });

  it("rejects a chunked binding whose offsets do not match the kernel's dispatches", () => {
    const cpu = compileExample("examples/mnist/fast-adam.dnn", { target: "cpu", maxWorkgroupSize: 256, maxWorkgroupsPerDimension: 65535 }).manifest;
    expect(checkManifest(cpu)).toBe(cpu);
    const kernels = cpu.kernels.map((k) => (k.name === "conv2_pool2_forward" ? { ...k, chunks: 12 } : k));
    expect(() => checkManifest({ ...cpu, kernels })).toThrow(/kernel conv2_pool2_forward binds act:\d+ at 13 offsets for 12 dispatches/);
  });

  it("records the training settings without source spans", () => {
    expect(manifest.training).toMatchObject({ loss: "log_likelihood", optimizer: { kind: "sgd", lr: 0.1 }, batch: 10, epochs: 60, seed: 1, validation: 10000 });
    expect(JSON.stringify(manifest)).not.toContain('"span"');
    expect(manifest.output).toEqual({ buffer: `act:${manifest.params.length > 0 ? 2 : 0}`, classes: 10, activation: "softmax" });
  });
});

describe("buffers bound twice", () => {
  const { plan } = compileExample("examples/mnist/fast-adam.dnn");
  const withBindings = (extra: (k: (typeof plan.kernels)[number]) => (typeof plan.kernels)[number]["bindings"]) => ({
    ...plan,
    kernels: plan.kernels.map((k, i) => (i === 0 ? { ...k, bindings: [...k.bindings, ...extra(k)] } : k)),
  });

  it("are sound when every binding of the buffer is read-only (a vec4 alias), not when one writes", () => {
    const first = plan.kernels[0]!;
    const read = first.bindings.find((b) => b.access === "read")!;
    const written = first.bindings.find((b) => b.access === "read_write")!;
    expect(verifyPlan(withBindings(() => [{ buffer: read.buffer, access: "read" }]))).toEqual([]);
    expect(verifyPlan(withBindings(() => [{ buffer: written.buffer, access: "read" }]))).toContain(`kernel ${first.name} binds one buffer twice, not read-only`);
  });
});

describe("chunked kernels (CPU adapters: operands bound as uniform ranges, one dispatch per chunk)", () => {
  const { plan, manifest, graph } = compileExample("examples/mnist/fast-adam.dnn", { target: "cpu", maxWorkgroupSize: 256, maxWorkgroupsPerDimension: 65535 });
  const kernel = (name: string) => plan.kernels.find((k) => k.name === name)!;
  const words = (name: string) => plan.buffers.find((b) => b.name === name)!.words;

  it("verifies, and sizes each buffer bound in ranges for its last chunk", () => {
    expect(verifyPlan(plan)).toEqual([]);
    // conv2 reads pool1's output (20×12×12 = 2,880 floats an image) in 13 chunks of 5: 65 images' worth.
    const x = kernel("conv2_pool2_forward").bindings.find((b) => b.range && b.buffer.startsWith("act:"))!;
    expect(kernel("conv2_pool2_forward").chunks).toBe(13);
    expect(x.range).toEqual({ size: 5 * 2880 * 4, offsets: Array.from({ length: 13 }, (_, j) => j * 5 * 2880 * 4) });
    expect(words(x.buffer)).toBe(65 * 2880);
    expect(graph.tensors[Number(x.buffer.slice(4))]!.size).toBe(2880);
    // One chunk index every 256 bytes, for the kernel with the most chunks (the column GEMM: 11 × 2).
    expect(kernel("conv2_grad_input_cols").chunks).toBe(22);
    expect(words("chunks")).toBe((22 * 256) / 4);
    expect(manifest.buffers.find((b) => b.name === "chunks")!.role).toBe("chunks");
    for (const k of plan.kernels) {
      for (const b of k.bindings) if (b.range) for (const o of b.range.offsets) expect(o + b.range.size, `${k.name} ${b.buffer}`).toBeLessThanOrEqual(words(b.buffer) * 4);
    }
  });

  it("the verifier names unaligned, oversized or miscounted ranges and a chunked kernel without its chunk index", () => {
    const k = kernel("conv2_pool2_forward");
    const broken = (change: (b: (typeof k.bindings)[number]) => (typeof k.bindings)[number], unchunked = false) => ({
      ...plan,
      kernels: plan.kernels.map((x) => (x === k ? { ...k, chunks: unchunked ? undefined : k.chunks, bindings: k.bindings.map((b, i) => (i === 0 ? change(b) : b)) } : x)),
    });
    expect(verifyPlan(broken((b) => ({ ...b, range: { ...b.range!, offsets: b.range!.offsets.map((o) => o + 16) } })))).toContainEqual(expect.stringMatching(/^kernel conv2_pool2_forward binds act:\d+ at offsets 16, .* not all multiples of 256$/));
    expect(verifyPlan(broken((b) => ({ ...b, range: { ...b.range!, size: 65_552 } })))).toContain(`kernel conv2_pool2_forward binds 65552 bytes of ${k.bindings[0]!.buffer} as a uniform buffer (limit 65536)`);
    expect(verifyPlan(broken((b) => ({ ...b, range: { ...b.range!, offsets: b.range!.offsets.slice(1) } })))).toContain(`kernel conv2_pool2_forward binds ${k.bindings[0]!.buffer} at 12 offsets for 13 dispatches`);
    expect(verifyPlan(broken((b) => ({ ...b, access: "read", range: undefined as never })))).toEqual([]);
    expect(verifyPlan(broken((b) => b, true))).toContain("kernel conv2_pool2_forward is not chunked but binds the chunk index");
    expect(verifyPlan(broken((b) => ({ ...b, access: "read" })))).toContainEqual(expect.stringMatching(/binds act:\d+ as read with a range$/));
  });
});
