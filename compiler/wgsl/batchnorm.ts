/**
 * Batch normalisation per channel over the batch's valid rows × spatial positions, with a fused
 * activation: Y = act(γ·(X − μ)·r + β), r = 1/√(σ² + ε).
 *
 * Training uses the batch statistics (biased σ²) and moves the running statistics in `state`:
 * running = momentum·running + (1 − momentum)·stat, with the unbiased variance σ²·m/(m − 1).
 * Evaluation uses the running statistics. Reductions are barrier-free and in a fixed order:
 * each invocation of a `partial` kernel reduces one channel over one chunk of rows, and a
 * per-channel kernel combines the chunks in order (Chan et al. for mean and variance).
 *
 * Scratch: `aux:<op>_stats` = [μ per channel, r per channel] for the step (batch or running),
 * `aux:<op>_partial` = (count, mean, M2) per channel and chunk, `aux:<op>_grad_partial` =
 * (Σg, Σg·x̂) per channel and chunk. The input gradient reads dγ and dβ from `grads`, which the
 * parameter kernels write first (compiler/ir/autodiff.ts schedules params before inputs).
 */
import type { BatchNormOp, IrGraph } from "../ir/graph.js";
import type { Kernel, OpKernels, RenderContext } from "./kernel.js";
import { F32, activationHelpers, dimsText, f32c, gradInputName, makeKernel, singleInput, store, tensorOf, u32c, type Constant, type StorageVar } from "./common.js";

/** Elements one `partial` invocation reduces, at least (whole rows are taken). */
const CHUNK_ELEMENTS = 2048;

