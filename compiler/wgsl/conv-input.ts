/**
 * The input gradient of a convolution as a column GEMM plus a col2im gather (the Caffe way):
 *   cols[tap, (ex, p)] = Σ_f dZ[ex, f, p] · W[f, tap]     GEMM M = batch·OH·OW, N = C·KH·KW, K = F
 *   dX[ex, c, h, w]    = Σ_(i, j) cols[(c, i, j), (ex, p)] over the output positions p whose tap (i, j) lands on (h, w)
 * The direct implicit GEMM (conv.ts) visits every filter tap for every input position, although only
 * about OH·OW / (IH·IW) of them land inside the output (a 5×5 conv on 12×12 wastes 56%); here the
 * GEMM does exactly the useful multiply-adds and the gather adds at most KH·KW values per element.
 * The price is an aux buffer of C·KH·KW × batch·OH·OW floats, written once and read once.
 * With stride 1, no dilation and output rows of whole vec4s, the gather runs one invocation per input
 * row that adds whole column rows (vec4 loads) at their offsets; otherwise one per input element.
 */
import type { ConvOp, IrGraph } from "../ir/graph.js";
import { renderGemm, type GemmBinding, type GemmConstant, type GemmKernels, type GemmOptions, type GemmSpec } from "./gemm.js";
import { F32, makeKernel, store, u32c, windowConstants } from "./common.js";
import type { Kernel, RenderContext } from "./kernel.js";
import type { DirectWindows } from "./conv-direct.js";
import { renderUniformColumns, type UniformColumns } from "./conv-input-cols.js";

/** Largest column buffer the col2im path may use, in floats (64 MiB, half the compat binding limit). */
export const MAX_COLUMN_FLOATS = 1 << 24;

/** Floats of the column buffer of `op` at the context's batch. */
export function columnFloats(op: ConvOp, ctx: Pick<RenderContext, "batch">): number {
  return op.channels * op.kernelH * op.kernelW * ctx.batch * op.outH * op.outW;
}

/** What conv.ts shares with this path: names, constants, the dZ loader and its bindings. */
export interface ConvInputParts {
  readonly common: { readonly op: string; readonly origin: string; readonly fuses: readonly string[] };
  readonly constants: readonly GemmConstant[];
  readonly dzBindings: readonly GemmBinding[];
  /** WGSL `fn dz_at(i: u32) -> f32` and anything it needs. */
  readonly dz: string;
  readonly dzDoc: string;
  /** vec4 aliases of dZ (positions of one example and filter aligned) and of the params (W rows aligned), where they exist. */
  readonly vec4: { readonly dz: GemmBinding | undefined; readonly w: GemmBinding | undefined };
  /** CPU adapters: the column GEMM with dZ and W in uniform buffers (conv-input-cols.ts), where it applies. */
  readonly uniform?: { readonly plan: UniformColumns; readonly windows: DirectWindows };
}

/**
 * The column GEMM and the gather of one conv's input gradient (overwriting dX or adding to it); the
 * gather runs by `rows` (stride 1, no dilation, OW a multiple of 4: see convPlan) or by `elements`.
 */
