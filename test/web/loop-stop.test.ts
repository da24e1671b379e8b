import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Engine } from "../../runtime/engine/engine.js";
import type { Manifest } from "../../runtime/engine/manifest.js";
import { makeImageSet } from "../../runtime/data/image-set.js";
import type { MetricsRecord } from "../../runtime/metrics.js";
import { trainLoop } from "../../runtime/train/loop.js";
import { checkSource, compileChecked } from "../../web/src/check.js";

const path = "examples/mnist/1-fc100-sigmoid.dnn";
const manifest: Manifest = compileChecked(checkSource(readFileSync(path, "utf8"), path)).manifest;

/** Records what the loop asks of the GPU; every example counts as correct with loss 1. */
function fakeEngine(onStep: (step: number) => void) {
  const words = (name: string) => Math.max(1, manifest.buffers.find((b) => b.name === name)?.words ?? 0);
  let pending = 0;
  const calls = { steps: 0, evaluations: [] as number[] };
  const engine = {
    manifest,
    writeParams: () => undefined,
    writeState: () => undefined,
    writeOptimizer: () => undefined,
    resetOptimizer: () => undefined,
    readParams: async () => new Float32Array(words("params")),
    readState: async () => new Float32Array(0),
    readOptimizer: async () => new Float32Array(0),
    async trainStep(_x: Float32Array, _l: ArrayLike<number>, v: { rows: number }) {
      calls.steps++;
      pending += v.rows;
      onStep(calls.steps);
    },
    async readMetrics() {
      const m = { lossSum: pending, correct: pending, examples: pending };
      pending = 0;
      return m;
    },
    async evaluate(e: { count: number }, o: { outputs?: boolean } = {}) {
      calls.evaluations.push(e.count);
      return { lossSum: e.count, correct: e.count, examples: e.count, ...(o.outputs ? { outputs: new Float32Array(e.count * 10) } : {}) };
    },
  };
  return { engine: engine as unknown as Engine, calls };
}

const set = (n: number) => makeImageSet({ channels: 1, height: 28, width: 28 }, new Float32Array(n * 784), new Uint8Array(n));

describe("stopping the training loop (a page's Stop button)", () => {
  it("stops before the next step, records no partial epoch, and evaluates the weights so far", async () => {
    const controller = new AbortController();
    const { engine, calls } = fakeEngine((step) => step === 7 && controller.abort());
    const records: MetricsRecord[] = [];
    const logs: string[] = [];
    let checkpoints = 0;
    const result = await trainLoop({
      engine,
      data: { train: set(1000), validation: set(50), test: set(30) },
      seed: 1,
      epochs: 3,
      signal: controller.signal,
      io: { progress: { update: () => undefined, log: (l) => logs.push(l), finish: () => undefined }, record: (r) => records.push(r), saveCheckpoint: () => checkpoints++ },
    });
    expect(calls.steps).toBe(7); // batch 10: 100 steps an epoch, stopped after the 7th
    expect(result.stopped).toBe(true);
    expect(result.members.length).toBe(1);
    expect(result.members[0]!.history).toEqual([]);
    expect(calls.evaluations).toEqual([30]); // no validation of the partial epoch; the test set once
    expect(checkpoints).toBe(0);
    expect(records.map((r) => r["kind"])).toEqual(["member", "test"]);
    expect(records[0]).toMatchObject({ kind: "member", epochs: 0, stopped: true });
    expect(logs[0]).toBe("stopped in epoch 1/3 after 7 of its 100 steps; this epoch is not recorded");
  });

  it("runs every epoch when the signal never fires", async () => {
    const { engine, calls } = fakeEngine(() => undefined);
    const result = await trainLoop({
      engine,
      data: { train: set(95), validation: undefined, test: undefined },
      seed: 1,
      epochs: 2,
      signal: new AbortController().signal,
      io: { progress: { update: () => undefined, log: () => undefined, finish: () => undefined }, record: () => undefined, saveCheckpoint: () => undefined },
    });
    expect(calls.steps).toBe(20); // ⌈95/10⌉ steps, twice
    expect(result.stopped).toBe(false);
    expect(result.members[0]!.history.map((h) => h.epoch)).toEqual([1, 2]);
  });
});
