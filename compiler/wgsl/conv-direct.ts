/**
 * The forward pass of a stride-1, undilated, unpadded convolution as a direct convolution for CPU
 * adapters, where every storage load is issued lane by lane and loads, not multiply-adds, set the cost.
 * The implicit GEMM (conv.ts) loads each input value once per tap that sees it (KW times along a row)
 * with the window arithmetic around every load; here an invocation owns TW consecutive output
 * positions of one output row × TF filters, and for each input channel and kernel row it loads the
 * input row segment once, as vec4s, and reuses it for all KW kernel columns; where the accumulators
 * allow, it owns TH = 2 output rows, so each filter load serves twice the positions. The filters are read as
 * vec4s from a tap-major copy of W (`aux:<op>_wt`, W as C×KH×KW×F) that a small kernel writes first.
 * On CPU adapters X and the filters are read as uniform buffers, which llvmpipe loads with vector
 * gathers instead of lane by lane (measured 1.4–1.8× for the seed CNN's conv2): the kernel is
 * dispatched once per chunk of PER images, each dispatch binding its chunk of X (at most the uniform
 * binding size), and the filters are laid out in pieces of whole input channels, one uniform binding
 * each (directWindows). Where an image or one channel's filters do not fit, both are storage buffers.
 * Where the schedule fuses the tiling max pool that alone reads Y into training steps
 * (compiler/schedule/fusion.ts), the TH × TW outputs of an invocation are whole pool windows: the
 * kernel `<op>_<pool>_forward` writes the pooled values and their argmax instead of Y, and the pool
 * has no forward pass of its own there.
 */
import type { ConvOp, IrGraph, PoolOp } from "../ir/graph.js";
import { activationExpr, activationText } from "./activation-fn.js";
import { chunkOffsets, F32, makeKernel, u32c, type UniformVar, windowConstants } from "./common.js";
import { type AuxBuffer, CHUNK_STRIDE, type Kernel, type RenderContext } from "./kernel.js";

/** Output positions along a row per invocation: a vec4-aligned segment. */
const SEGMENTS = [8, 4] as const;
/** Filters per invocation at most: 8 × 8 accumulators measured 1.5–1.8× faster than the implicit GEMM on llvmpipe, 8 × 20 only 1.2–1.3× (spills). */
const MAX_FILTERS = 8;
/** Accumulators per invocation up to which the forward takes two output rows at once. */
const MAX_ROW_ACCUMULATORS = 64;

/** Why the direct path does not apply to `op` (a phrase), or undefined where it does. */
export function directMisfit(op: ConvOp): string | undefined {
  if (op.strideH !== 1 || op.strideW !== 1 || op.dilationH !== 1 || op.dilationW !== 1) return "strided or dilated";
  if (op.padTop !== 0 || op.padLeft !== 0 || op.outH !== op.inH - op.kernelH + 1 || op.outW !== op.inW - op.kernelW + 1) return "padded";
  // Input rows start 16-byte aligned when IW is a multiple of 4; the filters load as vec4s when F is.
  if (op.inW % 4 !== 0) return "IW not a multiple of 4 (vec4 input rows)";
  if (op.filters % 4 !== 0) return "F not a multiple of 4 (vec4 filter loads)";
  if (!SEGMENTS.some((s) => op.outW % s === 0)) return "OW not a multiple of 4 (row segments of 8 or 4)";
  return undefined;
}

/** The tile of the direct path for `op`, or undefined where it does not apply. */
export function directTile(op: ConvOp): { tw: number; tf: number } | undefined {
  if (directMisfit(op) !== undefined) return undefined;
  const tw = SEGMENTS.find((s) => op.outW % s === 0)!;
  // The largest multiple of 4 that divides F and stays ≤ MAX_FILTERS.
  let tf = 4;
  for (let t = 4; t <= Math.min(MAX_FILTERS, op.filters); t += 4) if (op.filters % t === 0) tf = t;
  return { tw, tf };
}

