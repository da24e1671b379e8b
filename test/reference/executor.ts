/**
 * The float64 reference executor of an IR graph: one forward pass, the loss, and the backward
 * schedule of compiler/ir/autodiff.ts step by step (overwriting or accumulating where it says), so
 * kernels can be checked value by value against it. For tests only.
 */
import { backwardSchedule } from "../../compiler/ir/autodiff.js";
import { opInputs, type IrGraph } from "../../compiler/ir/graph.js";
import { referenceLoss } from "./loss.js";
import { referenceOf, type ForwardArgs } from "./ops/index.js";

/** What one step runs on: how many rows, training or evaluation, and the randomness of dropout. */
export interface StepOptions {
  /** Examples in the batch (input holds at least rows × input size floats). */
  readonly rows: number;
  /** Training: dropout masks on, batch norm on batch statistics with running-statistics update. */
  readonly training: boolean;
  readonly seed: number;
  /** Training step counter (dropout's stream), from 1. */
  readonly step: number;
}

/** Everything one reference step computes. */
export interface StepResult {
  /** Forward values per tensor id, rows × size; empty for a tensor no op produces (an output activation fused into the loss). */
  readonly values: Float64Array[];
  /** The model's prediction: the loss's fused activation applied to the logits, rows × classes. */
  readonly output: Float64Array;
  /** Mean loss over the rows, and each example's. */
  readonly loss: number;
  readonly perExampleLoss: Float64Array;
  /** Examples whose first maximal output is their label. */
  readonly correct: number;
  /** dLoss/d(tensor) per tensor id, for the logits and every tensor the backward schedule writes. */
  readonly tensorGrads: (Float64Array | undefined)[];
  /** Gradient of the mean loss for the whole parameter arena. */
  readonly paramGrads: Float64Array;
  /** The state arena after this step (running statistics move in training only). */
  readonly newState: Float64Array;
}

/** Run one step of `graph` on `rows` examples: forward, loss, and every gradient of the backward schedule. */
export function referenceStep(graph: IrGraph, params: Float64Array, state: Float64Array, input: Float64Array, labels: ArrayLike<number>, opts: StepOptions): StepResult {
  const { rows } = opts;
  if (params.length !== graph.paramCount || state.length !== graph.stateCount) throw new Error(`arenas hold ${params.length} params and ${state.length} state floats; the graph wants ${graph.paramCount} and ${graph.stateCount}`);
  const byId = new Map(graph.params.map((p) => [p.id, p]));
  const param = (id: number) => {
    const p = byId.get(id);
    if (!p) throw new Error(`bug: no parameter ${id}`);
    return params.subarray(p.offset, p.offset + p.size);
  };
  const values: Float64Array[] = graph.tensors.map(() => new Float64Array(0));
  const inSize = graph.tensors[graph.input]!.size;
  if (input.length < rows * inSize) throw new Error(`input holds ${input.length} floats, fewer than ${rows} × ${inSize}`);
  values[graph.input] = Float64Array.from(input.subarray(0, rows * inSize));

  // Forward; every op sees the state as it was before the step, as the kernels do.
  const newState = Float64Array.from(state);
  const argsOf = (xs: readonly number[]): ForwardArgs => ({ xs: xs.map((t) => values[t]!), param, state, rows, training: opts.training, seed: opts.seed, step: opts.step });
  for (const op of graph.ops) {
    const ref = referenceOf(op);
    const a = argsOf(opInputs(op));
    values[op.y] = ref.forward(op, a);
    for (const w of ref.state(op, a)) newState.set(w.values, w.offset);
  }

  const classes = graph.tensors[graph.loss.logits]!.size;
  const lossed = referenceLoss(graph.loss, values[graph.loss.logits]!, labels, rows, classes);
  const tensorGrads: (Float64Array | undefined)[] = graph.tensors.map(() => undefined);
  const paramGrads = new Float64Array(graph.paramCount);
  for (const step of backwardSchedule(graph)) {
    if (step.kind === "loss") {
      tensorGrads[graph.loss.logits] = lossed.dLogits;
      continue;
    }
    const op = step.op;
    // A tensor the loss never reads (a dead branch) has no gradient written: it is zero.
    const dy = tensorGrads[op.y] ?? new Float64Array(rows * graph.tensors[op.y]!.size);
    const a = { ...argsOf(opInputs(op)), y: values[op.y]!, dy };
    if (step.kind === "params") {
      for (const { param: id, grad } of referenceOf(op).params(op, a)) paramGrads.set(grad, byId.get(id)!.offset);
      continue;
    }
    const dx = referenceOf(op).input(op, step.index, a);
    const prior = tensorGrads[step.tensor];
    if (step.accumulate) {
      if (!prior) throw new Error(`bug: schedule accumulates into the gradient of tensor ${step.tensor} before writing it`);
      tensorGrads[step.tensor] = prior.map((v, i) => v + dx[i]!);
    } else tensorGrads[step.tensor] = dx;
  }
  return { values, output: lossed.output, loss: lossed.loss, perExampleLoss: lossed.perExample, correct: lossed.correct, tensorGrads, paramGrads, newState };
}

export { referenceUpdate, type UpdateOptions, type UpdateResult } from "./optimizer.js";
