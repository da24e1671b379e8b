/**
 * Kernels of a convolution (2-D, or 1-D with H = 1), implicit GEMMs unless noted: window indices are
 * worked out inside the operand loads, so no im2col buffer exists, and padding is a bounds check.
 *   forward  Y = act(W ⊛ X + b)   M = batch·OH·OW positions, N = filters, K = C·KH·KW taps,
 *            or a direct convolution (conv-direct.ts)
 *   params   dW = dZ ⋆ X, db = Σ dZ   M = filters, N = C·KH·KW (+1: a column of ones gives db), K = rows·OH·OW;
 *            split-K over the long K into aux partials plus a reduce kernel, or a direct correlation
 *            (conv-direct-params.ts)
 *   input    dX = dZ ⊛ rot180(W)   M = batch·IH·IW, N = C, K = F·KH·KW; each input position gathers the
 *            output positions whose window covers it (stride divisibility, dilation, padding),
 *            or a column GEMM plus a col2im gather (conv-input.ts)
 * convPlan chooses among these by geometry and target. dZ = dY ⊙ act'(Y) is formed while loading, or
 * on CPU adapters once by <op>_grad_activation (grad-activation.ts). W is F×C×KH×KW; tensors are N×C×H×W.
 * Unsigned index arithmetic throughout: a position in the padded input is `o·S + t·D`, valid when
 * PAD ≤ it < PAD + IN.
 */
import type { ConvOp, IrGraph } from "../ir/graph.js";
import { activationExpr, activationText, dzText } from "./activation-fn.js";
import { renderGemm, type GemmConstant, type GemmKernels, type GemmOptions, type GemmSpec } from "./gemm.js";
import type { OpKernels, RenderContext } from "./kernel.js";
import { singleInput } from "./common.js";
import { columnFloats, MAX_COLUMN_FLOATS, renderConvInputCol2im } from "./conv-input.js";
import { dzFormedOnce, dzSource } from "./grad-activation.js";
import { directMisfit, directWindows, type DirectWindows, renderConvDirect } from "./conv-direct.js";
import { uniformColumns, type UniformColumns } from "./conv-input-cols.js";
import { type DirectParamsPlan, directParamsPlan, renderConvDirectParams } from "./conv-direct-params.js";

/** GEMM plan overrides, and paths that override convPlan's choice (tests, benchmarks). */
export interface ConvOptions extends GemmOptions {
  readonly forward?: "gemm" | "direct";
  readonly paramsGradient?: "gemm" | "direct";
  readonly inputGradient?: "gather" | "col2im";
  /** col2im: sum the columns row by row with vec4 loads where the geometry allows (default), or element by element. */
  readonly rowGather?: boolean;
}

/** The path of one pass and a one-line reason for it. */
export interface ConvStep<P extends string> {
  readonly path: P;
  readonly reason: string;
}

/**
 * How each pass of a conv runs:
 *   forward  `gemm` implicit GEMM | `direct` direct convolution (conv-direct.ts)
 *   params   `gemm` split-K implicit GEMM | `direct` direct correlation (conv-direct-params.ts)
 *   input    `gather` implicit GEMM whose loads gather dZ | `col2im-rows`, `col2im-elements` column GEMM plus a
 *            col2im gather by input rows (vec4 loads) or by input elements (conv-input.ts)
 */
export interface ConvPlan {
  /** `windows`: the direct forward reads X in chunks of the batch and W in pieces, as uniform buffers (CPU). */
  readonly forward: ConvStep<"gemm" | "direct"> & { readonly windows?: DirectWindows };
  /** `direct`: the direct dW's tile and slices (chunked: each slice's X and dZ as uniform buffers, CPU). */
  readonly params: ConvStep<"gemm" | "direct"> & { readonly direct?: DirectParamsPlan };
  /** `columns`: the column GEMM reads dZ and the forward's W pieces as uniform buffers (CPU). */
  readonly input: ConvStep<"gather" | "col2im-rows" | "col2im-elements"> & { readonly columns?: UniformColumns };
}

/** col2im pays where the dX gather would visit this many times the useful taps (IH·IW input against OH·OW output positions) or more. */
const COL2IM_WASTE = 1.25;

/** A row of convPlan's tables: where `when` holds (and no row above it does), `path`, for `reason`. */
type Rule<P extends string> = readonly [when: boolean, path: P, reason: string];