/**
 * The tile of the direct forward: TW positions of TH output rows × TF filters per invocation. One row
 * with directTile's TF, or, where OH is even, two rows with the largest TF that keeps the accumulators
 * ≤ MAX_ROW_ACCUMULATORS, whichever issues fewer loads per multiply-add: per channel and kernel row an
 * invocation loads TH input segments of VECS vec4s and, per kernel column, TF / 4 filter vec4s, for
 * TH · TW · TF · KW multiply-adds. Two rows halve the weight loads per multiply-add: measured 1.2–1.6×
 * for the seed CNN's conv1 (2 × 8 × 4); for its conv2 2 × 8 × 8 gained nothing (spills), 2 × 8 × 4
 * 1.10–1.14× against 1 × 8 × 8 (and its rows are then whole 2×2 pool windows, compiler/schedule/fusion.ts).
 */
export function directForwardTile(op: ConvOp): { tw: number; tf: number; th: number } | undefined {
  const tile = directTile(op);
  if (!tile) return undefined;
  const { tw } = tile;
  const one = { tw, tf: tile.tf, th: 1 };
  let tf = 0;
  for (let t = 4; t <= tile.tf; t += 4) if (op.filters % t === 0 && 2 * tw * t <= MAX_ROW_ACCUMULATORS) tf = t;
  if (op.outH % 2 !== 0 || tf === 0) return one;
  const vecs = Math.ceil((tw + op.kernelW - 1) / 4);
  const loadsPerFma = (th: number, f: number) => (th * vecs + (op.kernelW * f) / 4) / (th * tw * f * op.kernelW);
  return loadsPerFma(2, tf) < loadsPerFma(1, tile.tf) ? { tw, tf, th: 2 } : one;
}

/** How the CPU direct forward binds X and the filters as uniform buffers. */
export interface DirectWindows {
  /** Images per chunk, and chunks (dispatches) per batch; the last chunk may hold fewer images. */
  readonly per: number;
  readonly chunks: number;
  /** Bytes of one image of X. */
  readonly imageBytes: number;
  /** Input channels per filter piece, pieces, and bytes from one piece to the next (CHUNK_STRIDE-aligned). */
  readonly pieceChannels: number;
  readonly pieces: number;
  readonly pieceBytes: number;
}

/**
 * The uniform layout of `op`'s direct forward on a CPU adapter: as many images per chunk as fit the
 * uniform binding size with chunk offsets CHUNK_STRIDE-aligned (then evened out over the chunks), and
 * the filters (C×KH×KW×F) in as few pieces of whole channels as fit. Undefined on GPUs, or where one
 * image or one channel's filters is larger than a uniform binding.
 */
export function directWindows(op: ConvOp, ctx: Pick<RenderContext, "batch" | "target" | "maxUniformBytes">): DirectWindows | undefined {
  if (ctx.target !== "cpu") return undefined;
  const max = ctx.maxUniformBytes;
  const imageBytes = F32 * op.channels * op.inH * op.inW;
  const channelBytes = F32 * op.kernelH * op.kernelW * op.filters;
  const chunking = imageChunks([imageBytes], ctx);
  if (!chunking || channelBytes > max) return undefined;
  const pieceChannels = Math.ceil(op.channels / Math.ceil(op.channels / Math.floor(max / channelBytes)));
  const pieces = Math.ceil(op.channels / pieceChannels);
  const pieceBytes = pieces === 1 ? pieceChannels * channelBytes : Math.ceil((pieceChannels * channelBytes) / CHUNK_STRIDE) * CHUNK_STRIDE;
  return { ...chunking, imageBytes, pieceChannels, pieces, pieceBytes };
}

