/** Forward values (and a few gradients) worked out by hand, independent of the reference's own loops. */
import { describe, expect, it } from "vitest";
import { counterUniform } from "../../compiler/ir/hash.js";
import { referenceStep, type StepOptions } from "./executor.js";
import { arena, initialState, lowerSource, model } from "./helpers.js";
import { referenceOf } from "./ops/index.js";

const train: StepOptions = { rows: 1, training: true, seed: 1, step: 1 };
const eval1: StepOptions = { ...train, training: false };

/** Forward values of the graph's last op for `input`, under a quadratic loss (labels 0). */
function forward(lines: string[], input: number[], params: Record<string, number[]> = {}, opts: StepOptions = eval1): number[] {
  const g = lowerSource(model(...lines));
  const r = referenceStep(g, arena(g, params), initialState(g), Float64Array.from(input), new Uint8Array(opts.rows), opts);
  return Array.from(r.values[g.ops[g.ops.length - 1]!.y]!);
}

const x16 = Array.from({ length: 16 }, (_, i) => i + 1); // x[r][c] = 4r + c + 1
// The pooling input:   1  5  2  0
//                      3 -4  8  6
//                      7  2 -1 -3
//                      0  9  4  4
const p16 = [1, 5, 2, 0, 3, -4, 8, 6, 7, 2, -1, -3, 0, 9, 4, 4];

describe("convolution by hand", () => {
  // W = [[1,0,0],[0,1,0],[0,0,-1]]: y(r,c) = x[r][c] + x[r+1][c+1] − x[r+2][c+2] + b = 4r + c − 4 + 0.5 (not flipped: correlation).
  const w = [1, 0, 0, 0, 1, 0, 0, 0, -1];
  it("3×3 valid on a 4×4 input", () => {
    expect(forward(["input image 1x4x4", "conv 1 filters 3x3"], x16, { "conv1.weight": w, "conv1.bias": [0.5] })).toEqual([-3.5, -2.5, 0.5, 1.5]);
  });
  it("3×3 stride 2 padding same (one row and column of zeros after)", () => {
    // Windows start at rows/cols 0 and 2: (0,0) 1+6−11; (0,2) 3+8−0; (2,0) 9+14−0; (2,2) 11+16−0; each + 0.5.
    expect(forward(["input image 1x4x4", "conv 1 filters 3x3 stride 2 padding same"], x16, { "conv1.weight": w, "conv1.bias": [0.5] })).toEqual([-3.5, 11.5, 23.5, 27.5]);
  });
  it("2×2 dilation 2: taps two apart", () => {
    // W = [[1, 1], [1, −1]] on taps (r,c), (r,c+2), (r+2,c), (r+2,c+2): y = (4r+c+1) + (4r+c+3) + (4r+c+9) − (4r+c+11) = 8r + 2c + 2.
    expect(forward(["input image 1x4x4", "conv 1 filters 2x2 dilation 2 bias off"], x16, { "conv1.weight": [1, 1, 1, -1] })).toEqual([2, 4, 10, 12]);
  });
  it("1-D stride 2 dilation 3, and padding full", () => {
    // x = [1..7], W = [1, 10]: windows start at 0 and 2 with taps 3 apart: 1 + 10·4 = 41, 3 + 10·6 = 63.
    expect(forward(["input sequence 7x1", "conv 1 filters 2 stride 2 dilation 3 bias off"], [1, 2, 3, 4, 5, 6, 7], { "conv1.weight": [1, 10] })).toEqual([41, 63]);
    // x = [1, 2, 3] padded by one zero each side: [0+10·1, 1+10·2, 2+10·3, 3+10·0].
    expect(forward(["input sequence 3x1", "conv 1 filters 2 padding full bias off"], [1, 2, 3], { "conv1.weight": [1, 10] })).toEqual([10, 21, 32, 3]);
  });
  it("two input channels, two filters, relu, 1-D", () => {
    // Sequence 3×2 (L×C) stored C×1×L: channel 0 = [1, 2, 3], channel 1 = [4, 5, 6]. Kernel 2.
    // Filter 0: w[c0] = [1, 1], w[c1] = [0, 0] → [3, 5]; filter 1: w[c0] = [0, 0], w[c1] = [1, -1], bias −0.5 → relu(−1.5) = 0.
    expect(forward(["input sequence 3x2", "conv 2 filters 2 relu"], [1, 2, 3, 4, 5, 6], { "conv1.weight": [1, 1, 0, 0, 0, 0, 1, -1], "conv1.bias": [0, -0.5] })).toEqual([3, 5, 0, 0]);
  });
});