function firstRule<P extends string>(rules: readonly Rule<P>[]): ConvStep<P> {
  const rule = rules.find(([when]) => when);
  if (!rule) throw new Error("bug: no rule of convPlan matched");
  return { path: rule[1], reason: rule[2] };
}

/**
 * The path of each pass of `op` (`force` overrides). GPUs run the workgroup-tiled implicit GEMMs;
 * CPU adapters, where loads rather than multiply-adds set the cost, take the direct and col2im paths
 * where they fit. A forced path the geometry does not fit is a bug.
 */
export function convPlan(op: ConvOp, ctx: Pick<RenderContext, "batch" | "target" | "maxUniformBytes">, force: ConvOptions = {}): ConvPlan {
  const cpu = ctx.target === "cpu";
  const misfit = directMisfit(op);
  const dzOnce = dzFormedOnce(op.activation, ctx.target);
  if (force.paramsGradient === "direct" && !dzOnce) throw new Error(`bug: the direct dW of ${op.name} reads dZ from the buffer aux:${op.name}_dz`);
  const inPos = op.inH * op.inW;
  const outPos = op.outH * op.outW;
  const waste = `the gather ${inPos >= COL2IM_WASTE * outPos ? "would visit" : "visits"} ${(inPos / outPos).toFixed(2)}× the useful taps`;
  // A column row then adds to a contiguous run of the input row, and starts 16-byte aligned.
  const rowsFit = op.strideH === 1 && op.strideW === 1 && op.dilationH === 1 && op.dilationW === 1 && op.outW % 4 === 0;
  const byRows = (force.rowGather ?? true) && rowsFit;
  const elementsWhy = force.rowGather === false ? "row gather off" : "strided, dilated or OW not a multiple of 4";
  const paths = {
    forward: firstRule<"gemm" | "direct">([
      [force.forward !== undefined, force.forward ?? "gemm", "forced"],
      [!cpu, "gemm", "GPU: workgroup-tiled implicit GEMM"],
      [misfit !== undefined, "gemm", `CPU, ${misfit}: implicit GEMM`],
      [true, "direct", "CPU, stride 1, unpadded, vec4 rows and filters: direct convolution"],
    ]),
    params: firstRule<"gemm" | "direct">([
      [force.paramsGradient !== undefined, force.paramsGradient ?? "gemm", "forced"],
      [!cpu, "gemm", "GPU: split-K implicit GEMM, dZ formed while loading"],
      [!dzOnce, "gemm", "CPU, identity (dZ is dY, not formed once): split-K implicit GEMM"],
      [misfit !== undefined, "gemm", `CPU, ${misfit}: split-K implicit GEMM`],
      [!directParamsPlan(op, ctx), "gemm", `CPU, 4 filters × ${op.kernelH}×${op.kernelW} taps pass the accumulator cap: split-K implicit GEMM`],
      [true, "direct", "CPU, dZ formed once, stride 1, unpadded, vec4 rows and filters: direct correlation"],
    ]),
    input: firstRule<"gather" | "col2im-rows" | "col2im-elements">([
      [force.inputGradient === "gather", "gather", "forced"],
      [force.inputGradient === "col2im", byRows ? "col2im-rows" : "col2im-elements", `forced: column GEMM + ${byRows ? "row gather" : `element gather (${elementsWhy})`}`],
      [!cpu, "gather", "GPU: implicit GEMM gathering dZ"],
      [inPos < COL2IM_WASTE * outPos, "gather", `CPU, ${waste}: implicit GEMM gathering dZ`],
      [columnFloats(op, ctx) > MAX_COLUMN_FLOATS, "gather", "CPU, the columns would pass 64 MiB: implicit GEMM gathering dZ"],
      [byRows, "col2im-rows", `CPU, ${waste}: column GEMM + row gather`],
      [true, "col2im-elements", `CPU, ${waste}: column GEMM + element gather (${elementsWhy})`],
    ]),
  };
  return withUniformBuffers(op, ctx, paths, dzOnce);
}

/**
 * Where a CPU path reads its per-image operands and filters as uniform buffers (chunks of the batch,
 * pieces of W; llvmpipe loads them with vector gathers, storage buffers lane by lane), said in the
 * reasons too.
 */
