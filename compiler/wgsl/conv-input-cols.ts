/**
 * The column GEMM of a conv's input gradient (conv-input.ts) for CPU adapters, with both operands in
 * uniform buffers, which llvmpipe loads with vector gathers instead of lane by lane:
 *   cols[tap, (ex, p)] = Σ_f dZ[ex, f, p] · W[f, tap]
 * dZ is read a chunk of images at a time, W from the tap-major copy the direct forward made
 * (`aux:<op>_wt`, pieces of whole input channels, conv-direct.ts), so dispatch j pairs image chunk
 * j / PIECES with filter piece j % PIECES and computes that block of columns. An invocation owns TM
 * positions of one image × TN taps of its piece; per four filters it loads TM / 4 · 4 vec4s of dZ
 * and TN vec4s of W (each holds four filters of one tap) for 4 · TM · TN multiply-adds. The columns
 * are stored as conv-input.ts's GEMM stores them, so the same gather sums them into dX.
 */
import type { ConvOp } from "../ir/graph.js";
import { F32, makeKernel, u32c } from "./common.js";
import { type DirectWindows, imageChunks } from "./conv-direct.js";
import type { BufferName, Kernel, RenderContext } from "./kernel.js";

/** Taps per invocation: 8 (× up to 16 positions: 128 accumulators). */
const TN = 8;

/** The chunks and tile of the uniform column GEMM, or undefined where it does not apply. */
export interface UniformColumns {
  /** Images per chunk of dZ and image chunks; each pairs with every filter piece. */
  readonly per: number;
  readonly imageChunks: number;
  /** Positions per invocation: a multiple of 4 dividing OH·OW, so a tile lies in one image. */
  readonly tm: number;
}

/**
 * Where the uniform column GEMM applies to `op`: a CPU adapter, the direct forward's filter pieces
 * (`windows`, so `aux:<op>_wt` exists), four filters per vec4, output positions in vec4s, and a
 * few images of dZ fitting a uniform binding.
 */
export function uniformColumns(op: ConvOp, ctx: Pick<RenderContext, "batch" | "target" | "maxUniformBytes">, windows: DirectWindows | undefined): UniformColumns | undefined {
  if (ctx.target !== "cpu" || !windows || op.filters % 4 !== 0) return undefined;
  const outPos = op.outH * op.outW;
  const tm = [16, 8, 4].find((t) => outPos % t === 0);
  if (tm === undefined) return undefined;
  const chunks = imageChunks([F32 * op.filters * outPos], ctx);
  return chunks ? { per: chunks.per, imageChunks: chunks.chunks, tm } : undefined;
}

