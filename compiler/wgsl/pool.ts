/**
 * Pooling (max, average, l2) over the valid positions of each window; padding and the overhang of
 * `rounding ceil` never contribute, and a window with no valid position yields 0.
 *
 * Forward: one invocation per output element. Max pooling also records which window position won
 * (the first maximum, row-major) in `aux:<op>_argmax`, so backward needs no recomputation.
 * Backward is a gather: one invocation per input element walks the output windows that cover it
 * (a closed-form range per axis), so nothing is scattered and no atomics are needed. Max pooling
 * whose windows tile the input exactly (stride = window, no dilation, no padding, no overhang)
 * instead runs one invocation per output element that writes its whole window: each input element
 * belongs to exactly one window, so this is race-free and does a quarter of the work for 2×2.
 * When the schedule fuses the pool with the conv producing its input (compiler/schedule/fusion.ts),
 * that scatter writes the conv's dZ = dY·f'(Y) instead of dY (scatterDz); where the conv's direct
 * forward computes whole windows, in training steps it also writes this pool's output and argmax, and
 * the pool has no forward kernel of its own there (conv-direct.ts).
 */
import type { IrGraph, PoolOp } from "../ir/graph.js";
import type { Kernel, OpKernels, RenderContext } from "./kernel.js";
import { F32, dimsText, gradInputName, makeKernel, singleInput, store, tensorOf, u32c, type Constant } from "./common.js";
import { activationDerivExpr, dzText } from "./activation-fn.js";

/** Argmax value of a window with no valid position. */
const NONE = 0xffffffff;

