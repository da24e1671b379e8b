// Needs a WebGPU adapter: a GPU, or Mesa's llvmpipe (apt-get install libegl1 libgles2 libegl-mesa0 libgl1-mesa-dri).
/** `dnnc train` end to end on the first MNIST example, then `dnnc eval` and `dnnc predict` on its weights. */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeSafetensors } from "../../runtime/checkpoint.js";
import { loadDataset } from "../../runtime/node/datasets.js";
import { parseJsonLines } from "../../runtime/metrics.js";
import { root, type Run } from "./run.js";
import { dnncEnv } from "./train-run.js";

const source = "examples/mnist/1-fc100-sigmoid.dnn";
const out = mkdtempSync(join(tmpdir(), "dnnc-train-"));
const dir = join(out, "FC100");
let train: Run;

beforeAll(async () => {
  // 2 epochs of the first 2000 examples at batch 10: 400 steps.
  train = await dnncEnv(["train", source, "--limit", "2000", "--epochs", "2", "--out", out]);
}, 90_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("dnnc train examples/mnist/1-fc100-sigmoid.dnn --limit 2000 --epochs 2", () => {
  it("trains: the loss falls and test accuracy beats chance (10%) by a wide margin", () => {
    expect(train.stderr).not.toMatch(/^\s+at .+\.[jt]s:\d+:\d+/m); // a JavaScript stack (Dawn prints native "at" lines)
    expect(train.code).toBe(0);
    const records = parseJsonLines(readFileSync(join(dir, "metrics.jsonl"), "utf8"));
    const epochs = records.filter((r) => r["kind"] === "epoch");
    expect(epochs.map((r) => r["epoch"])).toEqual([1, 2]);
    expect(epochs[1]!["step"]).toBe(400);
    expect(epochs[1]!["train_loss"] as number).toBeLessThan(epochs[0]!["train_loss"] as number);
    expect(epochs[1]!["val_loss"] as number).toBeLessThan(1.2);
    const test = records.find((r) => r["kind"] === "test")!;
    expect(test["examples"]).toBe(10000);
    expect(test["test_accuracy"] as number).toBeGreaterThan(0.6);
    expect(train.stdout).toMatch(/^test accuracy \d+\.\d\d%\n\d+ images\/s on \w+: /);
  });

  it("writes the run: manifest with file hash, adapter and seed, weights, plot, checkpoint", () => {
    const run = JSON.parse(readFileSync(join(dir, "run.json"), "utf8"));
    expect(run).toMatchObject({ model: "FC100", status: "finished", seed: 1, epochs: 2, limit: 2000, batch: 10, training_examples: 2000, validation_examples: 400 });
    expect(run.source.sha256).toBe(createHash("sha256").update(readFileSync(join(root, source))).digest("hex"));
    expect(run.adapter).toMatch(/^\w+: /);
    expect(run.images_per_second).toBeGreaterThan(0);
    const weights = decodeSafetensors(new Uint8Array(readFileSync(join(dir, "model.safetensors"))));
    expect(weights.tensors.get("dense1.weight")!.shape).toEqual([784, 100]);
    expect(weights.metadata["dnnc.sha256"]).toBe(run.source.sha256);
    expect(readFileSync(join(dir, "training.svg"), "utf8")).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    expect(existsSync(join(dir, "checkpoint.safetensors"))).toBe(true);
  });

  it("eval: reports the same test accuracy and a 10×10 confusion matrix", async () => {
    const r = await dnncEnv(["eval", dir]);
    expect(r.code).toBe(0);
    const accuracy = /test accuracy (\d+\.\d\d)%/.exec(train.stdout)![1];
    expect(r.stdout).toContain(`FC100: test accuracy ${accuracy}% (`);
    const rows = r.stdout.split("\n").filter((l) => /^\d\s+(\s*\d+){10}$/.test(l));
    expect(rows).toHaveLength(10);
    const total = rows.flatMap((l) => l.trim().split(/\s+/).slice(1).map(Number)).reduce((a, b) => a + b, 0);
    expect(total).toBe(10000);
  });

  it("predict: one line per requested test image", async () => {
    const r = await dnncEnv(["predict", join(dir, "model.safetensors"), "0", "1", "9999"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n")).toEqual([
      expect.stringMatching(/^image 0: predicted \d \(p = 0\.\d{3}\), label 7/),
      expect.stringMatching(/^image 1: predicted \d \(p = 0\.\d{3}\), label 2/),
      expect.stringMatching(/^image 9999: predicted \d \(p = 0\.\d{3}\), label \d/),
    ]);
  });

  it("eval --misclassified: draws every wrong test image in a PNG whose size follows from their count", async () => {
    const png = join(out, "wrong.png");
    const r = await dnncEnv(["eval", dir, "--misclassified", png]);
    expect(r.code).toBe(0);
    const accuracy = Number(/test accuracy (\d+\.\d\d)%/.exec(r.stdout)![1]);
    const wrong = Number(/(\d+) misclassified test images/.exec(r.stdout)![1]);
    expect(wrong).toBe(Math.round(10000 * (1 - accuracy / 100)));
    const [width, height] = pngSize(png);
    // 12 columns of 56-pixel cells (28 × 2) with 6-pixel gaps; rows of 56 + 10 (caption) + 4.
    expect(width).toBe(12 * 62 + 6);
    expect(height).toBe(Math.ceil(wrong / 12) * (56 + 10 + 4 + 6) + 6);
  });

  it("viz: draws the input layer's 100 units as 28×28 filters and reports dense1's activations as the weights imply", async () => {
    const pictures = join(out, "pictures");
    const r = await dnncEnv(["viz", dir, "--image", "3", "--layer", "dense1", "--out", pictures]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`dense1.weight (100×1×28×28): ${join(pictures, "filters.png")}`);
    expect(pngSize(join(pictures, "filters.png"))).toEqual([10 * (56 + 4) + 4, 10 * (56 + 4) + 4]);
    // dense1 = sigmoid(x · W + b) for test image 3, computed here from the saved weights.
    const w = decodeSafetensors(new Uint8Array(readFileSync(join(dir, "model.safetensors"))));
    const W = w.tensors.get("dense1.weight")!.data;
    const b = w.tensors.get("dense1.bias")!.data;
    const test = loadDataset("mnist", "test");
    const x = test.images.subarray(3 * 784, 4 * 784);
    const a = Array.from({ length: 100 }, (_, u) => {
      let z = b[u]!;
      for (let i = 0; i < 784; i++) z += x[i]! * W[i * 100 + u]!;
      return 1 / (1 + Math.exp(-z));
    });
    const [, min, max, mean] = /dense1 \(100; min (\S+), max (\S+), mean (\S+)\)/.exec(r.stdout)!.map(Number);
    expect(min).toBeCloseTo(Math.min(...a), 3);
    expect(max).toBeCloseTo(Math.max(...a), 3);
    expect(mean).toBeCloseTo(a.reduce((s, v) => s + v, 0) / 100, 3);
  });

  it("viz: names the layers there are when asked for one that is not", async () => {
    const r = await dnncEnv(["viz", dir, "--layer", "conv9", "--out", join(out, "pictures")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error: no layer output named `conv9`; this model has: input, dense1, dense2");
  });
});

describe("dnnc train --data fashion_mnist", () => {
  it("trains on Fashion-MNIST, records it, and eval uses it again", async () => {
    const fashionOut = mkdtempSync(join(tmpdir(), "dnnc-fashion-"));
    try {
      const r = await dnncEnv(["train", source, "--limit", "1000", "--epochs", "1", "--data", "fashion_mnist", "--out", fashionOut]);
      expect(r.code).toBe(0);
      const run = JSON.parse(readFileSync(join(fashionOut, "FC100", "run.json"), "utf8"));
      expect(run.data).toEqual({ kind: "fashion_mnist" });
      const w = decodeSafetensors(new Uint8Array(readFileSync(join(fashionOut, "FC100", "model.safetensors"))));
      expect(w.metadata["dnnc.data"]).toBe("fashion_mnist");
      const trained = /^test accuracy (\d+\.\d\d)%/m.exec(r.stdout)![1];
      const e = await dnncEnv(["eval", join(fashionOut, "FC100")]);
      expect(e.code).toBe(0);
      expect(e.stdout).toContain(`FC100: test accuracy ${trained}% (`);
    } finally {
      rmSync(fashionOut, { recursive: true, force: true });
    }
  });

  it("refuses a data set it does not know, naming the two it does", async () => {
    const r = await dnncEnv(["train", source, "--data", "cifar10"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("use `mnist` or `fashion_mnist`");
  });
});

/** Width and height from a PNG's IHDR chunk. */
function pngSize(path: string): [number, number] {
  const b = readFileSync(path);
  expect([...b.subarray(1, 4)].map((c) => String.fromCharCode(c)).join("")).toBe("PNG");
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}