describe("pooling a 4×4 by hand", () => {
  it("2×2 max, average, l2", () => {
    expect(forward(["input image 1x4x4", "pool max 2x2"], p16)).toEqual([5, 8, 9, 4]);
    expect(forward(["input image 1x4x4", "pool average 2x2"], p16)).toEqual([5 / 4, 16 / 4, 18 / 4, 4 / 4]);
    // Squares per window: 1+25+9+16 = 51, 4+0+64+36 = 104, 49+4+0+81 = 134, 1+9+16+16 = 42.
    expect(forward(["input image 1x4x4", "pool l2 2x2"], p16)).toEqual([51, 104, 134, 42].map((s) => Math.sqrt(s / 4)));
  });
  it("3×3 stride 2 padding 1: padding never counts", () => {
    // Windows cover rows/cols {0,1} and {1,2,3}: 4, 6, 6 and 9 valid positions.
    expect(forward(["input image 1x4x4", "pool average 3x3 stride 2 padding 1"], p16)).toEqual([5 / 4, 17 / 6, 17 / 6, 25 / 9]);
    expect(forward(["input image 1x4x4", "pool max 3x3 stride 2 padding 1"], p16)).toEqual([5, 8, 9, 9]);
    expect(forward(["input image 1x4x4", "pool max 3x3 stride 2 padding 1"], p16.map(() => -1))).toEqual([-1, -1, -1, -1]);
    expect(forward(["input image 1x4x4", "pool l2 3x3 stride 2 padding 1"], p16.map(() => -2))).toEqual([2, 2, 2, 2]);
  });
  it("3×3 stride 2 rounding ceil: the last windows hang off the edge", () => {
    // Windows cover rows/cols {0,1,2} and {2,3}.
    expect(forward(["input image 1x4x4", "pool max 3x3 stride 2 rounding ceil"], p16)).toEqual([8, 8, 9, 4]);
    expect(forward(["input image 1x4x4", "pool average 3x3 stride 2 rounding ceil"], p16)).toEqual([23 / 9, 12 / 6, 21 / 6, 4 / 4]);
  });
  it("a window of padding only yields 0", () => {
    const y = forward(["input image 1x4x4", "pool max 2x2 padding 2"], p16.map((v) => v - 10));
    expect(y.length).toBe(16);
    // Row 0 and column 0 of the 4×4 output read only padding; window (1,1) reads x[0..1][0..1] − 10.
    expect([y[0], y[1], y[4], y[5]]).toEqual([0, 0, 0, -5]);
  });
  it("max sends the gradient to the first maximum in scan order", () => {
    const g = lowerSource(model("input image 1x2x2", "pool max 2x2"));
    const op = g.ops[0]!;
    const x = Float64Array.from([2, 3, 1, 3]);
    const args = { xs: [x], param: () => new Float64Array(0), state: new Float64Array(0), rows: 1, training: true, seed: 0, step: 1 };
    const y = referenceOf(op).forward(op, args);
    expect(Array.from(referenceOf(op).input(op, 0, { ...args, y, dy: Float64Array.from([1]) }))).toEqual([0, 1, 0, 0]);
  });
});

