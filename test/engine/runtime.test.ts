/** The engine's CPU side: uniform layout, initialisers, weights files, ensembles, data preparation. */
import { describe, expect, it } from "vitest";
import { wgslStepUniforms } from "../../compiler/wgsl/kernel.js";
import { initialParams, initialState } from "../../runtime/engine/init.js";
import { packUniforms } from "../../runtime/engine/uniforms.js";
import type { Manifest } from "../../runtime/engine/manifest.js";
import { decodeSafetensors, encodeSafetensors } from "../../runtime/checkpoint.js";
import { makeImageSet } from "../../runtime/data/image-set.js";
import { prepareData } from "../../runtime/train/data.js";
import { accuracyOf, combine, confusionMatrix, probabilities } from "../../runtime/train/ensemble.js";
import { initialLoopState } from "../../runtime/train/loop.js";
import { loopCheckpoint, readResumePoint } from "../../runtime/train/resume.js";
import { membersCheckpoint, readMembers } from "../../runtime/train/weights.js";
import { compileExample } from "./helpers.js";

const fc = compileExample("examples/mnist/1-fc100-sigmoid.dnn").manifest;

function stats(xs: Float32Array): { mean: number; std: number; min: number; max: number } {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const std = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
  return { mean, std, min: Math.min(...xs), max: Math.max(...xs) };
}

/** A manifest whose one parameter uses `init`, for testing initialisers in isolation. */
function oneParam(init: Manifest["params"][number]["init"], fanIn = 400, fanOut = 100): Manifest {
  const p = { name: "w", role: "weight" as const, dims: [fanIn, fanOut], offset: 0, size: fanIn * fanOut, init, fanIn, fanOut, decay: true };
  return { ...fc, params: [p], paramCount: p.size, state: [], stateCount: 0 };
}

describe("step uniforms", () => {
  it("puts each value at the offset of its field in the WGSL struct the kernels declare", () => {
    const u = { step: 7, seed: 0xdeadbeef, rows: 3, training: 1, lr: 0.05, l1: 1e-5, l2: 2e-4, bias1: 0.1, bias2: 0.001 };
    const fields = [...wgslStepUniforms.matchAll(/^\s*(\w+): (u32|f32),$/gm)].map((m) => [m[1]!, m[2]!] as const);
    expect(fields.length * 4).toBe(48);
    const dv = new DataView(packUniforms(u));
    fields.forEach(([name, type], i) => {
      if (name.startsWith("_pad")) return;
      const expected = u[name as keyof typeof u];
      if (type === "u32") expect(dv.getUint32(4 * i, true)).toBe(expected >>> 0);
      else expect(dv.getFloat32(4 * i, true)).toBeCloseTo(expected, 6);
    });
  });
});

describe("parameter initialisation", () => {
  it("draws scaled_normal as N(0, 1/√fanIn), he as N(0, √(2/fanIn)), standard_normal as N(0, 1)", () => {
    const sd = (init: Manifest["params"][number]["init"]) => stats(initialParams(oneParam(init), 1, 0)).std;
    expect(sd({ kind: "scaled_normal" })).toBeCloseTo(1 / 20, 2);
    expect(sd({ kind: "he" })).toBeCloseTo(Math.sqrt(2 / 400), 2);
    expect(sd({ kind: "standard_normal" })).toBeCloseTo(1, 1);
  });

  it("draws glorot uniformly within ±√(6/(fanIn+fanOut)) and fills constants", () => {
    const g = stats(initialParams(oneParam({ kind: "glorot" }), 1, 0));
    const limit = Math.sqrt(6 / 500);
    expect(g.max).toBeLessThanOrEqual(limit);
    expect(g.min).toBeGreaterThanOrEqual(-limit);
    expect(g.std).toBeCloseTo(limit / Math.sqrt(3), 2);
    expect(new Set(initialParams(oneParam({ kind: "constant", value: 0.25 }), 1, 0))).toEqual(new Set([0.25]));
  });

  it("is reproducible per (seed, member) and differs between members", () => {
    expect(initialParams(fc, 1, 0)).toEqual(initialParams(fc, 1, 0));
    expect(initialParams(fc, 1, 1)).not.toEqual(initialParams(fc, 1, 0));
    expect(initialParams(fc, 2, 0)).not.toEqual(initialParams(fc, 1, 0));
    const bias = fc.params.find((p) => p.role === "bias")!;
    expect(Array.from(initialParams(fc, 1, 0).subarray(bias.offset, bias.offset + bias.size)).every((v) => v === 0)).toBe(true);
  });

  it("starts batch-norm running variance at 1 and mean at 0", () => {
    const m = compileExample("examples/residual/small-resnet.dnn").manifest;
    const s = initialState(m);
    for (const st of m.state) expect(new Set(s.subarray(st.offset, st.offset + st.size))).toEqual(new Set([st.fill]));
    expect(m.state.some((st) => st.fill === 1)).toBe(true);
  });
});

