/**
 * The sliding-window output-size formula (compiler/layers/window.ts), against values worked out by
 * hand. Every expected number below was computed on paper from the definitions, not by the code:
 *
 *   extent e = d·(k − 1) + 1               (k = kernel, d = dilation, s = stride)
 *   valid:  out = ⌊(in − e) / s⌋ + 1,       no padding
 *   same:   out = ⌈in / s⌉, total = max((out − 1)·s + e − in, 0), before = ⌊total / 2⌋, after = rest
 *   full:   pads e − 1 on each side, so out = ⌊(in + e − 2) / s⌋ + 1
 *
 * The (k, d) pairs used give e = 1 (k1 d1), 1 (k1 d2), 3 (k3 d1), 5 (k3 d2), 5 (k5 d1), 9 (k5 d2).
 */
import { describe, expect, it } from "vitest";
import { axisWindow, outputSize, resolvePads, unreadTail, type PaddingSpec } from "../../compiler/layers/window.js";
import { summarize } from "../../compiler/index.js";
import { formatShape } from "../../compiler/shape.js";
import { check } from "./helpers.js";

type Mode = "valid" | "same" | "full";
/** [padding, input, stride, kernel, dilation, output, pad before, pad after] */
type Row = readonly [Mode, number, number, number, number, number, number, number];

