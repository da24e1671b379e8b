import { describe, expect, it } from "vitest";
import { CPU_IMAGE_BUDGET, FULL, plan, QUICK } from "../../bench/plan.js";

describe("the benchmark plan", () => {
  it("--quick: the CNN at batch 64 on ours, tfjs webgpu, tfjs wasm and torch", () => {
    const p = plan(QUICK);
    expect(p.map((x) => ("request" in x ? `${x.request.peer} ${x.request.model} ${x.request.batch}` : "skip"))).toEqual(["ours cnn 64", "tfjs-webgpu cnn 64", "tfjs-wasm cnn 64", "torch-cpu cnn 64"]);
  });
  it("full: every model × batch × peer, tfjs cpu left out where its image budget cannot hold four steps", () => {
    const p = plan(FULL);
    expect(p).toHaveLength(3 * 3 * 5);
    const skipped = p.filter((x) => "skip" in x).map((x) => ("skip" in x ? `${x.skip.peer} ${x.skip.model} ${x.skip.batch}` : ""));
    expect(skipped).toEqual(["tfjs-cpu cnn 256", "tfjs-cpu fc100 256", "tfjs-cpu dropout 256"]);
  });
  it("accuracy is taken after first step + warm-up + all windows, the same for every peer but tfjs cpu at a batch size", () => {
    for (const x of plan(FULL)) {
      if (!("request" in x)) continue;
      const r = x.request;
      expect(r.accuracySteps).toBe(1 + r.warmupSteps + r.windows * r.windowSteps);
      expect(r.windows).toBe(3);
      if (r.peer === "tfjs-cpu") expect(r.accuracySteps * r.batch).toBeLessThanOrEqual(CPU_IMAGE_BUDGET);
    }
    const cnn64 = plan(FULL).filter((x) => "request" in x && x.request.model === "cnn" && x.request.batch === 64 && x.request.peer !== "tfjs-cpu");
    expect(new Set(cnn64.map((x) => ("request" in x ? x.request.accuracySteps : 0))).size).toBe(1);
  });
  it("--quick evaluates on 2,000 test images, the full run on all 10,000", () => {
    for (const x of plan(QUICK)) if ("request" in x) expect(x.request.testImages).toBe(2000);
    for (const x of plan(FULL)) if ("request" in x) expect(x.request.testImages).toBe(10000);
  });
});
