/** The CPU picture helpers: grey mapping, the 3×5 font and grid layout, checked pixel by pixel. */
import { describe, expect, it } from "vitest";
import { cell, drawGrey, drawText, grid, greyLevel, rangeOf, raster, textWidth } from "../../runtime/raster.js";

const at = (r: ReturnType<typeof raster>, x: number, y: number) => [...r.rgb.subarray((y * r.width + x) * 3, (y * r.width + x) * 3 + 3)];

describe("grey scale", () => {
  it("maps lo to 0, hi to 255, clamps outside, and inverts on request", () => {
    expect(greyLevel(0, { lo: 0, hi: 2 })).toBe(0);
    expect(greyLevel(1, { lo: 0, hi: 2 })).toBe(128);
    expect(greyLevel(5, { lo: 0, hi: 2 })).toBe(255);
    expect(greyLevel(-1, { lo: 0, hi: 2 })).toBe(0);
    expect(greyLevel(0, { lo: 0, hi: 2, invert: true })).toBe(255);
  });
  it("finds the range of finite values, and a unit range for constant input", () => {
    expect(rangeOf([3, -1, NaN, 2])).toEqual({ lo: -1, hi: 3 });
    expect(rangeOf([4, 4])).toEqual({ lo: 4, hi: 5 });
    expect(rangeOf([])).toEqual({ lo: 0, hi: 1 });
  });
  it("draws a value as a zoom × zoom block", () => {
    const r = raster(4, 2);
    drawGrey(r, 0, 0, [0, 1], 1, 2, { lo: 0, hi: 1 }, 2);
    expect(at(r, 0, 0)).toEqual([0, 0, 0]);
    expect(at(r, 1, 1)).toEqual([0, 0, 0]);
    expect(at(r, 2, 0)).toEqual([255, 255, 255]);
    expect(at(r, 3, 1)).toEqual([255, 255, 255]);
  });
});

describe("text", () => {
  it("draws the glyph for 1 in its 3×5 cell", () => {
    const r = raster(3, 5);
    drawText(r, 0, 0, "1", [0, 0, 0]);
    const ink = Array.from({ length: 15 }, (_, i) => (at(r, i % 3, Math.floor(i / 3))[0] === 0 ? "#" : ".")).join("");
    expect(ink).toBe(".#." + "##." + ".#." + ".#." + "###");
  });
  it("measures text: 3 pixels per glyph, 1 between", () => {
    expect(textWidth("7>2")).toBe(11);
    expect(textWidth("7>2", 2)).toBe(22);
    expect(textWidth("")).toBe(0);
  });
  it("refuses a character it has no glyph for", () => {
    expect(() => drawText(raster(8, 8), 0, 0, "x", [0, 0, 0])).toThrow(/no glyph/);
  });
});

describe("grid", () => {
  it("lays out cells row by row with gaps", () => {
    const g = grid(5, 10, 8, 3, 2);
    expect(g).toMatchObject({ columns: 3, rows: 2, width: 3 * 12 + 2, height: 2 * 10 + 2 });
    expect(cell(g, 0)).toEqual({ x: 2, y: 2 });
    expect(cell(g, 4)).toEqual({ x: 14, y: 12 });
  });
});
