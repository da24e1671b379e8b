/** Pooling gradients against finite differences: max, average and l2 with padding, overlap and ceil rounding. */
import { describe, expect, it } from "vitest";
import { checkOpGradients, lowerSource, model } from "./helpers.js";

const modes = ["max", "average", "l2"] as const;
const geometries = [
  { input: "image 2x5x5", pool: "2x2" },
  { input: "image 2x5x5", pool: "2x2 rounding ceil" },
  { input: "image 2x6x5", pool: "3x3 stride 2 padding 1" },
  { input: "image 1x5x5", pool: "3x2 stride 2 padding same rounding ceil" },
  { input: "image 1x4x4", pool: "2x2 padding 2" },
  { input: "sequence 7x2", pool: "2 rounding ceil" },
  { input: "sequence 8x2", pool: "3 stride 2 padding [2, 1]" },
];
const cases = modes.flatMap((mode) => geometries.map((g) => ({ mode, ...g })));

describe("pool gradients equal finite differences", () => {
  it.each(cases)("$mode $pool on $input", ({ mode, input, pool }) => {
    const g = lowerSource(model(`input ${input}`, `pool ${mode} ${pool}`));
    const op = g.ops[0]!;
    expect(op.kind).toBe("pool");
    expect(checkOpGradients(g, op, { rows: 2 })).toBeGreaterThan(0);
  });
});
