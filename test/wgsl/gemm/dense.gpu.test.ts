// Needs a WebGPU adapter: a GPU, or Mesa's llvmpipe (apt-get install libegl1 libgles2 libegl-mesa0 libgl1-mesa-dri).
/** Dense kernels (forward, dW + db, dX) against the float64 reference, for each fused activation. */
import { afterAll, beforeAll, describe, it } from "vitest";
import { checkGemmOp } from "./check.js";
import { GpuHarness, model } from "./harness.js";

let h: GpuHarness;
beforeAll(async () => {
  h = await GpuHarness.open();
}, 30_000);
afterAll(async () => {
  await h?.destroy();
});

describe("dense kernels equal the float64 reference", () => {
  const cases = [
    { act: "sigmoid", bias: "on", batch: 5, accumulate: false },
    { act: "tanh", bias: "off", batch: 6, accumulate: true },
    { act: "relu", bias: "on", batch: 9, accumulate: true },
    { act: "leaky_relu slope 0.2", bias: "on", batch: 4, accumulate: false },
    { act: "identity", bias: "off", batch: 3, accumulate: false },
  ];
  it.each(cases)("vector 13 → dense 7 $act, bias $bias, batch $batch, accumulate $accumulate (cpu)", async ({ act, bias, batch, accumulate }) => {
    await checkGemmOp(h, model("input vector 13", `dense 7 ${act} bias ${bias}`), { batch, accumulate });
  });
});