// prettier-ignore
const table: readonly Row[] = [
  // valid, in = 11: in − e = 10, 10, 8, 6, 6, 2
  ["valid", 11, 1, 1, 1, 11, 0, 0], ["valid", 11, 1, 1, 2, 11, 0, 0], ["valid", 11, 1, 3, 1, 9, 0, 0],
  ["valid", 11, 1, 3, 2, 7, 0, 0], ["valid", 11, 1, 5, 1, 7, 0, 0], ["valid", 11, 1, 5, 2, 3, 0, 0],
  ["valid", 11, 2, 1, 1, 6, 0, 0], ["valid", 11, 2, 1, 2, 6, 0, 0], ["valid", 11, 2, 3, 1, 5, 0, 0],
  ["valid", 11, 2, 3, 2, 4, 0, 0], ["valid", 11, 2, 5, 1, 4, 0, 0], ["valid", 11, 2, 5, 2, 2, 0, 0],
  ["valid", 11, 3, 1, 1, 4, 0, 0], ["valid", 11, 3, 1, 2, 4, 0, 0], ["valid", 11, 3, 3, 1, 3, 0, 0],
  ["valid", 11, 3, 3, 2, 3, 0, 0], ["valid", 11, 3, 5, 1, 3, 0, 0], ["valid", 11, 3, 5, 2, 1, 0, 0],
  // valid, in = 12: in − e = 11, 11, 9, 7, 7, 3
  ["valid", 12, 1, 1, 1, 12, 0, 0], ["valid", 12, 1, 1, 2, 12, 0, 0], ["valid", 12, 1, 3, 1, 10, 0, 0],
  ["valid", 12, 1, 3, 2, 8, 0, 0], ["valid", 12, 1, 5, 1, 8, 0, 0], ["valid", 12, 1, 5, 2, 4, 0, 0],
  ["valid", 12, 2, 1, 1, 6, 0, 0], ["valid", 12, 2, 1, 2, 6, 0, 0], ["valid", 12, 2, 3, 1, 5, 0, 0],
  ["valid", 12, 2, 3, 2, 4, 0, 0], ["valid", 12, 2, 5, 1, 4, 0, 0], ["valid", 12, 2, 5, 2, 2, 0, 0],
  ["valid", 12, 3, 1, 1, 4, 0, 0], ["valid", 12, 3, 1, 2, 4, 0, 0], ["valid", 12, 3, 3, 1, 4, 0, 0],
  ["valid", 12, 3, 3, 2, 3, 0, 0], ["valid", 12, 3, 5, 1, 3, 0, 0], ["valid", 12, 3, 5, 2, 2, 0, 0],

  // same, in = 11: out 11 / 6 / 4; total = e − 1 (s = 1, 2) or e − 2 (s = 3), floored at 0
  ["same", 11, 1, 1, 1, 11, 0, 0], ["same", 11, 1, 1, 2, 11, 0, 0], ["same", 11, 1, 3, 1, 11, 1, 1],
  ["same", 11, 1, 3, 2, 11, 2, 2], ["same", 11, 1, 5, 1, 11, 2, 2], ["same", 11, 1, 5, 2, 11, 4, 4],
  ["same", 11, 2, 1, 1, 6, 0, 0], ["same", 11, 2, 1, 2, 6, 0, 0], ["same", 11, 2, 3, 1, 6, 1, 1],
  ["same", 11, 2, 3, 2, 6, 2, 2], ["same", 11, 2, 5, 1, 6, 2, 2], ["same", 11, 2, 5, 2, 6, 4, 4],
  ["same", 11, 3, 1, 1, 4, 0, 0], ["same", 11, 3, 1, 2, 4, 0, 0], ["same", 11, 3, 3, 1, 4, 0, 1],
  ["same", 11, 3, 3, 2, 4, 1, 2], ["same", 11, 3, 5, 1, 4, 1, 2], ["same", 11, 3, 5, 2, 4, 3, 4],
  // same, in = 12: out 12 / 6 / 4; total = e − 1 (s = 1), e − 2 (s = 2), e − 3 (s = 3), floored at 0
  ["same", 12, 1, 1, 1, 12, 0, 0], ["same", 12, 1, 1, 2, 12, 0, 0], ["same", 12, 1, 3, 1, 12, 1, 1],
  ["same", 12, 1, 3, 2, 12, 2, 2], ["same", 12, 1, 5, 1, 12, 2, 2], ["same", 12, 1, 5, 2, 12, 4, 4],
  ["same", 12, 2, 1, 1, 6, 0, 0], ["same", 12, 2, 1, 2, 6, 0, 0], ["same", 12, 2, 3, 1, 6, 0, 1],
  ["same", 12, 2, 3, 2, 6, 1, 2], ["same", 12, 2, 5, 1, 6, 1, 2], ["same", 12, 2, 5, 2, 6, 3, 4],
  ["same", 12, 3, 1, 1, 4, 0, 0], ["same", 12, 3, 1, 2, 4, 0, 0], ["same", 12, 3, 3, 1, 4, 0, 0],
  ["same", 12, 3, 3, 2, 4, 1, 1], ["same", 12, 3, 5, 1, 4, 1, 1], ["same", 12, 3, 5, 2, 4, 3, 3],

  // full, in = 11: in + e − 2 = 10, 10, 12, 14, 14, 18; pads e − 1 = 0, 0, 2, 4, 4, 8
  ["full", 11, 1, 1, 1, 11, 0, 0], ["full", 11, 1, 1, 2, 11, 0, 0], ["full", 11, 1, 3, 1, 13, 2, 2],
  ["full", 11, 1, 3, 2, 15, 4, 4], ["full", 11, 1, 5, 1, 15, 4, 4], ["full", 11, 1, 5, 2, 19, 8, 8],
  ["full", 11, 2, 1, 1, 6, 0, 0], ["full", 11, 2, 1, 2, 6, 0, 0], ["full", 11, 2, 3, 1, 7, 2, 2],
  ["full", 11, 2, 3, 2, 8, 4, 4], ["full", 11, 2, 5, 1, 8, 4, 4], ["full", 11, 2, 5, 2, 10, 8, 8],
  ["full", 11, 3, 1, 1, 4, 0, 0], ["full", 11, 3, 1, 2, 4, 0, 0], ["full", 11, 3, 3, 1, 5, 2, 2],
  ["full", 11, 3, 3, 2, 5, 4, 4], ["full", 11, 3, 5, 1, 5, 4, 4], ["full", 11, 3, 5, 2, 7, 8, 8],
  // full, in = 12: in + e − 2 = 11, 11, 13, 15, 15, 19
  ["full", 12, 1, 1, 1, 12, 0, 0], ["full", 12, 1, 1, 2, 12, 0, 0], ["full", 12, 1, 3, 1, 14, 2, 2],
  ["full", 12, 1, 3, 2, 16, 4, 4], ["full", 12, 1, 5, 1, 16, 4, 4], ["full", 12, 1, 5, 2, 20, 8, 8],
  ["full", 12, 2, 1, 1, 6, 0, 0], ["full", 12, 2, 1, 2, 6, 0, 0], ["full", 12, 2, 3, 1, 7, 2, 2],
  ["full", 12, 2, 3, 2, 8, 4, 4], ["full", 12, 2, 5, 1, 8, 4, 4], ["full", 12, 2, 5, 2, 10, 8, 8],
  ["full", 12, 3, 1, 1, 4, 0, 0], ["full", 12, 3, 1, 2, 4, 0, 0], ["full", 12, 3, 3, 1, 5, 2, 2],
  ["full", 12, 3, 3, 2, 6, 4, 4], ["full", 12, 3, 5, 1, 6, 4, 4], ["full", 12, 3, 5, 2, 7, 8, 8],
];