/** The column kernel `<op>_grad_input_cols` reading dZ from `dz` (a plain buffer, examples from 0). */
export function renderUniformColumns(
  op: ConvOp,
  ctx: RenderContext,
  common: { readonly op: string; readonly origin: string; readonly fuses: readonly string[] },
  plan: UniformColumns,
  windows: DirectWindows,
  dz: { readonly buffer: BufferName; readonly doc: string },
  cols: string,
): Kernel {
  const { per, imageChunks: images, tm } = plan;
  const outPos = op.outH * op.outW;
  const taps = op.channels * op.kernelH * op.kernelW;
  const pieceTaps = windows.pieceChannels * op.kernelH * op.kernelW;
  const pieces = windows.pieces;
  const chunks = images * pieces;
  const tilesM = (per * outPos) / tm;
  const tilesN = Math.ceil(pieceTaps / TN);
  const dzBytes = F32 * per * op.filters * outPos;
  const column = (j: number) => `vec4<f32>(${[0, 1, 2, 3].map((r) => `acc[4u * q + ${r}u][${j}]`).join(", ")})`;
  return makeKernel(
    {
      name: `${op.name}_grad_input_cols`,
      title: `${op.name}_grad_input_cols: ${common.op} at ${common.origin}`,
      phase: "backward",
      trainingOnly: true,
      fuses: common.fuses,
      origin: common.origin,
      about: [
        `cols[tap, (ex, p)] = Σ_f dZ[ex, f, p] · W[f, tap], ${dz.doc}; ${op.name}_grad_input sums the columns into dX`,
        `dZ and W are uniform buffers (llvmpipe gathers them as vectors, storage buffers lane by lane): dispatch j reads`,
        `dZ of images chunk j / PIECES (PER each) and W's piece j % PIECES (W tap-major from ${op.name}_forward_weights);`,
        `one invocation per TM positions of one image × TN taps of the piece.`,
      ],
      chunks,
      workgroupSize: 8,
      vars: [
        { name: "dz", buffer: dz.buffer, uniform: { vec4s: dzBytes / 16, offsets: Array.from({ length: chunks }, (_, j) => Math.floor(j / pieces) * dzBytes) } },
        { name: "wt", buffer: `aux:${op.name}_wt`, uniform: { vec4s: (pieceTaps * op.filters) / 4, offsets: Array.from({ length: chunks }, (_, j) => (j % pieces) * windows.pieceBytes) } },
        { name: "cols", buffer: `aux:${cols}`, access: "read_write", type: "vec4<f32>" } as const,
      ],
      constants: [
        u32c("M", ctx.batch * outPos, "batch · OH · OW: the length of one column"),
        u32c("F", op.filters, "filters"),
        u32c("TAPS", taps, "C·KH·KW"),
        u32c("OUT_POS", outPos, "OH·OW"),
        u32c("PER", per, "images per chunk of dZ"),
        u32c("BATCH", ctx.batch),
        u32c("PIECES", pieces, "pieces of W (whole input channels)"),
        u32c("PIECE_TAPS", pieceTaps, "taps per piece (the last may hold fewer)"),
        u32c("TM", tm, "positions per invocation (one image)"),
        u32c("TN", TN, "taps per invocation"),
        u32c("TILES_M", tilesM),
      ],
      invocations: tilesM * tilesN,
      body: `
  let image_chunk = chunk.x / PIECES;
  let piece = chunk.x % PIECES;
  let m0 = (i % TILES_M) * TM; // position in the chunk: (image in the chunk) · OUT_POS + p
  let n0 = (i / TILES_M) * TN; // tap in the piece
  let xe = m0 / OUT_POS;
  let p0 = m0 % OUT_POS;
  if (image_chunk * PER + xe >= BATCH) { return; } // the last chunk holds fewer images
  let piece_taps = min(PIECE_TAPS, TAPS - piece * PIECE_TAPS);
  var acc: array<array<f32, TN>, TM>;
  for (var f = 0u; f < F; f += 4u) {
    // dZ[xe, f + r, p0 .. p0 + TM) for the four filters r
    var a: array<array<f32, TM>, 4>;
    for (var r = 0u; r < 4u; r++) {
      for (var q = 0u; q < TM / 4u; q++) {
        let v = dz[((xe * F + f + r) * OUT_POS + p0) / 4u + q];
        a[r][4u * q] = v.x; a[r][4u * q + 1u] = v.y; a[r][4u * q + 2u] = v.z; a[r][4u * q + 3u] = v.w;
      }
    }
    for (var j = 0u; j < TN; j++) {
      let w = wt[(min(n0 + j, PIECE_TAPS - 1u) * F + f) / 4u]; // W[f .. f + 3, tap]
      for (var m = 0u; m < TM; m++) {
        acc[m][j] = fma(a[0][m], w.x, fma(a[1][m], w.y, fma(a[2][m], w.z, fma(a[3][m], w.w, acc[m][j]))));
      }
    }
  }
  // One pass per tap j: the selects pick column j of the accumulators, so the stores are not unrolled TN times.
  let mg0 = (image_chunk * PER) * OUT_POS + m0;
  for (var j = 0u; j < TN; j++) {
    if (n0 + j >= piece_taps) { break; }
    let n = piece * PIECE_TAPS + n0 + j;
    for (var q = 0u; q < TM / 4u; q++) {
      var v = ${column(0)};
${Array.from({ length: TN - 1 }, (_, j) => `      v = select(v, ${column(j + 1)}, j == ${j + 1}u);`).join("\n")}
      cols[(n * M + mg0) / 4u + q] = v;
    }
  }`,
      flops: 2 * ctx.batch * outPos * taps * op.filters,
      bytes: F32 * (ctx.batch * op.filters * outPos * pieces + taps * op.filters * images + ctx.batch * outPos * taps),
    },
    ctx,
  );
}
