/**
 * The parameter gradient of a stride-1, undilated, unpadded convolution as a direct correlation for
 * CPU adapters (the counterpart of conv-direct.ts):
 *   dW[f, c, ki, kj] = Σ_(ex, oh, ow) dZ[ex, f, oh, ow] · X[ex, c, oh + ki, ow + kj],   db[f] = Σ dZ[ex, f, ·]
 * An invocation owns TF filters × one channel, i.e. TF × KH × KW weights, and walks the output rows
 * of a slice of the examples: per row segment of TW positions it loads the KH input segments under it
 * and TF rows of dZ once, all as vec4s, for TF · KH · KW · TW multiply-adds. The implicit GEMM loads
 * each input value once per tap and dZ once per tile column. One more group of invocations per
 * slice sums dZ for db. Slices over the examples write partial sums that a second kernel adds up.
 * On CPU adapters where a few images of X and of dZ fit a uniform binding, a slice is a chunk
 * (imageChunks): the kernel is dispatched once per slice and reads that slice's X and dZ as uniform
 * buffers, which llvmpipe loads with vector gathers instead of lane by lane.
 */
import type { ConvOp, IrGraph } from "../ir/graph.js";
import { chunkOffsets, F32, makeKernel, u32c, windowConstants } from "./common.js";
import { directTile, imageChunks } from "./conv-direct.js";
import type { AuxBuffer, BufferName, Kernel, RenderContext } from "./kernel.js";

/** Invocations the slices should bring the kernel up to (llvmpipe: 2 cores × 8 lanes, many workgroups). */
const PARALLEL = 1024;
/** Accumulators per invocation at most: 8 filters × 5×5 taps measured fastest on llvmpipe (1.3–1.9× the GEMM for the seed CNN's conv2). */
const MAX_ACCUMULATORS = 200;

/** The tile and example slices of the direct dW path; `chunked` where each slice is a dispatch reading uniform chunks. */
export interface DirectParamsPlan {
  readonly tw: number;
  readonly tf: number;
  readonly slices: number;
  readonly perSlice: number;
  readonly groups: number;
  readonly chunked: boolean;
}

/** The direct dW plan of `op` at the context's batch, or undefined where the path does not fit. */
export function directParamsPlan(op: ConvOp, ctx: Pick<RenderContext, "batch" | "target" | "maxUniformBytes">): DirectParamsPlan | undefined {
  const base = directTile(op);
  if (!base) return undefined;
  // TF filters × KH × KW accumulators per invocation; 4 filters when 8 would pass MAX_ACCUMULATORS.
  const tf = base.tf * op.kernelH * op.kernelW <= MAX_ACCUMULATORS ? base.tf : 4;
  if (tf * op.kernelH * op.kernelW > MAX_ACCUMULATORS) return undefined;
  const tile = { tw: base.tw, tf };
  const groups = (op.channels + (op.bias === undefined ? 0 : 1)) * (op.filters / tile.tf);
  const chunks = ctx.target === "cpu" ? imageChunks([F32 * op.channels * op.inH * op.inW, F32 * op.filters * op.outH * op.outW], ctx) : undefined;
  if (chunks) return { ...tile, slices: chunks.chunks, perSlice: chunks.per, groups, chunked: true };
  const slices = Math.max(1, Math.min(ctx.batch, Math.ceil(PARALLEL / groups)));
  const perSlice = Math.ceil(ctx.batch / slices);
  return { ...tile, slices: Math.ceil(ctx.batch / perSlice), perSlice, groups, chunked: false };
}