function withUniformBuffers(op: ConvOp, ctx: Pick<RenderContext, "batch" | "target" | "maxUniformBytes">, p: { forward: ConvStep<"gemm" | "direct">; params: ConvStep<"gemm" | "direct">; input: ConvStep<"gather" | "col2im-rows" | "col2im-elements"> }, dzOnce: boolean): ConvPlan {
  const windows = p.forward.path === "direct" ? directWindows(op, ctx) : undefined;
  const slices = p.params.path === "direct" ? directParamsPlan(op, ctx) : undefined;
  if (p.params.path === "direct" && !slices) throw new Error(`bug: ${op.name}'s filter gradient does not fit the direct correlation`);
  const columns = p.input.path !== "gather" && dzOnce ? uniformColumns(op, ctx, windows) : undefined;
  const images = (chunks: number, per: number) => `${chunks} chunk${chunks > 1 ? "s" : ""} of ${per} image${per > 1 ? "s" : ""}`;
  const pieces = (n: number) => `W in ${n} piece${n > 1 ? "s" : ""}`;
  return {
    forward: windows ? { ...p.forward, windows, reason: `${p.forward.reason}; uniform X and W: ${images(windows.chunks, windows.per)}, ${pieces(windows.pieces)}` } : p.forward,
    params: slices ? { ...p.params, direct: slices, ...(slices.chunked ? { reason: `${p.params.reason}; uniform X and dZ: ${images(slices.slices, slices.perSlice)}` } : {}) } : p.params,
    input: columns && windows ? { ...p.input, columns, reason: `${p.input.reason}; uniform dZ and W: ${images(columns.imageChunks, columns.per)} × ${pieces(windows.pieces)}` } : p.input,
  };
}