describe("output size of one axis (hand-computed table)", () => {
  it("covers valid/same/full × stride 1–3 × dilation 1–2 × kernel 1/3/5 × input 11/12", () => {
    expect(table).toHaveLength(3 * 3 * 2 * 3 * 2);
    const keys = new Set(table.map(([m, i, s, k, d]) => `${m} ${i} ${s} ${k} ${d}`));
    expect(keys.size).toBe(table.length);
  });

  it.each(table)("%s in=%i stride=%i kernel=%i dilation=%i → %i (pads %i+%i)", (mode, input, stride, kernel, dilation, out, before, after) => {
    const w = axisWindow({ mode }, 0, input, kernel, stride, dilation, "floor");
    expect(w).toEqual({ input, kernel, stride, dilation, before, after, output: out });
    expect(resolvePads({ mode }, 0, input, kernel, stride, dilation)).toEqual([before, after]);
  });

  it("same keeps ⌈in/s⌉ outputs whatever the kernel, and puts the odd pad row after (SAME_UPPER)", () => {
    // in 12, s 2, k 3: total 1 → 0 before, 1 after (TF/ONNX SAME_UPPER; SAME_LOWER would be 1 + 0).
    expect(resolvePads({ mode: "same" }, 0, 12, 3, 2, 1)).toEqual([0, 1]);
    // in 7, s 1, k 4: total 3 → 1 before, 2 after; output 7.
    expect(axisWindow({ mode: "same" }, 0, 7, 4, 1, 1, "floor")).toMatchObject({ before: 1, after: 2, output: 7 });
    // in 1, s 3, k 1: nothing to pad (total would be −2), output ⌈1/3⌉ = 1.
    expect(axisWindow({ mode: "same" }, 0, 1, 1, 3, 1, "floor")).toMatchObject({ before: 0, after: 0, output: 1 });
  });

  it("explicit pads are taken per axis as written", () => {
    const p: PaddingSpec = { mode: "explicit", pads: [[1, 2], [0, 3]] };
    // axis 0: 10 + 1 + 2 − 3 = 10 → 10/1 + 1 = 11; axis 1: 10 + 0 + 3 − 3 = 10 → ⌊10/2⌋ + 1 = 6
    expect(axisWindow(p, 0, 10, 3, 1, 1, "floor")).toMatchObject({ before: 1, after: 2, output: 11 });
    expect(axisWindow(p, 1, 10, 3, 2, 1, "floor")).toMatchObject({ before: 0, after: 3, output: 6 });
  });

  it("a window larger than the padded input gives no output", () => {
    expect(outputSize(4, 0, 0, 5, 1, 1, "floor")).toBeLessThanOrEqual(0);
    expect(outputSize(4, 0, 0, 3, 1, 2, "floor")).toBeLessThanOrEqual(0); // extent 5 > 4
    expect(outputSize(4, 0, 0, 4, 1, 1, "floor")).toBe(1); // exactly fits
  });

  it("counts the input positions that floor rounding leaves unread", () => {
    // in 11, k 3, s 3: windows start at 0, 3, 6 and cover up to index 8 → 9 and 10 are unread.
    expect(unreadTail(axisWindow({ mode: "valid" }, 0, 11, 3, 3, 1, "floor"))).toBe(2);
    // in 12, k 3, s 3: the last window covers 9..11 → nothing unread.
    expect(unreadTail(axisWindow({ mode: "valid" }, 0, 12, 3, 3, 1, "floor"))).toBe(0);
    // in 25, k 2, s 2 (a 2x2 pool on 25): windows end at 23 → index 24 is unread.
    expect(unreadTail(axisWindow({ mode: "valid" }, 0, 25, 2, 2, 1, "floor"))).toBe(1);
  });
});