export function renderConvInputCol2im(op: ConvOp, g: IrGraph, ctx: RenderContext, parts: ConvInputParts, options: GemmOptions, gather: "rows" | "elements", accumulate: boolean): GemmKernels {
  const cols = `${op.name}_grad_input_cols`;
  const positions = ctx.batch * op.outH * op.outW;
  const taps = op.channels * op.kernelH * op.kernelW;
  const spec: GemmSpec = {
    ...parts.common,
    name: cols,
    phase: "backward",
    trainingOnly: true,
    summary: [`cols[tap, (ex, p)] = Σ_f dZ[ex, f, p] · W[f, tap], ${parts.dzDoc}; ${op.name}_grad_input sums the columns into dX`],
    m: positions,
    n: taps,
    k: op.filters,
    dims: { m: "batch · OH · OW output positions", n: "C · KH · KW taps", k: "filters" },
    constants: parts.constants,
    bindings: [
      ...parts.dzBindings,
      { name: "params", buffer: "params", access: "read", use: "load" },
      { name: "cols", buffer: `aux:${cols}`, access: "read_write", use: "store" },
      ...(parts.vec4.dz ? [parts.vec4.dz] : []),
      ...(parts.vec4.w ? [parts.vec4.w] : []),
    ],
    helpers: parts.dz,
    a: { doc: "dZ[ex, k, p] for output position m = (ex, p)", body: "return dz_at(((m / OUT_POS) * F + k) * OUT_POS + m % OUT_POS);" },
    b: { doc: "W[k, n], filter k, tap n", body: "return params[W_OFFSET + k * TAPS + n];" },
    // m..m+3 stay in one example when OUT_POS % 4 = 0; W rows are aligned when W_OFFSET and TAPS are multiples of 4.
    ...(parts.vec4.dz ? { a4: { doc: "dZ[ex, k, p..p+3] for m = (ex, p)", body: "return dz4[((m / OUT_POS) * F + k) * (OUT_POS / 4u) + (m % OUT_POS) / 4u];" } } : {}),
    ...(parts.vec4.w ? { b4: { doc: "W[k, n..n+3]", body: "return params4[(W_OFFSET + k * TAPS + n) / 4u];" } } : {}),
    store: { doc: "cols[n, m], tap-major so the gather reads consecutive positions", body: "cols[n * M + m] = value;" },
    // Four consecutive positions of one tap are contiguous and aligned when M = batch · OH · OW is a multiple of 4.
    ...(positions % 4 === 0
      ? { store4: { doc: "cols[n, m..m+3]", body: "cols[(n * M + m) / 4u] = value;", binding: { name: "cols", buffer: `aux:${cols}`, access: "read_write", use: "store", type: "vec4<f32>" } as const } }
      : {}),
    fastAxis: "m",
  };
  const gemm: GemmKernels = parts.uniform
    ? { kernels: [renderUniformColumns(op, ctx, parts.common, parts.uniform.plan, parts.uniform.windows, { buffer: parts.dzBindings[0]!.buffer, doc: parts.dzDoc }, cols)], aux: [] }
    : renderGemm(spec, ctx, options);
  const sum = gather === "rows" ? rowGather(op, ctx, parts, cols, positions, accumulate) : elementGather(op, ctx, parts, cols, positions, accumulate);
  const kernels: Kernel[] = [...gemm.kernels, sum];
  return { kernels, aux: [...gemm.aux, { name: cols, floats: positions * taps }] };
}

/** One invocation per input element, summing the column entries of every tap that lands on it (any stride, dilation, padding). */
function elementGather(op: ConvOp, ctx: RenderContext, parts: ConvInputParts, cols: string, positions: number, accumulate: boolean): Kernel {
  const taps = op.channels * op.kernelH * op.kernelW;
  const inElems = ctx.batch * op.channels * op.inH * op.inW;
  return makeKernel(
    {
      name: `${op.name}_grad_input`,
      title: `${op.name}_grad_input: ${parts.common.op} at ${parts.common.origin}`,
      phase: "backward",
      about: [
        `dX ${accumulate ? "+=" : "="} col2im(cols): each input element sums the columns of the output positions whose tap lands on it`,
        "one invocation per input element; taps whose output position is off the grid or between strides are skipped",
      ],
      vars: [
        { name: "cols", buffer: `aux:${cols}`, access: "read" },
        { name: "dx", buffer: `grad:${op.x}`, access: "read_write" },
      ],
      constants: [
        ...windowConstants(op),
        u32c("SH", op.strideH, "stride"),
        u32c("SW", op.strideW),
        u32c("DH", op.dilationH, "dilation"),
        u32c("DW", op.dilationW),
        u32c("PT", op.padTop, "padding before (top, left)"),
        u32c("PL", op.padLeft),
        u32c("IN_POS", op.inH * op.inW),
        u32c("OUT_POS", op.outH * op.outW),
        u32c("POSITIONS", positions, "batch · OH · OW: the length of one column"),
      ],
      invocations: inElems,
      body: `
  let ex = i / (C * IN_POS);
  let c = (i / IN_POS) % C;
  let th = (i / IW) % IH + PT; // row and column in the padded input
  let tw = i % IW + PL;
  let base = c * KH * KW * POSITIONS + ex * OUT_POS;
  var acc = 0.0;
  // Output row oh sees this row through tap ki when oh·SH + ki·DH = th.
  for (var ki = 0u; ki < KH && ki * DH <= th; ki++) {
    let sh = th - ki * DH;
    let oh = sh / SH;
    if (sh % SH != 0u || oh >= OH) { continue; }
    for (var kj = 0u; kj < KW && kj * DW <= tw; kj++) {
      let sw = tw - kj * DW;
      let ow = sw / SW;
      if (sw % SW != 0u || ow >= OW) { continue; }
      acc += cols[base + (ki * KW + kj) * POSITIONS + oh * OW + ow];
    }
  }
  ${store("dx", "i", "acc", accumulate)}`,
      flops: positions * taps,
      bytes: (positions * taps + inElems * (accumulate ? 2 : 1)) * F32,
      fuses: parts.common.fuses,
      origin: parts.common.origin,
    },
    ctx,
  );
}