/**
 * Chunks of the batch for kernels that bind per-image operands of `imageBytes` each as uniform
 * buffers: the most images per chunk whose bytes fit the uniform binding size and keep every
 * chunk's offset CHUNK_STRIDE-aligned, then evened out over the chunks (the last may hold fewer).
 * Undefined where not even one image fits.
 */
export function imageChunks(imageBytes: readonly number[], ctx: Pick<RenderContext, "batch" | "maxUniformBytes">): { per: number; chunks: number } | undefined {
  const fits = (n: number) => imageBytes.every((b) => n * b <= ctx.maxUniformBytes && (n * b) % CHUNK_STRIDE === 0);
  let per = 0;
  for (let n = ctx.batch; n >= 1 && per === 0; n--) if (fits(n)) per = n;
  if (per === 0) return undefined;
  const even = Math.ceil(ctx.batch / Math.ceil(ctx.batch / per));
  if (fits(even)) per = even;
  return { per, chunks: Math.ceil(ctx.batch / per) };
}

/**
 * The weight-transpose kernel and the direct forward kernel of `op`, and the aux buffer between them;
 * `windows` (convPlan's directWindows) binds X and the filters as uniform buffers, else storage.
 */
export function renderConvDirect(
  op: ConvOp,
  g: IrGraph,
  ctx: RenderContext,
  common: { readonly op: string; readonly origin: string; readonly fuses: readonly string[] },
  windows: DirectWindows | undefined,
): { kernels: Kernel[]; aux: AuxBuffer[] } {
  const tile = directForwardTile(op);
  if (!tile) throw new Error(`bug: ${op.name} does not fit the direct convolution`);
  const { tw, tf, th } = tile;
  if (op.outH % th !== 0) throw new Error(`bug: ${th} output rows per invocation do not divide ${op.outH}`);
  const pool = ctx.poolByConv?.get(op.y);
  if (pool && (pool.kernelH !== th || tw % pool.kernelW !== 0)) throw new Error(`bug: ${op.name}'s ${th} × ${tw} outputs per invocation are not whole ${pool.name} windows`);
  const taps = op.channels * op.kernelH * op.kernelW;
  const wt = `${op.name}_wt`;
  const weight = g.params[op.weight]!;
  const bias = op.bias === undefined ? undefined : g.params[op.bias]!;
  const act = op.activation;
  const label = { phase: "forward" as const, trainingOnly: false, fuses: common.fuses, origin: common.origin };
  const name = pool ? `${op.name}_${pool.name}_forward` : `${op.name}_forward`;
  // Filter pieces: channels [c0, c1) as C×KH×KW×F from float `offset` of wt (one piece holding all of W without windows).
  const pieceChannels = windows?.pieceChannels ?? op.channels;
  const pieceFloats = windows ? windows.pieceBytes / F32 : taps * op.filters;
  const pieces = Array.from({ length: windows?.pieces ?? 1 }, (_, p) => ({
    name: windows ? `wt${p}` : "wt",
    c0: p * pieceChannels,
    c1: Math.min(op.channels, (p + 1) * pieceChannels),
    offset: p * pieceFloats,
  }));
  const pieceTaps = pieceChannels * op.kernelH * op.kernelW;

  const transpose = makeKernel(
    {
      ...label,
      name: `${op.name}_forward_weights`,
      title: `${op.name}_forward_weights: ${common.op} at ${common.origin}`,
      about: [
        `wt[tap, f] = W[f, tap]: ${weight.name} tap-major (C×KH×KW×F) so ${op.name}_forward loads 4 filters per load`,
        ...(windows ? [pieces.length === 1 ? "in one piece, bound as one uniform buffer" : `in ${pieces.length} pieces of ${pieceChannels} channels, ${windows.pieceBytes} bytes apart, each bound as one uniform buffer`] : []),
      ],
      vars: [
        { name: "params", buffer: "params", access: "read" },
        { name: "wt", buffer: `aux:${wt}`, access: "read_write" },
      ],
      constants: [
        u32c("F", op.filters, "filters"),
        u32c("TAPS", taps, "C·KH·KW"),
        u32c("W_OFFSET", weight.offset, `${weight.name} in the arena (F × C × KH × KW)`),
        u32c("PIECE_TAPS", pieceTaps, "taps per piece of whole channels"),
        u32c("PIECE_FLOATS", pieceFloats, "floats from one piece to the next"),
      ],
      invocations: taps * op.filters,
      body: "  wt[(i / (PIECE_TAPS * F)) * PIECE_FLOATS + i % (PIECE_TAPS * F)] = params[W_OFFSET + (i % F) * TAPS + i / F];",
      flops: 0,
      bytes: 2 * F32 * taps * op.filters,
    },
    ctx,
  );

  const segment = tw + op.kernelW - 1;
  const vecs = Math.ceil(segment / 4);
  const perImage = (op.outH / th) * (op.outW / tw) * (op.filters / tf);
  const xFloats = ctx.batch * op.channels * op.inH * op.inW;
  const xVec4s = windows ? (windows.per * windows.imageBytes) / 16 : xFloats / 4;
  const xVar = windows
    ? ({ name: "x", buffer: `act:${op.x}`, uniform: { vec4s: xVec4s, offsets: chunkOffsets(windows.chunks, windows.per * windows.imageBytes) } } satisfies UniformVar)
    : ({ name: "x", buffer: `act:${op.x}`, access: "read", type: "vec4<f32>" } as const);
  const wVars = pieces.map((p) =>
    windows ? ({ name: p.name, buffer: `aux:${wt}`, uniform: { vec4s: (pieceTaps * op.filters) / 4, offsets: [F32 * p.offset] } } satisfies UniformVar) : ({ name: p.name, buffer: `aux:${wt}`, access: "read", type: "vec4<f32>" } as const),
  );
  const image = windows ? "xe" : "ex";
  const channelLoop = (p: (typeof pieces)[number]) => `  for (var c = ${windows ? `${p.c0}u` : "0u"}; c < ${windows ? `${p.c1}u` : "C"}; c++) {
    for (var ki = 0u; ki < KH; ki++) {
      // the input under the segment for each of the TH output rows, at kernel row ki
      var xs: array<array<f32, ${4 * vecs}>, TH>;
      for (var r = 0u; r < TH; r++) {
        let start = (((${image} * C + c) * IH + oh0 + r + ki) * IW + ow0) / 4u;
        for (var s = 0u; s < VECS; s++) {
          let v = x[min(start + s, X_LAST)];
          xs[r][4u * s] = v.x; xs[r][4u * s + 1u] = v.y; xs[r][4u * s + 2u] = v.z; xs[r][4u * s + 3u] = v.w;
        }
      }
      for (var kj = 0u; kj < KW; kj++) {
        let tap = ((c${p.c0 > 0 ? ` - ${p.c0}u` : ""}) * KH + ki) * KW + kj;
        var w: array<f32, TF>;
        for (var f = 0u; f < TF; f += 4u) {
          let v = ${p.name}[(tap * F + f0 + f) / 4u];
          w[f] = v.x; w[f + 1u] = v.y; w[f + 2u] = v.z; w[f + 3u] = v.w;
        }
        for (var r = 0u; r < TH; r++) {
          for (var t = 0u; t < TW; t++) {
            for (var f = 0u; f < TF; f++) { acc[r][t][f] = fma(xs[r][t + kj], w[f], acc[r][t][f]); }
          }
        }
      }
    }
  }`;
  const z = `v${bias ? " + b" : ""}`;
  const outFloats = ctx.batch * op.filters * op.outH * op.outW;
  const pooled = pool ? pooledEpilogue(op, pool, g, tf, z, bias !== undefined) : undefined;
  const forward = makeKernel(
    {
      ...label,
      ...(pool ? { fuses: [...common.fuses, pool.name], trainingOnly: true } : {}),
      name,
      title: `${name}: ${common.op}${pool ? ` and ${pool.name} (pool)` : ""} at ${common.origin}`,
      about: [
        `Y = ${activationText(act, op.slope, `W ⊛ X${bias ? " + b" : ""}`)}: ${op.channels}×${op.inH}×${op.inW} → ${op.filters}×${op.outH}×${op.outW}, ${op.kernelH}×${op.kernelW} window, stride 1, no padding`,
        `Direct convolution: one invocation per ${tw} output positions of a row × ${tf} filters; for each channel and kernel row`,
        `it loads the ${segment} input values under the segment once (${vecs} vec4) and uses them for all ${op.kernelW} kernel columns.`,
        ...(windows
          ? [
              `X and the filters are uniform buffers (llvmpipe gathers them as vectors, storage buffers lane by lane): one dispatch per chunk of`,
              `PER images binds that chunk of X; the filters come in ${pieces.length === 1 ? "one piece" : `${pieces.length} pieces of whole channels`}.`,
            ]
          : []),
        ...(pooled?.about ?? []),
      ],
      ...(windows ? { chunks: windows.chunks, workgroupSize: 8 } : {}),
      vars: [
        xVar,
        ...wVars,
        ...(bias ? [{ name: "params", buffer: "params", access: "read" } as const] : []),
        ...(pooled?.vars ?? [{ name: "y", buffer: `act:${op.y}`, access: "read_write" } as const]),
      ],
      constants: [
        ...windowConstants(op, op.filters),
        u32c("TW", tw, "output positions per invocation (one row segment)"),
        u32c("TF", tf, "filters per invocation"),
        u32c("TH", th, "output rows per invocation: each weight load serves TH · TW positions"),
        u32c("VECS", vecs, `vec4s covering the TW + KW − 1 = ${segment} inputs under a segment`),
        ...(windows ? [u32c("PER", windows.per, "images per chunk"), u32c("BATCH", ctx.batch)] : []),
        u32c("X_LAST", xVec4s - 1, `last vec4 of X${windows ? "'s chunk" : ""} (a segment at the very end reads past the row, never used)`),
        ...(bias ? [u32c("B_OFFSET", bias.offset, `${bias.name} in the arena`)] : []),
        ...(pooled?.constants ?? []),
      ],
      helpers: [`// ${activationText(act, op.slope, "z")}\nfn act(z: f32) -> f32 {\n  return ${activationExpr(act, "z", op.slope)};\n}`],
      invocations: windows ? windows.per * perImage : ctx.batch * perImage,
      body: `
  // i = ((${image} · OH / TH + row group) · OW / TW + segment) · F / TF + filter group: neighbouring lanes share the input rows.
  let f0 = (i % (F / TF)) * TF;
  let ow0 = ((i / (F / TF)) % (OW / TW)) * TW;
  let group = i / (F / TF) / (OW / TW); // ${image} · OH / TH + row group
${
  windows
    ? `  let xe = group / (OH / TH); // the image within this chunk
  let ex = chunk.x * PER + xe;
  if (ex >= BATCH) { return; } // the last chunk holds fewer images`
    : "  let ex = group / (OH / TH);"
}
  let oh0 = (group % (OH / TH)) * TH;
  var acc: array<array<array<f32, TF>, TW>, TH>;
${pieces.map(channelLoop).join("\n")}
${
  pooled?.body ??
  `  // One pass per filter, each storing TH · TW values: the selects pick filter f's accumulators, so the
  // stores are not unrolled TF times (llvmpipe compiles each store into a loop over the lanes; JIT time).
  for (var f = 0u; f < TF; f++) {${bias ? "\n    let b = params[B_OFFSET + f0 + f];" : ""}
    for (var r = 0u; r < TH; r++) {
      for (var t = 0u; t < TW; t++) {
        var v = acc[r][t][0];
${Array.from({ length: tf - 1 }, (_, q) => `        v = select(v, acc[r][t][${q + 1}], f == ${q + 1}u);`).join("\n")}
        y[((ex * F + f0 + f) * OH + oh0 + r) * OW + ow0 + t] = act(${z});
      }
    }
  }`
}`,
      flops: 2 * ctx.batch * op.outH * op.outW * op.filters * taps + (pool ? outFloats : 0),
      // X, W, and Y or the pooled values with their argmax.
      bytes: F32 * (xFloats + taps * op.filters + (pool ? (2 * outFloats) / (pool.kernelH * pool.kernelW) : outFloats)),
    },
    ctx,
  );
  return { kernels: [transpose, forward], aux: [{ name: wt, floats: pieces.length * pieceFloats }] };
}

/**
 * The epilogue of a forward fused with the tiling max pool `pool` (TH × PW windows, PW dividing TW):
 * per filter and window, act(acc + b) at each position, the first maximum in row-major order and its
 * index kh · PW + kw, exactly as `<pool>_forward` computes them (pool.ts), into the pool's output and
 * `aux:<pool>_argmax`. Not Y: no kernel of a training step reads it (compiler/schedule/fusion.ts).
 * Evaluation runs the unfused kernels, so Y is there to read back (`dnnc viz`); writing Y here under
 * `u.training == 0` cost training steps as much as writing it always (llvmpipe runs both sides of a
 * branch under a lane mask), 15–25% of this kernel.
 */
function pooledEpilogue(op: ConvOp, pool: PoolOp, g: IrGraph, tf: number, z: string, bias: boolean) {
  const out = g.tensors[pool.y]!;
  return {
    about: [
      `Fused with ${pool.name} (max ${pool.kernelH}×${pool.kernelW}, stride = window) for training steps: an invocation's TH × TW outputs are whole windows;`,
      `it writes ${out.name} (${out.dims.join("×")}) and ${pool.name}_argmax, which ${pool.name}'s backward reads, and not Y, which nothing in a training step reads.`,
      `Evaluation runs ${op.name}_forward and ${pool.name}_forward instead, so Y is there to read back.`,
    ],
    vars: [
      { name: "pooled", buffer: `act:${pool.y}`, access: "read_write" },
      { name: "argmax", buffer: `aux:${pool.name}_argmax`, access: "read_write", type: "u32" },
    ] as const,
    constants: [
      u32c("PW", pool.kernelW, `${pool.name}'s window: TH rows × PW columns`),
      u32c("POH", pool.outH, `${pool.name}'s output height`),
      u32c("POW", pool.outW, `${pool.name}'s output width`),
    ],
    body: `  // One pass per filter, each pooling TW / PW windows of TH × PW values: the selects pick filter f's accumulators,
  // so the stores are not unrolled TF times (llvmpipe compiles each store into a loop over the lanes; JIT time).
  for (var f = 0u; f < TF; f++) {${bias ? "\n    let b = params[B_OFFSET + f0 + f];" : ""}
    for (var pc = 0u; pc < TW / PW; pc++) {
      var best = 0.0;
      var arg = 0u;
      for (var r = 0u; r < TH; r++) {
        for (var kw = 0u; kw < PW; kw++) {
          let t = pc * PW + kw;
          var v = acc[r][t][0];
${Array.from({ length: tf - 1 }, (_, q) => `          v = select(v, acc[r][t][${q + 1}], f == ${q + 1}u);`).join("\n")}
          let a = act(${z});
          // the first maximum in row-major order, as the pool kernels pick it (pool.ts)
          let k = r * PW + kw;
          let better = k == 0u || a > best;
          best = select(best, a, better);
          arg = select(arg, k, better);
        }
      }
      let o = ((ex * F + f0 + f) * POH + oh0 / TH) * POW + ow0 / PW + pc;
      pooled[o] = best;
      argmax[o] = arg;
    }
  }`,
  };
}
