import { describe, expect, it } from "vitest";
import { median, minMax } from "../../bench/stats.js";

describe("median and min–max of timings", () => {
  it("takes the middle value of an odd count, unsorted input", () => {
    expect(median([409, 98, 538])).toBe(409);
  });
  it("averages the middle two of an even count", () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it("does not reorder its input", () => {
    const xs = [3, 1, 2];
    median(xs);
    expect(xs).toEqual([3, 1, 2]);
  });
  it("gives the extremes", () => {
    expect(minMax([5.5, 2, 9])).toEqual({ min: 2, max: 9 });
  });
  it("refuses an empty list", () => {
    expect(() => median([])).toThrow(/empty/);
    expect(() => minMax([])).toThrow(/empty/);
  });
});