/**
 * One invocation per input row (example, channel, h): for each kernel row ki whose output row
 * oh = h + PT − ki exists and each kernel column kj, it loads that output row of the tap's column
 * (OW / 4 vec4s) and adds it at offset kj of the padded row held in registers; then it writes the
 * row (as vec4s when IW is a multiple of 4). The element gather issues one scalar load per tap and
 * input element; this issues one vec4 load per 4 output positions and tap.
 */
function rowGather(op: ConvOp, ctx: RenderContext, parts: ConvInputParts, cols: string, positions: number, accumulate: boolean): Kernel {
  const taps = op.channels * op.kernelH * op.kernelW;
  const inElems = ctx.batch * op.channels * op.inH * op.inW;
  const full = Math.max(op.outW + op.kernelW - 1, op.inW + op.padLeft);
  const vecOut = op.inW % 4 === 0;
  const write = vecOut
    ? `for (var q = 0u; q < IW / 4u; q++) {
    let v = vec4<f32>(acc[4u * q + PL], acc[4u * q + 1u + PL], acc[4u * q + 2u + PL], acc[4u * q + 3u + PL]);
    ${store("dx", "i * (IW / 4u) + q", "v", accumulate)}
  }`
    : `for (var w = 0u; w < IW; w++) { ${store("dx", "i * IW + w", "acc[w + PL]", accumulate)} }`;
  return makeKernel(
    {
      name: `${op.name}_grad_input`,
      title: `${op.name}_grad_input: ${parts.common.op} at ${parts.common.origin}`,
      phase: "backward",
      about: [
        `dX ${accumulate ? "+=" : "="} col2im(cols): each input element sums the columns of the output positions whose tap lands on it`,
        `one invocation per input row: for each tap (ki, kj) whose output row exists it adds that column row (${op.outW / 4} vec4) at offset kj`,
      ],
      vars: [
        { name: "cols", buffer: `aux:${cols}`, access: "read", type: "vec4<f32>" },
        { name: "dx", buffer: `grad:${op.x}`, access: "read_write", ...(vecOut ? { type: "vec4<f32>" as const } : {}) },
      ],
      constants: [
        ...windowConstants(op),
        u32c("PT", op.padTop, "padding before (top, left)"),
        u32c("PL", op.padLeft),
        u32c("FULL", full, "the row in padded coordinates: OW + KW − 1 positions (or more, to cover IW + PL)"),
        u32c("OUT_POS", op.outH * op.outW),
        u32c("POSITIONS", positions, "batch · OH · OW: the length of one column"),
      ],
      invocations: ctx.batch * op.channels * op.inH,
      body: `
  let ex = i / (C * IH);
  let c = (i / IH) % C;
  let th = i % IH + PT; // the row in the padded input
  var acc: array<f32, FULL>;
  for (var ki = 0u; ki < KH; ki++) {
    // Output row oh sees this row through kernel row ki when oh + ki = th.
    if (ki > th || th - ki >= OH) { continue; }
    let oh = th - ki;
    for (var kj = 0u; kj < KW; kj++) {
      let start = (((c * KH + ki) * KW + kj) * POSITIONS + ex * OUT_POS + oh * OW) / 4u;
      for (var s = 0u; s < OW / 4u; s++) {
        let v = cols[start + s];
        acc[4u * s + kj] += v.x; acc[4u * s + 1u + kj] += v.y; acc[4u * s + 2u + kj] += v.z; acc[4u * s + 3u + kj] += v.w;
      }
    }
  }
  ${write}`,
      flops: positions * taps,
      bytes: (positions * taps + inElems * (accumulate ? 2 : 1)) * F32,
      fuses: parts.common.fuses,
      origin: parts.common.origin,
    },
    ctx,
  );
}