/** Kernels of a batch-norm op. */
export function renderBatchNorm(op: BatchNormOp, g: IrGraph, ctx: RenderContext): OpKernels {
  if (op.activation === "softmax") throw new Error(`bug: ${op.name}: a softmax epilogue is split off by lowering`);
  const x = tensorOf(g, op.x);
  const gamma = g.params[op.gamma]!;
  const beta = g.params[op.beta]!;
  const chunkRows = Math.min(ctx.batch, Math.max(1, Math.ceil(CHUNK_ELEMENTS / op.spatial)));
  const chunks = Math.ceil(ctx.batch / chunkRows);
  const elems = ctx.batch * x.size;
  const origin = ctx.where(op);
  const act = op.activation === "identity" ? "" : ` then ${op.activation}`;
  const what = `batchnorm of ${x.name} (${dimsText(x)}): ${op.channels} channels × ${op.spatial} positions${act}`;
  const names = { stats: `${op.name}_stats`, partial: `${op.name}_partial`, gradPartial: `${op.name}_grad_partial` };
  const constants: Constant[] = [
    u32c("C", op.channels),
    u32c("SPATIAL", op.spatial, "positions per channel per example"),
    u32c("SIZE", x.size, "floats per example"),
    u32c("CHUNK_ROWS", chunkRows, "rows one partial invocation reduces"),
    u32c("CHUNKS", chunks),
    u32c("GAMMA", gamma.offset, `${gamma.name} in the parameter arena`),
    u32c("BETA", beta.offset, `${beta.name} in the parameter arena`),
    u32c("RUN_MEAN", op.runningMean, "running mean in the state arena"),
    u32c("RUN_VAR", op.runningVar, "running variance in the state arena"),
    f32c("EPS", op.eps),
    f32c("MOMENTUM", op.momentum),
  ];
  const common = { constants, fuses: [op.name], origin };
  const reduceBytes = elems * F32;

  const partial = makeKernel(
    {
      ...common,
      name: `${op.name}_partial_stats`,
      phase: "forward",
      about: [what, "training: count, mean and M2 = Σ(x − mean)² of one channel over one chunk of the valid rows (two passes)"],
      vars: [
        { name: "x", buffer: `act:${op.x}`, access: "read" },
        { name: "partial", buffer: `aux:${names.partial}`, access: "read_write" },
      ],
      uniforms: true,
      invocations: op.channels * chunks,
      body: `
  if (u.training == 0u) { return; }
  let c = i / CHUNKS;
  let first = (i % CHUNKS) * CHUNK_ROWS;
  let last = min(first + CHUNK_ROWS, u.rows);
  var sum = 0.0;
  for (var n = first; n < last; n++) {
    let base = n * SIZE + c * SPATIAL;
    for (var s = 0u; s < SPATIAL; s++) { sum = sum + x[base + s]; }
  }
  let count = f32(select(0u, last - first, last > first) * SPATIAL);
  let mean = select(0.0, sum / count, count > 0.0);
  var m2 = 0.0;
  for (var n = first; n < last; n++) {
    let base = n * SIZE + c * SPATIAL;
    for (var s = 0u; s < SPATIAL; s++) {
      let d = x[base + s] - mean;
      m2 = m2 + d * d;
    }
  }
  partial[3u * i] = count;
  partial[3u * i + 1u] = mean;
  partial[3u * i + 2u] = m2;`,
      flops: 4 * elems,
      bytes: 2 * reduceBytes,
    },
    ctx,
  );

  const stats = makeKernel(
    {
      ...common,
      name: `${op.name}_stats`,
      phase: "forward",
      about: [
        what,
        "per channel: training combines the chunks in order into the batch mean and biased variance and moves the running",
        "statistics (unbiased variance); evaluation takes the running statistics. Writes μ and r = 1/√(σ² + ε) to stats.",
      ],
      vars: [
        { name: "partial", buffer: `aux:${names.partial}`, access: "read" },
        { name: "state", buffer: "state", access: "read_write" },
        { name: "stats", buffer: `aux:${names.stats}`, access: "read_write" },
      ],
      uniforms: true,
      invocations: op.channels,
      body: `
  if (u.training == 0u) {
    stats[i] = state[RUN_MEAN + i];
    stats[C + i] = 1.0 / sqrt(state[RUN_VAR + i] + EPS);
    return;
  }
  var count = 0.0;
  var mean = 0.0;
  var m2 = 0.0;
  for (var k = 0u; k < CHUNKS; k++) {
    let j = 3u * (i * CHUNKS + k);
    let nb = partial[j];
    if (nb == 0.0) { continue; }
    let total = count + nb;
    let delta = partial[j + 1u] - mean;
    mean = mean + delta * (nb / total);
    m2 = m2 + partial[j + 2u] + delta * delta * (count * nb / total);
    count = total;
  }
  let variance = m2 / count;
  stats[i] = mean;
  stats[C + i] = 1.0 / sqrt(variance + EPS);
  let unbiased = select(variance, m2 / (count - 1.0), count > 1.0);
  state[RUN_MEAN + i] = MOMENTUM * state[RUN_MEAN + i] + (1.0 - MOMENTUM) * mean;
  state[RUN_VAR + i] = MOMENTUM * state[RUN_VAR + i] + (1.0 - MOMENTUM) * unbiased;`,
      flops: op.channels * chunks * 8,
      bytes: op.channels * (chunks * 3 + 6) * F32,
    },
    ctx,
  );

  // Forward: vec4 when the four lanes share a channel.
  const vec = op.spatial % 4 === 0;
  const t = vec ? "vec4<f32>" : "f32";
  const lanes = vec ? 4 : 1;
  const forward = makeKernel(
    {
      ...common,
      name: `${op.name}_forward`,
      phase: "forward",
      about: [what, `Y = act(γ·(X − μ)·r + β) with this step's statistics; ${vec ? "one vec4 (one channel)" : "one element"} per invocation`],
      vars: [
        { name: "x", buffer: `act:${op.x}`, access: "read", type: t },
        { name: "params", buffer: "params", access: "read" },
        { name: "stats", buffer: `aux:${names.stats}`, access: "read" },
        { name: "y", buffer: `act:${op.y}`, access: "read_write", type: t },
      ],
      helpers: activationHelpers(op.activation, op.slope, t),
      invocations: elems / lanes,
      body: `
  let c = (i * ${lanes}u / SPATIAL) % C;
  let scale = params[GAMMA + c] * stats[C + c];
  let z = (x[i] - stats[c]) * scale + params[BETA + c];
  y[i] = act(z);`,
      flops: elems * 4,
      bytes: 2 * elems * F32,
    },
    ctx,
  );

  // Backward pieces shared by the parameter and input kernels: g = dY·act'(Y), x̂ = (X − μ)·r.
  const activated = op.activation !== "identity";
  const gradVars: StorageVar[] = [
    { name: "x", buffer: `act:${op.x}`, access: "read" },
    ...(activated ? [{ name: "y", buffer: `act:${op.y}` as const, access: "read" as const }] : []),
    { name: "dy", buffer: `grad:${op.y}`, access: "read" },
    { name: "stats", buffer: `aux:${names.stats}`, access: "read" },
  ];
  const gradHelpers = activationHelpers(op.activation, op.slope, "f32");
  const gradOf = (k: string) => (activated ? `dy[${k}] * act_grad(y[${k}])` : `dy[${k}]`);

  const gradPartial = makeKernel(
    {
      ...common,
      name: `${op.name}_grad_partial`,
      phase: "backward",
      about: [what, "Σg and Σg·x̂ (g = dY·act'(Y), x̂ = (X − μ)·r) of one channel over one chunk of the valid rows"],
      vars: [...gradVars, { name: "partial", buffer: `aux:${names.gradPartial}`, access: "read_write" }],
      uniforms: true,
      helpers: gradHelpers,
      invocations: op.channels * chunks,
      body: `
  let c = i / CHUNKS;
  let first = (i % CHUNKS) * CHUNK_ROWS;
  let last = min(first + CHUNK_ROWS, u.rows);
  let mean = stats[c];
  let r = stats[C + c];
  var sum_g = 0.0;
  var sum_gx = 0.0;
  for (var n = first; n < last; n++) {
    let base = n * SIZE + c * SPATIAL;
    for (var s = 0u; s < SPATIAL; s++) {
      let k = base + s;
      let g = ${gradOf("k")};
      sum_g = sum_g + g;
      sum_gx = sum_gx + g * (x[k] - mean) * r;
    }
  }
  partial[2u * i] = sum_g;
  partial[2u * i + 1u] = sum_gx;`,
      flops: elems * 6,
      bytes: (activated ? 3 : 2) * reduceBytes,
    },
    ctx,
  );

  const gradParams = makeKernel(
    {
      ...common,
      name: `${op.name}_grad_params`,
      phase: "backward",
      about: [what, "dβ = Σg and dγ = Σg·x̂ per channel, the chunks added in order"],
      vars: [
        { name: "partial", buffer: `aux:${names.gradPartial}`, access: "read" },
        { name: "grads", buffer: "grads", access: "read_write" },
      ],
      invocations: op.channels,
      body: `
  var sum_g = 0.0;
  var sum_gx = 0.0;
  for (var k = 0u; k < CHUNKS; k++) {
    let j = 2u * (i * CHUNKS + k);
    sum_g = sum_g + partial[j];
    sum_gx = sum_gx + partial[j + 1u];
  }
  grads[BETA + i] = sum_g;
  grads[GAMMA + i] = sum_gx;`,
      flops: op.channels * chunks * 2,
      bytes: op.channels * (chunks * 2 + 2) * F32,
    },
    ctx,
  );

  const input = singleInput(op, (accumulate): Kernel[] => {
    return [
      makeKernel(
        {
          ...common,
          name: gradInputName(op, 0, false),
          phase: "backward",
          about: [
            `dX of ${what}${accumulate ? ", added to dX" : ""}`,
            "dX = γ·r/m · (m·g − dβ − x̂·dγ) over the m = rows × positions values of the channel; rows past uniforms.rows get 0",
          ],
          vars: [
            ...gradVars,
            { name: "params", buffer: "params", access: "read" },
            { name: "grads", buffer: "grads", access: "read" },
            { name: "dx", buffer: `grad:${op.x}`, access: "read_write" },
          ],
          uniforms: true,
          helpers: gradHelpers,
          invocations: elems,
          body: `
  if (i / SIZE >= u.rows) {${accumulate ? "" : "\n    dx[i] = 0.0;"}
    return;
  }
  let c = (i / SPATIAL) % C;
  let m = f32(u.rows * SPATIAL);
  let r = stats[C + c];
  let g = ${gradOf("i")};
  let xhat = (x[i] - stats[c]) * r;
  // Evaluation statistics do not depend on X: then dX = γ·r·g.
  let full = params[GAMMA + c] * r / m * (m * g - grads[BETA + c] - xhat * grads[GAMMA + c]);
  let v = select(params[GAMMA + c] * r * g, full, u.training != 0u);
  ${store("dx", "i", "v", accumulate)}`,
          flops: elems * 10,
          bytes: (activated ? 4 : 3) * elems * F32,
        },
        ctx,
      ),
    ];
  });

  return {
    forward: [partial, stats, forward],
    params: [gradPartial, gradParams],
    input,
    aux: [
      { name: names.stats, floats: 2 * op.channels },
      { name: names.partial, floats: 3 * op.channels * chunks },
      { name: names.gradPartial, floats: 2 * op.channels * chunks },
    ],
  };
}
