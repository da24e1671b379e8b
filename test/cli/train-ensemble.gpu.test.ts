// Needs a WebGPU adapter: a GPU, or Mesa's llvmpipe (apt-get install libegl1 libgles2 libegl-mesa0 libgl1-mesa-dri).
/** An ensemble trained member by member with derived seeds, with warm-up, a plateau schedule and early stopping. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { decodeSafetensors } from "../../runtime/checkpoint.js";
import { parseJsonLines } from "../../runtime/metrics.js";
import { dnncEnv } from "./train-run.js";

const tmp = mkdtempSync(join(tmpdir(), "dnnc-ensemble-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const source = `model Small {
  input image 1x28x28
  flatten
  dense 30 relu
  dropout 0.2
  dense 10 softmax
}

train Small {
  data mnist
  validation 0.1
  loss log_likelihood
  optimizer momentum lr 0.05 momentum 0.9
  schedule plateau patience 1 factor 0.5 min 0.1 on val_loss
  warmup 1 epochs
  regularize l2 0.1
  early_stop patience 1 on val_accuracy
  batch 16
  epochs 3
  ensemble 2 vote majority
  seed 3
}
`;

describe("dnnc train with `ensemble 2 vote majority`", () => {
  it("trains each member from its own seed, keeps each member's best epoch, and votes", async () => {
    const file = join(tmp, "small.dnn");
    writeFileSync(file, source);
    const r = await dnncEnv(["train", file, "--limit", "600", "--out", tmp]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^test accuracy \d+\.\d\d% \(ensemble of 2\)/);
    const records = parseJsonLines(readFileSync(join(tmp, "Small", "metrics.jsonl"), "utf8"));
    const epochs = records.filter((x) => x["kind"] === "epoch");
    expect(new Set(epochs.map((x) => x["member"]))).toEqual(new Set([0, 1]));
    // Warm-up: the first epoch's steps ramp η up from 0; afterwards the plateau factor applies.
    expect(epochs.every((x) => (x["lr"] as number) <= 0.05)).toBe(true);
    // Early stopping keeps the weights of each member's best validation epoch.
    for (const m of records.filter((x) => x["kind"] === "member")) {
      const mine = epochs.filter((x) => x["member"] === m["member"]);
      const best = Math.max(...mine.map((x) => x["val_accuracy"] as number));
      expect(mine.find((x) => x["epoch"] === m["best_epoch"])!["val_accuracy"]).toBe(best);
    }
    const tests = records.filter((x) => x["kind"] === "test");
    expect(tests.map((x) => x["member"])).toEqual([0, 1, "ensemble"]);
    expect(tests[0]!["test_accuracy"]).not.toBe(tests[1]!["test_accuracy"]);
    const weights = decodeSafetensors(new Uint8Array(readFileSync(join(tmp, "Small", "model.safetensors"))));
    expect(weights.tensors.get("member0.dense1.weight")!.data).not.toEqual(weights.tensors.get("member1.dense1.weight")!.data);
    const evaluated = await dnncEnv(["eval", join(tmp, "Small")]);
    expect(evaluated.stdout).toContain(`test accuracy ${((tests[2]!["test_accuracy"] as number) * 100).toFixed(2)}%`);
    expect(evaluated.stdout).toMatch(/ensemble of 2 \(members: \d+\.\d\d%, \d+\.\d\d%\)/);
  }, 90_000);
});
