/**
 * Maxout: Y[n, g, s] = max over t < k of X[n, g·k + t, s]. Backward is a gather: each input
 * element recomputes its group's winner (the first maximum, k reads) and takes dY only if it won,
 * so no argmax is stored.
 */
import type { IrGraph, MaxoutOp } from "../ir/graph.js";
import type { OpKernels, RenderContext } from "./kernel.js";
import { F32, dimsText, singleInputKernels, store, tensorOf, u32c } from "./common.js";

/** Kernels of a maxout op. */
export function renderMaxout(op: MaxoutOp, g: IrGraph, ctx: RenderContext): OpKernels {
  const x = tensorOf(g, op.x);
  const y = tensorOf(g, op.y);
  const what = `maxout ${op.k} of ${x.name} (${dimsText(x)} → ${dimsText(y)})`;
  const constants = [u32c("K", op.k, "channels per group"), u32c("GROUPS", op.groups), u32c("SPATIAL", op.spatial), u32c("IN_SIZE", x.size), u32c("OUT_SIZE", y.size)];
  const outElems = ctx.batch * y.size;
  const inElems = ctx.batch * x.size;
  // The winning t (first maximum) of the group whose first element is x[first].
  const winner = `fn winner(first: u32) -> u32 {
  var best = x[first];
  var arg = 0u;
  for (var t = 1u; t < K; t++) {
    let v = x[first + t * SPATIAL];
    if (v > best) { best = v; arg = t; }
  }
  return arg;
}`;
  return singleInputKernels(
    op,
    ctx,
    {
      about: [what, "one invocation per output element"],
      vars: [
        { name: "x", buffer: `act:${op.x}`, access: "read" },
        { name: "y", buffer: `act:${op.y}`, access: "read_write" },
      ],
      constants,
      invocations: outElems,
      body: `
  let n = i / OUT_SIZE;
  let gr = (i / SPATIAL) % GROUPS;
  let s = i % SPATIAL;
  let first = n * IN_SIZE + gr * K * SPATIAL + s;
  var best = x[first];
  for (var t = 1u; t < K; t++) { best = max(best, x[first + t * SPATIAL]); }
  y[i] = best;`,
      flops: outElems * (op.k - 1),
      bytes: (inElems + outElems) * F32,
    },
    (accumulate) => ({
      about: [`dX of ${what}${accumulate ? ", added to dX" : ""}`, "one invocation per input element; the group's first maximum takes dY"],
      vars: [
        { name: "x", buffer: `act:${op.x}`, access: "read" },
        { name: "dy", buffer: `grad:${op.y}`, access: "read" },
        { name: "dx", buffer: `grad:${op.x}`, access: "read_write" },
      ],
      constants,
      helpers: [winner],
      invocations: inElems,
      body: `
  let n = i / IN_SIZE;
  let ch = (i / SPATIAL) % (GROUPS * K);
  let s = i % SPATIAL;
  let gr = ch / K;
  let first = n * IN_SIZE + gr * K * SPATIAL + s;
  let o = n * OUT_SIZE + gr * SPATIAL + s;
  let v = select(0.0, dy[o], winner(first) == ch % K);
  ${store("dx", "i", "v", accumulate)}`,
      flops: inElems * op.k,
      bytes: (inElems * (op.k + 1 + (accumulate ? 1 : 0)) + inElems) * F32,
    }),
  );
}
