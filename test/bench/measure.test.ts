import { describe, expect, it } from "vitest";
import { evaluationTooSlow, measure, stepsPerWindow, type BenchTrainer } from "../../bench/measure.js";
import type { ByteImages } from "../../bench/mnist.js";
import type { PeerRequest } from "../../bench/protocol.js";

/** A trainer on a fake clock: each step costs `stepMs` (the first `firstMs`), and it records what it saw. */
function fakeTrainer(clock: { t: number }, stepMs: number, firstMs: number) {
  const seen: number[] = [];
  let steps = 0;
  const trainer: BenchTrainer = {
    async step(_images, labels) {
      clock.t += steps++ === 0 ? firstMs : stepMs;
      seen.push(labels[0]!);
    },
    async sync() {},
    async evaluate(_images, labels, count) {
      return labels.slice(0, count).filter((l) => l % 2 === 0).length / count;
    },
  };
  return { trainer, seen, steps: () => steps };
}

const set = (count: number): ByteImages => ({ count, pixels: new Uint8Array(count * 784), labels: Uint8Array.from({ length: count }, (_, i) => i % 10) });
const req = (o: Partial<PeerRequest> = {}): PeerRequest => ({ peer: "ours", model: "cnn", batch: 2, warmupSteps: 2, windowSteps: 5, windows: 3, capSeconds: 10, accuracySteps: 18, testImages: 10, ...o });

describe("one peer's measurement", () => {
  it("times the first step alone, then three windows; images/s from the clock", async () => {
    const clock = { t: 0 };
    const f = fakeTrainer(clock, 100, 3000);
    const m = await measure(f.trainer, set(100), set(10), req(), () => clock.t);
    expect(m.firstStepMs).toBe(3000);
    expect(m.windowRates).toEqual([20, 20, 20]); // 5 steps × 2 images in 0.5 s
    expect(f.steps()).toBe(18);
    expect(m.imagesTrained).toBe(36);
    expect(m.accuracy).toBe(0.5);
    expect(m.notes).toEqual([]);
  });
  it("feeds the training set in file order, wrapping around", async () => {
    const clock = { t: 0 };
    const f = fakeTrainer(clock, 1, 1);
    await measure(f.trainer, set(7), set(10), req({ batch: 2, warmupSteps: 0, windowSteps: 1, accuracySteps: 4 }), () => clock.t);
    expect(f.seen).toEqual([0, 2, 4, 6 % 7]);
  });
  it("cuts slow windows to fit the cap, then trains on untimed to the common image count", async () => {
    const clock = { t: 0 };
    const f = fakeTrainer(clock, 1000, 1000);
    const m = await measure(f.trainer, set(100), set(10), req({ capSeconds: 6, accuracySteps: 10 }), () => clock.t);
    expect(m.windowRates).toEqual([2, 2, 2]); // 2 steps per window: 6 s ÷ 3 windows ÷ 1 s
    expect(m.imagesTrained).toBe(20);
    expect(m.accuracy).not.toBeNull();
    expect(m.notes[0]).toMatch(/cut to 2 steps/);
  });
  it("leaves accuracy out when training on to the common count would pass the cap", async () => {
    const clock = { t: 0 };
    const f = fakeTrainer(clock, 1000, 1000);
    const m = await measure(f.trainer, set(100), set(10), req({ capSeconds: 6, accuracySteps: 100 }), () => clock.t);
    expect(m.accuracy).toBeNull();
    expect(m.notes.at(-1)).toMatch(/not evaluated: training on to 200 images/);
  });
});

describe("window size and evaluation budget", () => {
  it("keeps the asked steps when they fit, at least one step otherwise", () => {
    expect(stepsPerWindow(10, 3, 30, 0.1)).toBe(10);
    expect(stepsPerWindow(10, 3, 30, 2)).toBe(5);
    expect(stepsPerWindow(10, 3, 30, 60)).toBe(1);
  });
  it("estimates a forward pass at a third of a training step", () => {
    expect(evaluationTooSlow(10_000, 100, 30)).toBe(true); // 33 s
    expect(evaluationTooSlow(10_000, 120, 30)).toBe(false); // 27.8 s
  });
});