describe("Caffe-style ceil rounding for pooling", () => {
  // [input, kernel, stride, pad before, pad after, floor output, ceil output]
  // prettier-ignore
  const rows: readonly (readonly [number, number, number, number, number, number, number])[] = [
    [112, 3, 2, 0, 0, 55, 56], // GoogLeNet pool1 (Caffe): 112 → 56 (floor would give 55)
    [56, 3, 2, 0, 0, 27, 28],  // GoogLeNet pool2: 56 → 28
    [28, 3, 2, 0, 0, 13, 14],  // GoogLeNet pool3: 28 → 14
    [14, 3, 2, 0, 0, 6, 7],    // GoogLeNet pool4: 14 → 7
    [55, 3, 2, 0, 0, 27, 27],  // AlexNet pool1: 55 → 27 either way
    [13, 2, 2, 0, 0, 6, 7],    // ⌈11/2⌉ + 1 = 7
    [12, 2, 2, 0, 0, 6, 6],    // divides evenly: no difference
    // Padded: ⌈(5 + 2 − 2)/2⌉ + 1 = 4, but the 4th window would start at 6 = in + before, entirely
    // in the trailing padding, so it is dropped (Caffe's and PyTorch's rule) → 3.
    [5, 2, 2, 1, 1, 3, 3],
    // ⌈(5 − 1)/3⌉ + 1 = 3, but the 3rd window would start at 6 ≥ 5, outside the input → 2
    // (PyTorch applies this even without padding).
    [5, 1, 3, 0, 0, 2, 2],
  ];
  it.each(rows)("in=%i k=%i s=%i pads %i+%i: floor %i, ceil %i", (input, k, s, before, after, floorOut, ceilOut) => {
    expect(outputSize(input, before, after, k, s, 1, "floor")).toBe(floorOut);
    expect(outputSize(input, before, after, k, s, 1, "ceil")).toBe(ceilOut);
  });
});

describe("shapes through the checker agree with the table", () => {
  /** Check a model whose last statement is `layer`, on `input`, and return its output shape. */
  function lastShape(input: string, layer: string): string {
    const r = check(`model M {\n  input ${input}\n  ${layer}\n}\n`);
    expect(r.diagnostics.filter((d) => d.severity !== "warning"), r.text).toEqual([]);
    const m = r.value.checked!.models[0]!;
    return formatShape(m.nodes[m.output]!.shape);
  }

  it("valid, k 5, d 2, s 3: height 11 → 1, width 12 → 2 (rows valid 11/12 s3 k5 d2)", () => {
    expect(lastShape("image 1x11x12", "conv 4 filters 5x5 stride 3 dilation 2")).toBe("4×1×2");
  });

  it("full, k 3, d 2, s 2: 11 → 8 and 12 → 8", () => {
    expect(lastShape("image 1x11x12", "conv 4 filters 3x3 stride 2 dilation 2 padding full")).toBe("4×8×8");
  });

  it("same, k 5, s 3: 11 → 4 (pads 1+2) and 12 → 4 (pads 1+1), shown in the summary", () => {
    const r = check("model M {\n  input image 3x11x12\n  conv 4 filters 5x5 stride 3 padding same\n}\n");
    const m = r.value.checked!.models[0]!;
    expect(formatShape(m.nodes[1]!.shape)).toBe("4×4×4");
    const s = summarize(m, undefined, () => 1);
    expect(s.rows[1]!.note).toBe("padding 1+2, 1+1");
  });

  it("pooling with `padding same`, k 3, s 2: 11 → 6 and 12 → 6", () => {
    expect(lastShape("image 2x11x12", "pool max 3x3 stride 2 padding same")).toBe("2×6×6");
  });

  it("a 1-D convolution on a sequence: valid, k 5, d 2, s 3 on length 11 → 1", () => {
    expect(lastShape("sequence 11x3", "conv 8 filters 5 stride 3 dilation 2")).toBe("1×8");
  });

  it("pool rounding: 13 → 6 with floor (and a W502 warning), 7 with ceil", () => {
    const floor = check("model M {\n  input image 1x13x13\n  pool max 2x2\n}\n");
    expect(formatShape(floor.value.checked!.models[0]!.nodes[1]!.shape)).toBe("1×6×6");
    expect(floor.diagnostics.map((d) => d.code)).toEqual(["W502", "W502"]);
    expect(lastShape("image 1x13x13", "pool max 2x2 rounding ceil")).toBe("1×7×7");
  });
});