/** Forward, parameter-gradient and input-gradient kernels of one conv op; `options` overrides the GEMM plan (tests, benchmarks). */
export function renderConv(op: ConvOp, g: IrGraph, ctx: RenderContext, options: ConvOptions = {}): OpKernels {
  const common = { op: `${op.name} (conv)`, origin: ctx.where(op), fuses: [op.name] };
  const act = op.activation;
  const taps = op.channels * op.kernelH * op.kernelW;
  const inPos = op.inH * op.inW;
  const outPos = op.outH * op.outW;
  const wOffset = g.params[op.weight]!.offset;
  const bOffset = op.bias === undefined ? undefined : g.params[op.bias]!.offset;
  const withBias = bOffset !== undefined;
  const constants: GemmConstant[] = [
    { name: "C", value: op.channels, doc: `input channels of ${g.tensors[op.x]!.name}` },
    { name: "IH", value: op.inH, doc: "input height" },
    { name: "IW", value: op.inW, doc: "input width" },
    { name: "F", value: op.filters, doc: "filters" },
    { name: "OH", value: op.outH, doc: "output height" },
    { name: "OW", value: op.outW, doc: "output width" },
    { name: "KH", value: op.kernelH, doc: "kernel height" },
    { name: "KW", value: op.kernelW, doc: "kernel width" },
    { name: "SH", value: op.strideH, doc: "stride" },
    { name: "SW", value: op.strideW },
    { name: "DH", value: op.dilationH, doc: "dilation" },
    { name: "DW", value: op.dilationW },
    { name: "PT", value: op.padTop, doc: "padding before (top, left)" },
    { name: "PL", value: op.padLeft },
    { name: "IN_POS", value: inPos, doc: "IH·IW" },
    { name: "OUT_POS", value: outPos, doc: "OH·OW" },
    { name: "TAPS", value: taps, doc: "C·KH·KW: weights per filter" },
    { name: "W_OFFSET", value: wOffset, doc: `${g.params[op.weight]!.name} in the arena (F × C × KH × KW)` },
    ...(bOffset === undefined ? [] : [{ name: "B_OFFSET", value: bOffset, doc: `${g.params[op.bias!]!.name} in the arena` }]),
  ];
  const dzDoc = dzText(act, op.slope);
  const dzFrom = dzSource(op, common, ctx.batch * op.filters * outPos, ctx);
  const dzBindings = dzFrom.bindings;
  const dz = dzFrom.fn;
  // vec4 aliases for the cpu column GEMM of dX: W rows are 16-byte aligned when the arena offset and the
  // taps per filter are multiples of 4; dZ (an aux buffer from 0) when the positions per (example, filter) are.
  const wVec4 = wOffset % 4 === 0 && taps % 4 === 0;
  const dzVec4 = dzFrom.formed && outPos % 4 === 0;
  const params4 = { name: "params4", buffer: "params", access: "read", use: "load", type: "vec4<f32>" } as const;
  const dz4 = dzVec4 ? [{ name: "dz4", buffer: dzBindings[0]!.buffer, access: "read", use: "load", type: "vec4<f32>" } as const] : [];
  // X at example `ex`, channel `c`, output position `p` seen through tap (i, j): 0 in the padding.
  const readWindow = [
    "let hp = (p / OW) * SH + i * DH; // row in the padded input",
    "let wp = (p % OW) * SW + j * DW;",
    "if (hp < PT || hp >= PT + IH || wp < PL || wp >= PL + IW) { return 0.0; }",
    "return x[(ex * C + c) * IN_POS + (hp - PT) * IW + (wp - PL)];",
  ].join("\n");
  const geometry = `${op.kernelH}×${op.kernelW} window, stride ${op.strideH}×${op.strideW}, dilation ${op.dilationH}×${op.dilationW}, padding ${op.padTop},${op.padLeft} before`;

  const forward: GemmSpec = {
    ...common,
    name: `${op.name}_forward`,
    phase: "forward",
    trainingOnly: false,
    summary: [`Y = ${activationText(act, op.slope, `W ⊛ X${withBias ? " + b" : ""}`)}: ${op.channels}×${op.inH}×${op.inW} → ${op.filters}×${op.outH}×${op.outW}, ${geometry}`],
    m: ctx.batch * outPos,
    n: op.filters,
    k: taps,
    dims: { m: "batch · OH · OW output positions", n: "filters", k: "C · KH · KW taps" },
    constants,
    bindings: [
      { name: "x", buffer: `act:${op.x}`, access: "read", use: "load" },
      { name: "params", buffer: "params", access: "read", use: withBias ? "both" : "load" },
      { name: "y", buffer: `act:${op.y}`, access: "read_write", use: "store" },
    ],
    a: {
      doc: "X under tap k of output position m (example m / OUT_POS)",
      body: ["let ex = m / OUT_POS;", "let p = m % OUT_POS;", "let c = k / (KH * KW);", "let i = (k / KW) % KH;", "let j = k % KW;", readWindow].join("\n"),
    },
    b: { doc: "W[n, k], filter n, tap k", body: "return params[W_OFFSET + n * TAPS + k];" },
    store: {
      doc: `Y[ex, n, p] = ${activationText(act, op.slope, `value${withBias ? " + b[n]" : ""}`)}`,
      body: `let z = value${withBias ? " + params[B_OFFSET + n]" : ""};\ny[((m / OUT_POS) * F + n) * OUT_POS + m % OUT_POS] = ${activationExpr(act, "z", op.slope)};`,
    },
    fastAxis: "m",
  };

  const params: GemmSpec = {
    ...common,
    name: `${op.name}_grad_params`,
    phase: "backward",
    trainingOnly: true,
    summary: [`dW[f, tap] = Σ_positions dZ · X under the tap${withBias ? ", db[f] = Σ dZ" : ""}, ${dzDoc}; rows past uniforms.rows are left out`],
    m: op.filters,
    n: taps + (withBias ? 1 : 0),
    k: ctx.batch * outPos,
    dims: { m: "filters", n: withBias ? "C · KH · KW taps, plus a column of ones whose output is db" : "C · KH · KW taps", k: "batch · OH · OW output positions" },
    kEnd: "uniforms.rows * OUT_POS",
    constants,
    bindings: [
      { name: "x", buffer: `act:${op.x}`, access: "read", use: "load" },
      ...dzBindings,
      { name: "uniforms", buffer: "uniforms", access: "uniform", use: "load" },
      { name: "grads", buffer: "grads", access: "read_write", use: "store" },
    ],
    helpers: dz,
    a: { doc: `${dzDoc.replace("dZ", "dZ[ex, m, p]")} at output position k = (ex, p)`, body: "return dz_at(((k / OUT_POS) * F + m) * OUT_POS + k % OUT_POS);" },
    b: {
      doc: `X under tap n of output position k${withBias ? "; tap TAPS is the ones column" : ""}`,
      body: [...(withBias ? ["if (n == TAPS) { return 1.0; }"] : []), "let ex = k / OUT_POS;", "let p = k % OUT_POS;", "let c = n / (KH * KW);", "let i = (n / KW) % KH;", "let j = n % KW;", readWindow].join("\n"),
    },
    store: withBias
      ? { doc: "dW[m, n], or db[m] for the ones column", body: "if (n < TAPS) { grads[W_OFFSET + m * TAPS + n] = value; } else { grads[B_OFFSET + m] = value; }" }
      : { doc: "dW[m, n]", body: "grads[W_OFFSET + m * TAPS + n] = value;" },
    fastAxis: "n",
  };

  const inputSpec = (accumulate: boolean): GemmSpec => ({
    ...common,
    name: `${op.name}_grad_input`,
    phase: "backward",
    trainingOnly: true,
    summary: [`dX ${accumulate ? "+=" : "="} dZ ⊛ rot180(W) (transposed convolution), ${dzDoc}`],
    m: ctx.batch * inPos,
    n: op.channels,
    k: op.filters * op.kernelH * op.kernelW,
    dims: { m: "batch · IH · IW input positions", n: "input channels", k: "F · KH · KW" },
    constants,
    bindings: [
      ...dzBindings,
      { name: "params", buffer: "params", access: "read", use: "load" },
      { name: "dx", buffer: `grad:${op.x}`, access: "read_write", use: "store" },
    ],
    helpers: dz,
    a: {
      doc: "dZ at the output position whose tap (i, j) of filter f lands on input position m; 0 if none",
      body: [
        "let ex = m / IN_POS;",
        "let q = m % IN_POS;",
        "let f = k / (KH * KW);",
        "let i = (k / KW) % KH;",
        "let j = k % KW;",
        "// oh·SH + i·DH = h + PT must hold for a whole oh in [0, OH)",
        "let th = q / IW + PT;",
        "let tw = q % IW + PL;",
        "if (th < i * DH || tw < j * DW) { return 0.0; }",
        "let sh = th - i * DH;",
        "let sw = tw - j * DW;",
        "if (sh % SH != 0u || sw % SW != 0u) { return 0.0; }",
        "let oh = sh / SH;",
        "let ow = sw / SW;",
        "if (oh >= OH || ow >= OW) { return 0.0; }",
        "return dz_at(((ex * F + f) * OH + oh) * OW + ow);",
      ].join("\n"),
    },
    b: { doc: "W[f, n, i, j] for k = (f, i, j)", body: "return params[W_OFFSET + ((k / (KH * KW)) * C + n) * KH * KW + k % (KH * KW)];" },
    store: {
      doc: `dX[ex, n, q] ${accumulate ? "+=" : "="} value`,
      body: `dx[((m / IN_POS) * C + n) * IN_POS + m % IN_POS] ${accumulate ? "+=" : "="} value;`,
    },
    fastAxis: "m",
  });

  const plan = convPlan(op, ctx, options);
  const forwardKernels = plan.forward.path === "direct" ? renderConvDirect(op, g, ctx, common, plan.forward.windows) : renderGemm(forward, ctx, options);
  const paramKernels = plan.params.direct ? renderConvDirectParams(op, g, ctx, common, plan.params.direct, { buffer: dzBindings[0]!.buffer, doc: dzDoc }) : renderGemm(params, ctx, options);
  const { windows } = plan.forward;
  const { columns } = plan.input;
  const col2im = { common, constants, dzBindings, dz, dzDoc, vec4: { dz: dz4[0], w: wVec4 ? params4 : undefined }, ...(columns && windows ? { uniform: { plan: columns, windows } } : {}) };
  const inputKernels = (accumulate: boolean): GemmKernels =>
    plan.input.path === "gather"
      ? renderGemm(inputSpec(accumulate), ctx, options)
      : renderConvInputCol2im(op, g, ctx, col2im, options, plan.input.path === "col2im-rows" ? "rows" : "elements", accumulate);
  // Both input variants share the kernel name and split, hence the aux buffer declared here.
  const inputAux = inputKernels(false).aux;
  return {
    forward: forwardKernels.kernels,
    // The schedule runs an op's parameter kernels before its input-gradient kernels, so dZ is ready for both.
    params: [...(dzFrom.kernel ? [dzFrom.kernel] : []), ...paramKernels.kernels],
    input: singleInput(op, (accumulate) => inputKernels(accumulate).kernels),
    aux: [...forwardKernels.aux, ...paramKernels.aux, ...inputAux, ...dzFrom.aux],
  };
}
