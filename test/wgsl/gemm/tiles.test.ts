/**
 * The cpu strategy's register-tile choice: besides powers of two, an axis may be cut into equal
 * parts, so layers with 20 or 40 filters get tiles that waste no padded rows or columns.
 */
import { describe, expect, it } from "vitest";
import { renderConv } from "../../../compiler/wgsl/conv.js";
import { tileSizes } from "../../../compiler/wgsl/gemm.js";
import { lowerSource, model, testContext } from "./harness.js";

describe("register tiles", () => {
  it("candidate edges are the powers of two plus ⌈size/q⌉ for q = 1…8 between 4 and 24", () => {
    expect(tileSizes(20)).toEqual([1, 2, 4, 5, 7, 8, 10, 16, 20]);
    expect(tileSizes(40)).toEqual([1, 2, 4, 5, 6, 7, 8, 10, 14, 16, 20]);
    expect(tileSizes(500)).toEqual([1, 2, 4, 8, 16]);
  });

  it("the seed CNN's conv layers get tiles whose column edge divides the filter count or leaves under 10% padding", () => {
    const src = model("input image 1x28x28", "conv 20 filters 5x5 relu", "pool max 2x2", "conv 40 filters 5x5 relu");
    const g = lowerSource(src);
    const ctx = testContext(64, "cpu", src, { maxWorkgroupSize: 256 });
    for (const op of g.ops) {
      if (op.kind !== "conv") continue;
      const forward = renderConv(op, g, ctx, { forward: "gemm" }).forward[0]!;
      const [, tm, tn] = forward.code.match(/owns a (\d+)×(\d+) register tile/)!.map(Number);
      expect(tm! * tn!).toBeLessThanOrEqual(256);
      const padded = Math.ceil(op.filters / tn!) * tn!;
      expect(padded / op.filters, `${op.name}: ${tm}×${tn}`).toBeLessThan(1.1);
    }
  });
});