/** Kernels of a pooling op. */
export function renderPool(op: PoolOp, g: IrGraph, ctx: RenderContext): OpKernels {
  const x = tensorOf(g, op.x);
  const y = tensorOf(g, op.y);
  const argmax = `${op.name}_argmax`;
  const window = `${op.mode} ${op.kernelH}×${op.kernelW} stride ${op.strideH}×${op.strideW} padding ${op.padTop},${op.padLeft} over ${x.name} (${dimsText(x)} → ${dimsText(y)})`;
  const origin = ctx.where(op);
  const constants: Constant[] = [
    u32c("C", op.channels),
    u32c("IN_H", op.inH),
    u32c("IN_W", op.inW),
    u32c("OUT_H", op.outH),
    u32c("OUT_W", op.outW),
    u32c("K_H", op.kernelH),
    u32c("K_W", op.kernelW),
    u32c("S_H", op.strideH),
    u32c("S_W", op.strideW),
    u32c("D_H", op.dilationH),
    u32c("D_W", op.dilationW),
    u32c("PAD_T", op.padTop),
    u32c("PAD_L", op.padLeft),
    u32c("IN_SIZE", x.size, "floats per example"),
    u32c("OUT_SIZE", y.size),
  ];
  const outElems = ctx.batch * y.size;
  const inElems = ctx.batch * x.size;
  const windowSize = op.kernelH * op.kernelW;

  const accumulateLine = { max: "if (count == 0u || v > best) { best = v; arg = kh * K_W + kw; }", average: "acc = acc + v;", l2: "acc = acc + v * v;" }[op.mode];
  const result = { max: "best", average: "acc / f32(count)", l2: "sqrt(acc / f32(count))" }[op.mode];
  const forward = makeKernel(
    {
      name: `${op.name}_forward`,
      phase: "forward",
      about: [`pool ${window}`, "one invocation per output element; windows read only valid positions"],
      vars: [
        { name: "x", buffer: `act:${op.x}`, access: "read" },
        { name: "y", buffer: `act:${op.y}`, access: "read_write" },
        ...(op.mode === "max" ? [{ name: "argmax", buffer: `aux:${argmax}` as const, access: "read_write" as const, type: "u32" as const }] : []),
      ],
      constants: [...constants, ...(op.mode === "max" ? [u32c("NONE", NONE, "argmax of a window with no valid position")] : [])],
      invocations: outElems,
      body: `
  let n = i / OUT_SIZE;
  let c = (i / (OUT_H * OUT_W)) % C;
  let oh = (i / OUT_W) % OUT_H;
  let ow = i % OUT_W;
  let base = n * IN_SIZE + c * IN_H * IN_W;
  var count = 0u;
  ${op.mode === "max" ? "var best = 0.0;\n  var arg = NONE;" : "var acc = 0.0;"}
  for (var kh = 0u; kh < K_H; kh++) {
    let ih = i32(oh * S_H + kh * D_H) - i32(PAD_T);
    if (ih < 0 || ih >= i32(IN_H)) { continue; }
    for (var kw = 0u; kw < K_W; kw++) {
      let iw = i32(ow * S_W + kw * D_W) - i32(PAD_L);
      if (iw < 0 || iw >= i32(IN_W)) { continue; }
      let v = x[base + u32(ih) * IN_W + u32(iw)];
      ${accumulateLine}
      count++;
    }
  }
  y[i] = select(0.0, ${result}, count > 0u);${op.mode === "max" ? "\n  argmax[i] = arg;" : ""}`,
      flops: outElems * (op.mode === "l2" ? 2 * windowSize + 1 : windowSize),
      bytes: (inElems + outElems * (op.mode === "max" ? 2 : 1)) * F32,
      fuses: [op.name],
      origin,
    },
    ctx,
  );

  const input = singleInput(op, (accumulate): Kernel[] => {
    if (op.mode === "max" && tiles(op) && ctx.dzByPool?.has(op.x)) {
      if (accumulate) throw new Error(`bug: ${op.name} writes the dZ of its input's producer, so it is that tensor's only reader`);
      return [scatterDz(op, g, ctx, { window, origin, constants, argmax, inElems, outElems })];
    }
    if (op.mode === "max" && tiles(op)) {
      return [
        makeKernel(
          {
            name: gradInputName(op, 0, false),
            phase: "backward",
            about: [`dX of pool ${window}${accumulate ? ", added to dX" : ""}`, "the windows tile the input: one invocation per output element writes dY to its argmax and 0 to the rest of its window"],
            vars: [
              { name: "argmax", buffer: `aux:${argmax}`, access: "read", type: "u32" },
              { name: "dy", buffer: `grad:${op.y}`, access: "read" },
              { name: "dx", buffer: `grad:${op.x}`, access: "read_write" },
            ],
            constants: constants.filter((c) => !["S_H", "S_W", "D_H", "D_W", "PAD_T", "PAD_L"].includes(c.name)),
            invocations: outElems,
            body: `
  let plane = i / (OUT_H * OUT_W); // n · C + c
  let oh = (i / OUT_W) % OUT_H;
  let ow = i % OUT_W;
  let g = dy[i];
  let arg = argmax[i];
  let base = plane * IN_H * IN_W + oh * K_H * IN_W + ow * K_W;
  for (var kh = 0u; kh < K_H; kh++) {
    for (var kw = 0u; kw < K_W; kw++) {
      let at = base + kh * IN_W + kw;
      let v = select(0.0, g, arg == kh * K_W + kw);
      ${store("dx", "at", "v", accumulate)}
    }
  }`,
            flops: inElems,
            bytes: (inElems * (accumulate ? 2 : 1) + outElems * 2) * F32,
            fuses: [op.name],
            origin,
          },
          ctx,
        ),
      ];
    }
    // Per output window, what this input element receives from dY[o].
    const contribution = {
      max: "select(0.0, dy[o], argmax[o] == kh * K_W + kw)",
      average: "dy[o] / f32(valid_h(oh) * valid_w(ow))",
      l2: "select(0.0, dy[o] * xv / (f32(valid_h(oh) * valid_w(ow)) * y[o]), y[o] > 0.0)",
    }[op.mode];
    const counting = [
      `// Valid (non-padding) rows of the window of output row oh, and columns of output column ow.
fn valid_h(oh: u32) -> u32 {
  let first = i32(oh * S_H) - i32(PAD_T);
  var n = 0u;
  for (var k = 0u; k < K_H; k++) {
    let ih = first + i32(k * D_H);
    if (ih >= 0 && ih < i32(IN_H)) { n++; }
  }
  return n;
}`,
      `fn valid_w(ow: u32) -> u32 {
  let first = i32(ow * S_W) - i32(PAD_L);
  var n = 0u;
  for (var k = 0u; k < K_W; k++) {
    let iw = first + i32(k * D_W);
    if (iw >= 0 && iw < i32(IN_W)) { n++; }
  }
  return n;
}`,
    ];
    const vars =
      op.mode === "max"
        ? [{ name: "argmax", buffer: `aux:${argmax}` as const, access: "read" as const, type: "u32" as const }]
        : op.mode === "l2"
          ? [
              { name: "x", buffer: `act:${op.x}` as const, access: "read" as const },
              { name: "y", buffer: `act:${op.y}` as const, access: "read" as const },
            ]
          : [];
    return [
      makeKernel(
        {
          name: gradInputName(op, 0, false),
          phase: "backward",
          about: [`dX of pool ${window}${accumulate ? ", added to dX" : ""}`, "gather: one invocation per input element over the output windows covering it"],
          vars: [...vars, { name: "dy", buffer: `grad:${op.y}`, access: "read" }, { name: "dx", buffer: `grad:${op.x}`, access: "read_write" }],
          constants,
          helpers: op.mode === "max" ? [] : counting,
          invocations: inElems,
          body: `
  let n = i / IN_SIZE;
  let c = (i / (IN_H * IN_W)) % C;
  let ih = i32((i / IN_W) % IN_H) + i32(PAD_T);  // row and column in padded coordinates
  let iw = i32(i % IN_W) + i32(PAD_L);
  let out_base = n * OUT_SIZE + c * OUT_H * OUT_W;${op.mode === "l2" ? "\n  let xv = x[i];" : ""}
  // Output rows whose window starts at or before ih and ends at or after it.
  let oh_last = min(ih / i32(S_H), i32(OUT_H) - 1);
  let oh_first = max(0, (ih - i32((K_H - 1u) * D_H) + i32(S_H) - 1) / i32(S_H));
  let ow_last = min(iw / i32(S_W), i32(OUT_W) - 1);
  let ow_first = max(0, (iw - i32((K_W - 1u) * D_W) + i32(S_W) - 1) / i32(S_W));
  var acc = 0.0;
  for (var ohi = oh_first; ohi <= oh_last; ohi++) {
    let dh = ih - ohi * i32(S_H);
    if (dh % i32(D_H) != 0) { continue; }
    let kh = u32(dh) / D_H;
    let oh = u32(ohi);
    for (var owi = ow_first; owi <= ow_last; owi++) {
      let dw = iw - owi * i32(S_W);
      if (dw % i32(D_W) != 0) { continue; }
      let kw = u32(dw) / D_W;
      let ow = u32(owi);
      let o = out_base + oh * OUT_W + ow;
      acc = acc + ${contribution};
    }
  }
  ${store("dx", "i", "acc", accumulate)}`,
          flops: inElems * Math.ceil(op.kernelH / op.strideH) * Math.ceil(op.kernelW / op.strideW) * 2,
          // dX (read too when accumulating), dY and argmax or Y per window, X for l2.
          bytes: (inElems * (accumulate ? 2 : 1) + outElems * (op.mode === "average" ? 1 : 2) + (op.mode === "l2" ? inElems : 0)) * F32,
          fuses: [op.name],
          origin,
        },
        ctx,
      ),
    ];
  });

  // A conv forward fused with this pool writes Y and the argmax (compiler/schedule/fusion.ts; training steps).
  const fusedForward = ctx.poolByConv?.get(op.x) === op;
  return { forward: fusedForward ? [] : [forward], params: [], input, aux: op.mode === "max" ? [{ name: argmax, floats: outElems }] : [] };
}

