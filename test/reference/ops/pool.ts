/**
 * Pooling over the valid (non-padding) positions of each window: max (gradient to the first maximal
 * position in row-major scan order), average (mean), l2 (√mean of squares, gradient x/(count·y), 0
 * where y = 0). A window with no valid position yields 0 and passes no gradient.
 */
import type { PoolOp } from "../../../compiler/ir/graph.js";
import { noParams, sameState, type OpReference } from "./types.js";

/** Flat X indices of the valid positions of each output's window, in scan order; indexed like Y. */
function windows(op: PoolOp, rows: number): number[][] {
  const { channels: C, inH, inW, outH, outW } = op;
  const out: number[][] = [];
  for (let n = 0; n < rows; n++)
    for (let c = 0; c < C; c++)
      for (let oh = 0; oh < outH; oh++)
        for (let ow = 0; ow < outW; ow++) {
          const valid: number[] = [];
          for (let i = 0; i < op.kernelH; i++) {
            const ih = oh * op.strideH - op.padTop + i * op.dilationH;
            if (ih < 0 || ih >= inH) continue;
            for (let j = 0; j < op.kernelW; j++) {
              const iw = ow * op.strideW - op.padLeft + j * op.dilationW;
              if (iw >= 0 && iw < inW) valid.push(((n * C + c) * inH + ih) * inW + iw);
            }
          }
          out.push(valid);
        }
  return out;
}

/** The first position holding the window's maximum (strict > keeps the earliest). */
function argmax(x: Float64Array, valid: readonly number[]): number {
  let best = valid[0]!;
  for (const i of valid) if (x[i]! > x[best]!) best = i;
  return best;
}

/** Reference of `pool` (max, average, l2). */
export const poolOp: OpReference<PoolOp> = {
  forward(op, a) {
    const x = a.xs[0]!;
    return Float64Array.from(windows(op, a.rows), (valid) => {
      if (valid.length === 0) return 0;
      if (op.mode === "max") return x[argmax(x, valid)]!;
      if (op.mode === "average") return valid.reduce((s, i) => s + x[i]!, 0) / valid.length;
      return Math.sqrt(valid.reduce((s, i) => s + x[i]! * x[i]!, 0) / valid.length);
    });
  },
  params: noParams,
  input(op, _index, a) {
    const x = a.xs[0]!;
    const dx = new Float64Array(x.length);
    windows(op, a.rows).forEach((valid, o) => {
      const g = a.dy[o]!;
      if (valid.length === 0) return;
      if (op.mode === "max") dx[argmax(x, valid)]! += g;
      else if (op.mode === "average") for (const i of valid) dx[i]! += g / valid.length;
      else if (a.y[o]! !== 0) for (const i of valid) dx[i]! += (g * x[i]!) / (valid.length * a.y[o]!);
    });
    return dx;
  },
  state: sameState,
};