/** The partial-sum kernel and the reduce kernel of dW (and db) for `plan` (convPlan's), reading dZ through `dz` (a buffer starting at 0). */
export function renderConvDirectParams(
  op: ConvOp,
  g: IrGraph,
  ctx: RenderContext,
  common: { readonly op: string; readonly origin: string; readonly fuses: readonly string[] },
  plan: DirectParamsPlan,
  dz: { readonly buffer: BufferName; readonly doc: string },
): { kernels: Kernel[]; aux: AuxBuffer[] } {
  const { tw, tf, slices, perSlice, groups, chunked } = plan;
  const taps = op.channels * op.kernelH * op.kernelW;
  const weight = g.params[op.weight]!;
  const bias = op.bias === undefined ? undefined : g.params[op.bias]!;
  const outputs = op.filters * taps + (bias ? op.filters : 0);
  const partials = `${op.name}_grad_params_partials`;
  const label = { phase: "backward" as const, trainingOnly: true, fuses: common.fuses, origin: common.origin };
  const vecs = Math.ceil((tw + op.kernelW - 1) / 4);
  const geometry = [
    ...windowConstants(op, op.filters),
  ];
  const xFloats = ctx.batch * op.channels * op.inH * op.inW;
  const xImage = op.channels * op.inH * op.inW;
  const dzImage = op.filters * op.outH * op.outW;
  // Chunked, X and dZ hold this slice's examples from 0 (example ex is at ex − ex_begin).
  const local = chunked ? "(ex - ex_begin)" : "ex";
  const biasPart = bias
    ? `
  if (kind == C) {
    // db: this group sums dZ over the slice's rows for TF filters.
    // One loop over (example, vec4 of positions) with the TF filters inside: a constant inner loop over
    // the positions would be unrolled into TF · OH · OW / 4 loads (2 s of JIT for the seed CNN's conv2).
    var sums: array<f32, TF>;
    for (var e = ex_begin * (OH * OW / 4u); e < ex_end * (OH * OW / 4u); e++) {
      let ex = e / (OH * OW / 4u);
      let q = e % (OH * OW / 4u);
      for (var f = 0u; f < TF; f++) {
        let v = dz[(${local} * F + f0 + f) * (OH * OW / 4u) + q];
        sums[f] += (v.x + v.y) + (v.z + v.w);
      }
    }
    for (var f = 0u; f < TF; f++) { partials[slice * OUTPUTS + F * TAPS + f0 + f] = sums[f]; }
    return;
  }`
    : "";
  const main = makeKernel(
    {
      ...label,
      name: `${op.name}_grad_params`,
      title: `${op.name}_grad_params: ${common.op} at ${common.origin}`,
      about: [
        `dW[f, c, ki, kj] = Σ dZ[ex, f, oh, ow] · X[ex, c, oh + ki, ow + kj]${bias ? ", db[f] = Σ dZ" : ""}, ${dz.doc}; rows past uniforms.rows are left out`,
        `Direct correlation: one invocation per ${tf} filters × one channel${bias ? " (one more group per slice sums db)" : ""}, over ${slices} slice${slices > 1 ? "s" : ""} of ${perSlice} examples;`,
        `per output row segment of ${tw} it loads the ${op.kernelH} input rows under it (${vecs} vec4 each) and ${tf} rows of dZ once. ${op.name}_grad_params_reduce adds the slices.`,
        ...(chunked ? ["One dispatch per slice: X and dZ of the slice's examples are uniform buffers (llvmpipe gathers them as vectors, storage buffers lane by lane)."] : []),
      ],
      ...(chunked ? { chunks: slices, workgroupSize: 8 } : {}),
      vars: chunked
        ? [
            { name: "x", buffer: `act:${op.x}`, uniform: { vec4s: (perSlice * xImage) / 4, offsets: chunkOffsets(slices, F32 * perSlice * xImage) } },
            { name: "dz", buffer: dz.buffer, uniform: { vec4s: (perSlice * dzImage) / 4, offsets: chunkOffsets(slices, F32 * perSlice * dzImage) } },
            { name: "partials", buffer: `aux:${partials}`, access: "read_write" },
          ]
        : [
            { name: "x", buffer: `act:${op.x}`, access: "read", type: "vec4<f32>" },
            { name: "dz", buffer: dz.buffer, access: "read", type: "vec4<f32>" },
            { name: "partials", buffer: `aux:${partials}`, access: "read_write" },
          ],
      uniforms: true,
      constants: [
        ...geometry,
        u32c("TAPS", taps, "C·KH·KW"),
        u32c("TW", tw, "output positions per row segment"),
        u32c("TF", tf, "filters per invocation"),
        u32c("VECS", vecs, "vec4s covering the TW + KW − 1 inputs under a segment"),
        u32c("X_LAST", (chunked ? perSlice * xImage : xFloats) / 4 - 1, `last vec4 of X${chunked ? "'s slice" : ""} (a segment at the very end reads past the row, never used)`),
        u32c("GROUPS", groups, `invocations per slice: (C${bias ? " + 1" : ""}) · F / TF`),
        u32c("PER_SLICE", perSlice, "examples per slice"),
        u32c("OUTPUTS", outputs, `F·TAPS weights${bias ? " + F biases" : ""} per slice in the partials`),
      ],
      invocations: chunked ? groups : slices * groups,
      body: `
  let slice = ${chunked ? "chunk.x" : "i / GROUPS"};
  let f0 = (i % (F / TF)) * TF;
  let kind = (i % GROUPS) / (F / TF); // the channel c${bias ? ", or C for db" : ""}
  let ex_begin = slice * PER_SLICE;
  let ex_end = min(ex_begin + PER_SLICE, u.rows);${biasPart}
  let c = kind;
  var acc: array<array<array<f32, KW>, KH>, TF>;
  for (var ex = ex_begin; ex < ex_end; ex++) {
    for (var oh = 0u; oh < OH; oh++) {
      for (var ow0 = 0u; ow0 < OW; ow0 += TW) {
        var xs: array<array<f32, ${4 * vecs}>, KH>; // the input under the segment, for each kernel row
        for (var r = 0u; r < KH; r++) {
          let start = (((${local} * C + c) * IH + oh + r) * IW + ow0) / 4u;
          for (var s = 0u; s < VECS; s++) {
            let v = x[min(start + s, X_LAST)];
            xs[r][4u * s] = v.x; xs[r][4u * s + 1u] = v.y; xs[r][4u * s + 2u] = v.z; xs[r][4u * s + 3u] = v.w;
          }
        }
        for (var f = 0u; f < TF; f++) {
          let row = (((${local} * F + f0 + f) * OH + oh) * OW + ow0) / 4u;
          var d: array<f32, TW>;
          for (var t = 0u; t < TW; t += 4u) {
            let v = dz[row + t / 4u];
            d[t] = v.x; d[t + 1u] = v.y; d[t + 2u] = v.z; d[t + 3u] = v.w;
          }
          for (var r = 0u; r < KH; r++) {
            for (var kj = 0u; kj < KW; kj++) {
              for (var t = 0u; t < TW; t++) { acc[f][r][kj] = fma(d[t], xs[r][t + kj], acc[f][r][kj]); }
            }
          }
        }
      }
    }
  }
  // One pass per tap (ki, kj) = (q / KW, q % KW), each storing TF values: the selects pick tap q's
  // accumulators, so the stores are not unrolled KH·KW times (llvmpipe compiles each store into a loop
  // over the lanes; unrolled, they took 1.3 s of this kernel's JIT).
  for (var q = 0u; q < KH * KW; q++) {
    for (var f = 0u; f < TF; f++) {
      var v = acc[f][0][0];
${Array.from({ length: op.kernelH * op.kernelW - 1 }, (_, t) => `      v = select(v, acc[f][${Math.floor((t + 1) / op.kernelW)}][${(t + 1) % op.kernelW}], q == ${t + 1}u);`).join("\n")}
      partials[slice * OUTPUTS + (f0 + f) * TAPS + c * KH * KW + q] = v;
    }
  }`,
      flops: 2 * ctx.batch * op.outH * op.outW * op.filters * taps,
      bytes: F32 * (xFloats * op.kernelH + ctx.batch * op.filters * op.outH * op.outW * op.channels * op.kernelH + slices * outputs),
    },
    ctx,
  );
  const reduce = makeKernel(
    {
      ...label,
      name: `${op.name}_grad_params_reduce`,
      title: `${op.name}_grad_params_reduce: ${common.op} at ${common.origin}`,
      about: [`Sums the ${slices} slices of ${op.name}_grad_params into dW${bias ? " and db" : ""}; one invocation per parameter`],
      vars: [
        { name: "partials", buffer: `aux:${partials}`, access: "read" },
        { name: "grads", buffer: "grads", access: "read_write" },
      ],
      constants: [
        u32c("SLICES", slices),
        u32c("OUTPUTS", outputs),
        u32c("WEIGHTS", op.filters * taps, "F·TAPS: dW first, then db"),
        u32c("W_OFFSET", weight.offset, `${weight.name} in the arena`),
        ...(bias ? [u32c("B_OFFSET", bias.offset, `${bias.name} in the arena`)] : []),
      ],
      invocations: outputs,
      body: `
  var sum = 0.0;
  for (var s = 0u; s < SLICES; s++) { sum += partials[s * OUTPUTS + i]; }
  ${bias ? "if (i < WEIGHTS) { grads[W_OFFSET + i] = sum; } else { grads[B_OFFSET + i - WEIGHTS] = sum; }" : "grads[W_OFFSET + i] = sum;"}`,
      flops: slices * outputs,
      bytes: F32 * outputs * (slices + 1),
    },
    ctx,
  );
  return { kernels: [main, reduce], aux: [{ name: partials, floats: slices * outputs }] };
}
