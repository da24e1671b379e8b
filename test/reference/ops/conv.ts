/** Convolution: Y[n,f,oh,ow] = act(b[f] + Σ W[f,c,i,j]·X[n,c,oh·sh − pt + i·dh, ow·sw − pl + j·dw]), zero outside X. */
import type { ConvOp } from "../../../compiler/ir/graph.js";
import { activateAll, preActivationGrad } from "./activation.js";
import { sameState, type OpReference } from "./types.js";

/**
 * Visit every (example, filter, output position, channel, tap) whose input position lies inside X,
 * with the flat indices of X, W and Y; forward and both gradients are this one loop.
 */
function eachTap(op: ConvOp, rows: number, visit: (xi: number, wi: number, yi: number) => void): void {
  const { channels: C, inH, inW, outH, outW, kernelH: KH, kernelW: KW, filters: F } = op;
  for (let n = 0; n < rows; n++)
    for (let f = 0; f < F; f++)
      for (let oh = 0; oh < outH; oh++)
        for (let ow = 0; ow < outW; ow++) {
          const yi = ((n * F + f) * outH + oh) * outW + ow;
          for (let c = 0; c < C; c++)
            for (let i = 0; i < KH; i++) {
              const ih = oh * op.strideH - op.padTop + i * op.dilationH;
              if (ih < 0 || ih >= inH) continue;
              for (let j = 0; j < KW; j++) {
                const iw = ow * op.strideW - op.padLeft + j * op.dilationW;
                if (iw < 0 || iw >= inW) continue;
                visit(((n * C + c) * inH + ih) * inW + iw, ((f * C + c) * KH + i) * KW + j, yi);
              }
            }
        }
}

/** Reference of `conv` with its fused activation. */
export const convOp: OpReference<ConvOp> = {
  forward(op, a) {
    const x = a.xs[0]!;
    const w = a.param(op.weight);
    const spatial = op.outH * op.outW;
    const z = new Float64Array(a.rows * op.filters * spatial);
    if (op.bias !== undefined) {
      const b = a.param(op.bias);
      z.forEach((_, yi) => (z[yi] = b[Math.floor(yi / spatial) % op.filters]!));
    }
    eachTap(op, a.rows, (xi, wi, yi) => (z[yi]! += w[wi]! * x[xi]!));
    return activateAll(op.activation, op.slope, z);
  },
  params(op, a) {
    const x = a.xs[0]!;
    const g = preActivationGrad(op.activation, op.slope, a.y, a.dy);
    const dw = new Float64Array(a.param(op.weight).length);
    eachTap(op, a.rows, (xi, wi, yi) => (dw[wi]! += g[yi]! * x[xi]!));
    const grads = [{ param: op.weight, grad: dw }];
    if (op.bias !== undefined) {
      const spatial = op.outH * op.outW;
      const db = new Float64Array(op.filters);
      g.forEach((v, yi) => (db[Math.floor(yi / spatial) % op.filters]! += v));
      grads.push({ param: op.bias, grad: db });
    }
    return grads;
  },
  input(op, _index, a) {
    const w = a.param(op.weight);
    const g = preActivationGrad(op.activation, op.slope, a.y, a.dy);
    const dx = new Float64Array(a.xs[0]!.length);
    eachTap(op, a.rows, (xi, wi, yi) => (dx[xi]! += w[wi]! * g[yi]!));
    return dx;
  },
  state: sameState,
};
