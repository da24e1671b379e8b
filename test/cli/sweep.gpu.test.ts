// Needs a WebGPU adapter: a GPU, or Mesa's llvmpipe (apt-get install libegl1 libgles2 libegl-mesa0 libgl1-mesa-dri).
/** `dnnc train` on a file with a sweep: one run per trial, ranked; --resume keeps finished trials. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseJsonLines } from "../../runtime/metrics.js";
import { dnncEnv } from "./train-run.js";

const dir = mkdtempSync(join(tmpdir(), "dnnc-sweep-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const source = join(dir, "sweep.dnn");
writeFileSync(
  source,
  `model Tiny {
  input image 1x28x28
  flatten
  dense 20 sigmoid
  dense 10 softmax
}

train Tiny {
  data mnist
  validation 100
  loss log_likelihood
  optimizer sgd lr 0.1
  batch 10
  epochs 1
  seed 3
  sweep grid lr [0.001, 0.5] batch [10, 25]
}
`,
);

describe("dnnc train with `sweep grid lr [0.001, 0.5] batch [10, 25]`", () => {
  it("trains the four trials with their settings and ranks them by validation accuracy", async () => {
    const r = await dnncEnv(["train", source, "--limit", "500", "--out", join(dir, "runs")]);
    expect(r.code).toBe(0);
    const root = join(dir, "runs", "Tiny-sweep");
    const trials = JSON.parse(readFileSync(join(root, "sweep.json"), "utf8")) as { trial: number; lr: number; batch: number; validation_accuracy: number; dir: string }[];
    expect(trials.map((t) => [t.trial, t.lr, t.batch])).toEqual([[1, 0.001, 10], [2, 0.001, 25], [3, 0.5, 10], [4, 0.5, 25]]);
    for (const t of trials) {
      const run = JSON.parse(readFileSync(join(t.dir, "run.json"), "utf8"));
      expect(run.batch).toBe(t.batch);
      const epoch = parseJsonLines(readFileSync(join(t.dir, "metrics.jsonl"), "utf8")).find((x) => x["kind"] === "epoch")!;
      expect(epoch["lr"]).toBeCloseTo(t.lr, 9);
    }
    // η 0.5 learns in 50 steps, η 0.001 hardly moves: the table puts the 0.5 trials first.
    const rows = r.stdout.split("\n").filter((l) => /^\d+\s+\d+\s/.test(l));
    expect(rows).toHaveLength(4);
    expect(rows.slice(0, 2).map((l) => l.split(/\s+/)[2])).toEqual(["0.5", "0.5"]);
    expect(r.stdout).toContain(`sweep: ${root}/`);
  });

  it("--resume keeps the finished trials", async () => {
    const r = await dnncEnv(["train", source, "--limit", "500", "--out", join(dir, "runs"), "--resume"]);
    expect(r.code).toBe(0);
    expect(r.stderr.match(/finished before; kept/g)).toHaveLength(4);
  });
});