describe("other ops by hand", () => {
  it("softmax + log-likelihood on two logits", () => {
    // z = [0, ln 3] → softmax = [1/4, 3/4]; label 1: loss = −ln(3/4); dZ = a − onehot = [1/4, −1/4]; dW[k][j] = x_k·dZ_j.
    const g = lowerSource(model("input vector 2", "dense 2 softmax"), "log_likelihood");
    const r = referenceStep(g, arena(g, { "dense1.weight": [1, 0, 0, 1], "dense1.bias": [0, 0] }), initialState(g), Float64Array.from([0, Math.log(3)]), Uint8Array.from([1]), train);
    expect(r.loss).toBeCloseTo(Math.log(4 / 3), 15);
    expect(r.output[0]).toBeCloseTo(0.25, 15);
    expect(r.correct).toBe(1);
    // dW (offset 0), db (offset 4), then the arena's zero padding to a multiple of 4 floats.
    const expected = [0, 0, 0.25 * Math.log(3), -0.25 * Math.log(3), 0.25, -0.25, 0, 0];
    expect(r.paramGrads.length).toBe(expected.length);
    Array.from(r.paramGrads).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 15));
  });

  it("batch norm: batch statistics, then running statistics moved with the unbiased variance", () => {
    // x = [1, 2, 3, 6]: mean 3, biased variance (4+1+0+9)/4 = 3.5, unbiased 14/3.
    const g = lowerSource(model("input vector 1", "batchnorm momentum 0.9 eps 0.001"));
    const r = referenceStep(g, arena(g, { "batchnorm1.gamma": [2], "batchnorm1.beta": [1] }), initialState(g), Float64Array.from([1, 2, 3, 6]), new Uint8Array(4), { ...train, rows: 4 });
    expect(Array.from(r.values[1]!)).toEqual([-2, -1, 0, 3].map((d) => (2 * d) / Math.sqrt(3.5 + 0.001) + 1));
    expect(r.newState[0]).toBeCloseTo(0.3, 15); // 0.9·0 + 0.1·3
    expect(r.newState[1]).toBeCloseTo(0.9 + 0.1 * (14 / 3), 15); // 0.9·1 + 0.1·14/3
    // Evaluation normalises with the running statistics given.
    const e = referenceStep(g, arena(g, { "batchnorm1.gamma": [2], "batchnorm1.beta": [1] }), Float64Array.from([1, 4]), Float64Array.from([3]), new Uint8Array(1), eval1);
    expect(e.values[1]![0]).toBeCloseTo((2 * 2) / Math.sqrt(4.001) + 1, 15);
    expect(Array.from(e.newState)).toEqual([1, 4]);
  });

  it("dropout keeps element n·size + i iff counterUniform ≥ p and scales survivors by 1/(1−p)", () => {
    const g = lowerSource(model("input vector 500", "dropout 0.25"));
    const op = g.ops[0]!;
    expect(op.kind).toBe("dropout");
    const x = Float64Array.from({ length: 1000 }, (_, i) => 1 + (i % 7));
    const opts = { rows: 2, training: true, seed: 42, step: 9 };
    const y = referenceStep(g, new Float64Array(0), new Float64Array(0), x, new Uint8Array(2), opts).values[1]!;
    const stream = op.kind === "dropout" ? op.stream : -1;
    y.forEach((v, i) => expect(v).toBe(counterUniform(42, 9, stream, i) >= 0.25 ? x[i]! / 0.75 : 0));
    const kept = y.filter((v) => v !== 0).length / 1000;
    expect(kept).toBeGreaterThan(0.7);
    expect(kept).toBeLessThan(0.8);
    // Another step draws another mask; evaluation keeps everything.
    expect(referenceStep(g, new Float64Array(0), new Float64Array(0), x, new Uint8Array(2), { ...opts, step: 10 }).values[1]).not.toEqual(y);
    expect(referenceStep(g, new Float64Array(0), new Float64Array(0), x, new Uint8Array(2), { ...opts, training: false }).values[1]).toEqual(x);
  });

  it("maxout, leaky relu, concat, add", () => {
    expect(forward(["input vector 6", "maxout 2"], [1, 5, 3, 2, 2, 0])).toEqual([5, 3, 2]);
    // Image 4×1×2, maxout 2: channel pairs (0,1) and (2,3) per position.
    expect(forward(["input image 4x1x2", "maxout 2"], [1, 9, 4, 2, -1, -2, -3, 0])).toEqual([4, 9, -1, 0]);
    expect(forward(["input vector 3", "leaky_relu 0.1"], [-2, 0, 3])).toEqual([-0.2, 0, 3]);
    expect(forward(["input vector 2", "a = tanh", "b = relu from a", "concat a, b"], [0, -1])).toEqual([0, Math.tanh(-1), 0, 0]);
    expect(forward(["input vector 2", "a = relu", "add a, a"], [3, -1])).toEqual([6, 0]);
  });
});
