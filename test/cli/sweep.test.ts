/** Which trials a sweep runs, what each changes, and how the trials are ranked. */
import { describe, expect, it } from "vitest";
import { describeTrial, sweepTable, sweepTrials, trialOverrides } from "../../cli/sweep.js";
import { withOverrides } from "../../runtime/train/overrides.js";
import { compileExample } from "../engine/helpers.js";

describe("sweepTrials", () => {
  it("grid: every combination, the first setting varying slowest", () => {
    const t = sweepTrials({ mode: "grid", trials: 10, values: { l2: [0, 1], lr: [0.1, 0.3, 0.5] } }, 1);
    expect(t.map((x) => x.values)).toEqual([
      { lr: 0.1, l2: 0 },
      { lr: 0.1, l2: 1 },
      { lr: 0.3, l2: 0 },
      { lr: 0.3, l2: 1 },
      { lr: 0.5, l2: 0 },
      { lr: 0.5, l2: 1 },
    ]);
    expect(t.map((x) => x.number)).toEqual([1, 2, 3, 4, 5, 6]);
  });
  it("random: `trials` distinct combinations from the grid, the same for the same seed", () => {
    const spec = { mode: "random" as const, trials: 5, values: { lr: [0.001, 0.003, 0.01, 0.03], batch: [10, 32, 64] } };
    const a = sweepTrials(spec, 42);
    expect(a).toHaveLength(5);
    const keys = a.map((x) => JSON.stringify(x.values));
    expect(new Set(keys).size).toBe(5);
    for (const x of a) {
      expect(spec.values.lr).toContain(x.values.lr);
      expect(spec.values.batch).toContain(x.values.batch);
    }
    expect(sweepTrials(spec, 42)).toEqual(a);
    const others = [1, 2, 3, 4, 5].map((s) => JSON.stringify(sweepTrials(spec, s).map((x) => x.values)));
    expect(new Set(others).size).toBeGreaterThan(1);
  });
  it("random with more trials than combinations runs each combination once", () => {
    const t = sweepTrials({ mode: "random", trials: 20, values: { lr: [0.1, 0.2] } }, 7);
    expect(t.map((x) => x.values)).toEqual([{ lr: 0.1 }, { lr: 0.2 }]);
  });
});

describe("a trial's settings", () => {
  it("become overrides of the compiled training (batch is a recompile, not an override)", () => {
    const trial = { number: 1, values: { lr: 0.05, batch: 32, l2: 0.5, epochs: 2, seed: 9 } };
    expect(trialOverrides(trial)).toEqual({ lr: 0.05, l2: 0.5, epochs: 2, seed: 9 });
    expect(describeTrial(trial)).toBe("lr 0.05, batch 32, epochs 2, l2 0.5, seed 9");
    const c = compileExample("examples/mnist/4-relu-l2.dnn");
    const t = withOverrides({ manifest: c.manifest, code: c.code }, trialOverrides(trial)).manifest.training;
    expect(t.optimizer).toMatchObject({ kind: "adam", lr: 0.05 });
    expect([t.l2, t.epochs, t.seed]).toEqual([0.5, 2, 9]);
  });
  it("momentum changes μ only for an optimizer that has one", () => {
    const c = compileExample("examples/mnist/4-relu-l2.dnn");
    const adam = withOverrides({ manifest: c.manifest, code: c.code }, { momentum: 0.5 }).manifest.training.optimizer;
    expect(adam).not.toHaveProperty("momentum");
    const withMomentum = { ...c.manifest, training: { ...c.manifest.training, optimizer: { kind: "momentum" as const, lr: 0.1, momentum: 0.9 } } };
    expect(withOverrides({ manifest: withMomentum, code: c.code }, { momentum: 0.5 }).manifest.training.optimizer).toEqual({ kind: "momentum", lr: 0.1, momentum: 0.5 });
  });
});

describe("sweepTable", () => {
  it("ranks by validation accuracy, then test accuracy, and shows only the swept columns", () => {
    const r = (n: number, lr: number, v: number | undefined, t: number) => ({ trial: { number: n, values: { lr } }, validationAccuracy: v, testAccuracy: t, dir: `runs/T-sweep/trial-${n}/T` });
    const table = sweepTable([r(1, 0.01, 0.9, 0.91), r(2, 0.1, 0.95, 0.94), r(3, 0.3, 0.95, 0.96)]);
    expect(table.split("\n")).toEqual([
      "rank  trial  lr    validation  test    run",
      "1     3      0.3   95.00%      96.00%  runs/T-sweep/trial-3/T",
      "2     2      0.1   95.00%      94.00%  runs/T-sweep/trial-2/T",
      "3     1      0.01  90.00%      91.00%  runs/T-sweep/trial-1/T",
    ]);
  });
});