/** Whether the windows of `op` cover every input element exactly once. */
export function tiles(op: PoolOp): boolean {
  return (
    op.strideH === op.kernelH &&
    op.strideW === op.kernelW &&
    op.dilationH === 1 &&
    op.dilationW === 1 &&
    op.padTop === 0 &&
    op.padLeft === 0 &&
    op.outH * op.kernelH === op.inH &&
    op.outW * op.kernelW === op.inW
  );
}

/**
 * The tiling max pool's backward scatter fused with the activation derivative of the conv producing
 * its input (compiler/schedule/fusion.ts): the argmax of each window gets dZ = dY · f'(Y), where Y at
 * the argmax is the pool's own output, and the rest of the window gets 0 (dY is 0 there), written to
 * the conv's `aux:<conv>_dz`. One invocation per output element, like the plain scatter.
 */
function scatterDz(
  op: PoolOp,
  g: IrGraph,
  ctx: RenderContext,
  parts: { window: string; origin: string; constants: readonly Constant[]; argmax: string; inElems: number; outElems: number },
): Kernel {
  const conv = g.ops.find((o) => o.kind === "conv" && o.y === op.x);
  if (conv?.kind !== "conv") throw new Error(`bug: ${op.name} forms dZ but no conv produces its input`);
  const doc = dzText(conv.activation, conv.slope);
  return makeKernel(
    {
      name: gradInputName(op, 0, false),
      phase: "backward",
      about: [
        `dX of pool ${parts.window}, fused with ${conv.name}'s ${doc}: written to ${conv.name}'s dZ buffer`,
        "the windows tile the input: one invocation per output element writes dY · f'(pool output) to its argmax and 0 to the rest of its window",
      ],
      vars: [
        { name: "argmax", buffer: `aux:${parts.argmax}`, access: "read", type: "u32" },
        { name: "dy", buffer: `grad:${op.y}`, access: "read" },
        { name: "y", buffer: `act:${op.y}`, access: "read" },
        { name: "dz", buffer: `aux:${conv.name}_dz`, access: "read_write" },
      ],
      constants: parts.constants.filter((c) => !["S_H", "S_W", "D_H", "D_W", "PAD_T", "PAD_L"].includes(c.name)),
      invocations: parts.outElems,
      body: `
  let plane = i / (OUT_H * OUT_W); // n · C + c
  let oh = (i / OUT_W) % OUT_H;
  let ow = i % OUT_W;
  let y_i = y[i]; // ${conv.name}'s output at the argmax
  let g = dy[i] * (${activationDerivExpr(conv.activation, "y_i", conv.slope)});
  let arg = argmax[i];
  let base = plane * IN_H * IN_W + oh * K_H * IN_W + ow * K_W;
  for (var kh = 0u; kh < K_H; kh++) {
    for (var kw = 0u; kw < K_W; kw++) {
      dz[base + kh * IN_W + kw] = select(0.0, g, arg == kh * K_W + kw);
    }
  }`,
      flops: parts.inElems + 2 * parts.outElems,
      bytes: (parts.inElems + parts.outElems * 3) * F32,
      fuses: [op.name, conv.name],
      origin: parts.origin,
    },
    ctx,
  );
}
