import { describe, expect, it } from "vitest";
import type { ProgressSnapshot } from "../../runtime/progress.js";
import { LossSeries } from "../../web/src/series.js";
import { chartSvg, niceCeil } from "../../web/src/chart.js";

const snap = (epoch: number, images: number, loss: number, accuracy: number): ProgressSnapshot => ({
  epoch, epochs: 2, step: images / 10, stepsPerEpoch: 100, images, epochSeconds: 1, runSeconds: 1, loss, accuracy,
});

describe("the chart's series", () => {
  it("turns an epoch's running means into the means between updates", () => {
    const s = new LossSeries(1000);
    // 200 images at mean loss 2.0, then 300 more at 1.0: running mean (400 + 300) / 500 = 1.4.
    expect(s.add(snap(1, 200, 2.0, 0.25))).toEqual({ images: 200, loss: 2.0, accuracy: 0.25 });
    const p = s.add(snap(1, 500, 1.4, (50 + 240) / 500))!;
    expect(p.images).toBe(500);
    expect(p.loss).toBeCloseTo(1.0, 12);
    expect(p.accuracy).toBeCloseTo(0.8, 12);
    expect(s.add(snap(1, 500, 1.4, 0.58))).toBeUndefined(); // nothing new
    // A new epoch restarts the running means; x continues from the previous epoch's images.
    const q = s.add(snap(2, 100, 0.5, 0.9))!;
    expect(q).toEqual({ images: 1100, loss: 0.5, accuracy: 0.9 });
    expect(s.points.length).toBe(3);
  });

  it("draws one point per entry with its values, on round axes", () => {
    expect([0.3, 1, 1.7, 2.1, 3, 7, 2300].map(niceCeil)).toEqual([0.5, 1, 2, 2.5, 5, 10, 2500]);
    const svg = chartSvg([{ images: 100, loss: 2.2, accuracy: 0.2 }, { images: 3000, loss: 0.6, accuracy: 0.8 }], { width: 200, height: 100 });
    const points = [...svg.matchAll(/data-images="(\d+)" data-loss="([\d.]+)" data-accuracy="([\d.]+)"/g)].map((m) => m.slice(1).map(Number));
    expect(points).toEqual([[100, 2.2, 0.2], [3000, 0.6, 0.8]]);
    // Loss axis 0…2.5, drawn in the 200×100 box less its margins (48 left/right, 12 top, 30 bottom).
    const cy = [...svg.matchAll(/cy="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(cy[0]).toBeCloseTo(12 + 58 - (2.2 / 2.5) * 58, 1);
    expect(svg).toContain(">100%<");
  });
});