describe("weights files", () => {
  const members = [0, 1, 2].map((k) => ({ params: initialParams(fc, 5, k), state: initialState(fc) }));

  it("name one model's tensors as in the .dnn file, and prefix ensemble members", () => {
    const one = decodeSafetensors(encodeSafetensors(membersCheckpoint(fc, members.slice(0, 1), { x: "1" })));
    expect([...one.tensors.keys()]).toEqual(["dense1.weight", "dense2.weight", "dense1.bias", "dense2.bias"]);
    expect(one.tensors.get("dense1.weight")!.shape).toEqual([784, 100]);
    const three = decodeSafetensors(encodeSafetensors(membersCheckpoint(fc, members, {})));
    expect(three.tensors.has("member2.dense2.bias")).toBe(true);
    expect(readMembers(fc, three).map((w) => w.params)).toEqual(members.map((w) => w.params));
    expect(readMembers(fc, one)[0]!.params).toEqual(members[0]!.params);
  });

  it("refuse weights of another model", () => {
    const other = compileExample("examples/mnist/3-two-conv-pool.dnn").manifest;
    const file = decodeSafetensors(encodeSafetensors(membersCheckpoint(fc, members.slice(0, 1), {})));
    expect(() => readMembers(other, file, "fc.safetensors")).toThrow(/fc\.safetensors has no weights of model TwoConvPool|no tensor conv1\.weight/);
  });

  it("round-trip a resumable checkpoint with optimizer state and best weights", () => {
    const adam = compileExample("examples/residual/small-resnet.dnn").manifest;
    const w = { params: initialParams(adam, 3, 1), state: initialState(adam) };
    const opt = Float32Array.from({ length: adam.optimizerSlots.length * adam.paramCount }, (_, i) => i % 7);
    const state = { ...initialLoopState(1), epoch: 3, step: 420 };
    const c = decodeSafetensors(encodeSafetensors(loopCheckpoint(adam, { "dnnc.seed": "3" }, state, [w], w, opt, w)));
    const r = readResumePoint(adam, c, "ckpt");
    expect(r.state).toEqual(state);
    expect(r.finished).toHaveLength(1);
    expect(r.current.params).toEqual(w.params);
    expect(r.best?.state).toEqual(w.state);
    expect(r.optimizer.subarray(0, opt.length)).toEqual(opt);
  });

  it("refuse optimizer state laid out for another arena", () => {
    const adam = compileExample("examples/residual/small-resnet.dnn").manifest;
    const w = { params: initialParams(adam, 3, 1), state: initialState(adam) };
    const opt = new Float32Array(adam.optimizerSlots.length * adam.paramCount);
    const c = decodeSafetensors(encodeSafetensors(loopCheckpoint(adam, {}, initialLoopState(1), [w], w, opt, w)));
    const grown = { ...adam, paramCount: adam.paramCount + 4 };
    expect(() => readResumePoint(grown, c, "ckpt")).toThrow(new RegExp(`ckpt: optimizer\\.\\w+ holds ${adam.paramCount} values but this build of the model lays out ${adam.paramCount + 4}.*without --resume`));
  });
});

describe("predictions", () => {
  const manifest = { ...fc, output: { ...fc.output, classes: 3 } };

  it("turns logits into softmax probabilities when the loss fused softmax", () => {
    const p = probabilities(manifest, Float32Array.from([0, 0, Math.log(2)]), 1);
    expect(Array.from(p).map((x) => Number(x.toFixed(6)))).toEqual([0.25, 0.25, 0.5]);
  });

  it("combines members by majority vote (ties to the higher mean) or by average", () => {
    const a = Float32Array.from([0.6, 0.4, 0, 0.1, 0.5, 0.4]);
    const b = Float32Array.from([0.55, 0.45, 0, 0.1, 0.45, 0.45]);
    const c = Float32Array.from([0, 0.9, 0.1, 0, 0.2, 0.8]);
    expect(Array.from(combine([a, b, c], 2, 3, "majority"))).toEqual([0, 1]);
    expect(Array.from(combine([a, b, c], 2, 3, "average"))).toEqual([1, 2]);
    expect(Array.from(combine([a, c], 1, 3, "majority"))).toEqual([1]);
  });

  it("counts a confusion matrix and accuracy", () => {
    expect(confusionMatrix([0, 1, 1, 2], [0, 1, 2, 2], 3)).toEqual([
      [1, 0, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
    expect(accuracyOf([0, 1, 1, 2], [0, 1, 2, 2])).toBe(0.75);
  });
});

describe("training data", () => {
  const shape = { channels: 1, height: 28, width: 28 };
  const set = (n: number) => makeImageSet(shape, Float32Array.from({ length: n * 784 }, (_, i) => (i % 784) / 784 + Math.floor(i / 784)), Uint8Array.from({ length: n }, (_, i) => i % 10));

  it("holds out the validation count, limits to the first N, validating on ⌈N/5⌉", () => {
    const m = { ...fc, training: { ...fc.training, validation: 30 } };
    const full = prepareData(m, set(100), undefined, { seed: 1 });
    expect([full.train.count, full.validation!.count]).toEqual([70, 30]);
    const quick = prepareData(m, set(100), undefined, { seed: 1, limit: 20 });
    expect([quick.train.count, quick.validation!.count]).toEqual([20, 4]);
    expect(Array.from(quick.train.images.subarray(0, 784))).toEqual(Array.from(full.train.images.subarray(0, 784)));
  });

  it("adds four shifted copies per shift augmentation", () => {
    const m = { ...fc, training: { ...fc.training, validation: 0, augment: [{ kind: "shift" as const, pixels: 1 }] } };
    expect(prepareData(m, set(10), undefined, { seed: 1 }).train.count).toBe(50);
  });

  it("rejects images of the wrong size and labels beyond the classes", () => {
    const small = makeImageSet({ channels: 1, height: 8, width: 8 }, new Float32Array(64), new Uint8Array(1));
    expect(() => prepareData(fc, small, undefined, { seed: 1 })).toThrow(/1×8×8 \(64 values\) but model FC100 takes 1×28×28 \(784\)/);
    const bad = makeImageSet(shape, new Float32Array(784), Uint8Array.from([12]));
    expect(() => prepareData({ ...fc, training: { ...fc.training, validation: 0 } }, bad, undefined, { seed: 1 })).toThrow(/label 12/);
  });
});
