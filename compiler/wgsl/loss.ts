/**
 * The loss: one fused kernel with one invocation per example row computes the output activation
 * the loss absorbed (softmax or sigmoid), the example's loss, dLoss/dLogits (already divided by
 * the batch's rows, so the backward pass yields gradients of the mean loss) and whether the
 * example's arg-max is its label. Rows ≥ uniforms.rows get zero gradient, loss and correctness.
 * A one-invocation kernel then adds the rows' loss sum, correct count and row count to `metrics`
 * in row order: fixed-order sums, no atomics.
 *
 *   log_likelihood  (fused softmax)  C = ln Σe^z − z_y,                          dz = (softmax(z) − y)/rows
 *   cross_entropy   (fused sigmoid)  C = Σ y·softplus(−z) + (1−y)·softplus(z),   dz = (σ(z) − y)/rows
 *   quadratic       (on the output)  C = ½Σ(a − y)²,                             da = (a − y)/rows
 *
 * with y the one-hot label. The checker makes the first two end in their activation, which lowering
 * moves into the loss.
 * Scratch: `aux:loss_rows` = [loss of each row | 1 or 0 for each row's correctness].
 */
import type { IrGraph } from "../ir/graph.js";
import type { AuxBuffer, Kernel, RenderContext } from "./kernel.js";
import { F32, dimsText, makeKernel, tensorOf, u32c } from "./common.js";

/** Kernels of the loss and the metrics reduction, and the scratch they share. */
export function renderLoss(g: IrGraph, ctx: RenderContext): { kernels: Kernel[]; aux: AuxBuffer[] } {
  const { loss, fused } = g.loss;
  const out = tensorOf(g, g.loss.logits);
  const rowsAux = "loss_rows";
  const lastOp = g.ops[g.ops.length - 1];
  const origin = lastOp ? ctx.where(lastOp) : g.model;
  const elems = ctx.batch * out.size;
  const what = `${loss} loss on ${out.name} (${dimsText(out)})${fused ? ` through its fused ${fused}` : ""}`;

  const perRow = makeKernel(
    {
      name: `loss_${loss}`,
      phase: "loss",
      about: [what, `one invocation per example: activation, loss, dLoss/d(${out.name}) (divided by rows) and correctness`],
      vars: [
        { name: "z", buffer: `act:${g.loss.logits}`, access: "read" },
        { name: "dz", buffer: `grad:${g.loss.logits}`, access: "read_write" },
        { name: "labels", buffer: "labels", access: "read", type: "u32" },
        { name: "rows", buffer: `aux:${rowsAux}`, access: "read_write" },
      ],
      uniforms: true,
      constants: [u32c("N", out.size, "outputs per example"), u32c("BATCH", ctx.batch)],
      invocations: ctx.batch,
      body: `
  let base = i * N;
  if (i >= u.rows) {
    for (var j = 0u; j < N; j++) { dz[base + j] = 0.0; }
    rows[i] = 0.0;
    rows[BATCH + i] = 0.0;
    return;
  }
  let label = min(labels[i], N - 1u);
  let count = f32(u.rows);
  // The first maximum is the prediction; softmax also needs it for a stable exp.
  var m = z[base];
  var arg = 0u;
  for (var j = 1u; j < N; j++) {
    let v = z[base + j];
    if (v > m) { m = v; arg = j; }
  }
${lossBody(loss, fused)}
  rows[i] = c;
  rows[BATCH + i] = select(0.0, 1.0, arg == label);`,
      flops: elems * 8,
      bytes: 2 * elems * F32,
      fuses: ["loss"],
      origin,
    },
    ctx,
  );

  const metrics = makeKernel(
    {
      name: "loss_metrics",
      phase: "loss",
      about: [`adds this batch's ${loss} loss sum, correct count and rows to metrics = [loss sum, correct, examples]`, "one invocation: the rows are summed in order so results do not depend on scheduling"],
      vars: [
        { name: "rows", buffer: `aux:${rowsAux}`, access: "read" },
        { name: "metrics", buffer: "metrics", access: "read_write" },
      ],
      uniforms: true,
      constants: [u32c("BATCH", ctx.batch)],
      invocations: 1,
      body: `
  var loss = 0.0;
  var correct = 0.0;
  for (var r = 0u; r < u.rows; r++) {
    loss = loss + rows[r];
    correct = correct + rows[BATCH + r];
  }
  metrics[0] = metrics[0] + loss;
  metrics[1] = metrics[1] + correct;
  metrics[2] = metrics[2] + f32(u.rows);`,
      flops: 2 * ctx.batch,
      bytes: 2 * ctx.batch * F32,
      fuses: ["loss"],
      origin,
    },
    ctx,
  );
  return { kernels: [perRow, metrics], aux: [{ name: rowsAux, floats: 2 * ctx.batch }] };
}

/** Statements computing the row's loss `c` and writing dz, given base, label, count, m. */
function lossBody(loss: IrGraph["loss"]["loss"], fused: IrGraph["loss"]["fused"]): string {
  const target = "select(0.0, 1.0, j == label)";
  if (loss === "log_likelihood" && fused === "softmax")
    return `  var sum = 0.0;
  for (var j = 0u; j < N; j++) { sum = sum + exp(z[base + j] - m); }
  let c = m + log(sum) - z[base + label];
  for (var j = 0u; j < N; j++) {
    let p = exp(z[base + j] - m) / sum;
    dz[base + j] = (p - ${target}) / count;
  }`;
  if (loss === "cross_entropy" && fused === "sigmoid")
    return `  var c = 0.0;
  for (var j = 0u; j < N; j++) {
    let v = z[base + j];
    let t = ${target};
    // −ln σ(v) = softplus(−v) and −ln(1 − σ(v)) = softplus(v), softplus(v) = ln(1 + e^v) written stably.
    let tail = log(1.0 + exp(-abs(v)));
    c = c + t * (max(-v, 0.0) + tail) + (1.0 - t) * (max(v, 0.0) + tail);
    dz[base + j] = (1.0 / (1.0 + exp(-v)) - t) / count;
  }`;
  if (loss !== "quadratic" || fused) throw new Error(`bug: loss ${loss} with fused activation ${fused ?? "none"}; the checker requires the matching output activation`);
  return `  var c = 0.0;
  for (var j = 0u; j < N; j++) {
    let d = z[base + j] - ${target};
    c = c + 0.5 * d * d;
    dz[base + j] = d / count;
  }`;
}
