/** The model summary: per-layer shapes, parameters and FLOPs, totals, memory and regularisation. */
import type { CheckedModel } from "./checked.js";
import { formatShape, shapeSize } from "./shape.js";
import { builtinData, type TrainingSpec } from "./train/spec.js";

export interface SummaryRow {
  readonly layer: string;
  readonly name: string | undefined;
  readonly output: string;
  readonly params: number;
  readonly flops: number;
  readonly line: number;
  /** A note such as the padding chosen by `same`. */
  readonly note: string | undefined;
}

export interface ModelSummary {
  readonly model: string;
  readonly rows: readonly SummaryRow[];
  readonly trainableParams: number;
  readonly nonTrainableParams: number;
  /** Forward FLOPs per example; a training step costs about three times this per example. */
  readonly flopsPerExample: number;
  readonly batch: number;
  /** Estimated bytes to train at `batch` (see docs/language.md#summary). */
  readonly trainingBytes: number;
  /** Sentences explaining the regulariser's effect per step. */
  readonly regularization: readonly string[];
}

/** Optimizer state slots per parameter. */
const stateSlots: Record<string, number> = { sgd: 0, momentum: 1, nesterov: 1, adagrad: 1, rmsprop: 1, adadelta: 2, adam: 2 };

/** Training examples per epoch that λ is divided by (n in λ/2n), when it can be known before loading. */
export function trainingExamples(t: TrainingSpec): number | undefined {
  if (t.data.kind !== "mnist" && t.data.kind !== "fashion_mnist") return undefined;
  const total = builtinData[t.data.kind].train;
  const held = t.validation < 1 ? Math.round(total * t.validation) : t.validation;
  const shift = t.augment.some((a) => a.kind === "shift");
  return (total - held) * (shift ? 5 : 1);
}

function fmt(x: number): string {
  return Number(x.toPrecision(4)).toString();
}

/** What λ means per step: w ← (1 − ηλ/n)·w for L2 with SGD (else λ/n·w joins the gradient), w ← w − (ηλ/n)·sgn(w) for L1. */
export function explainRegularization(t: TrainingSpec): string[] {
  const out: string[] = [];
  const n = trainingExamples(t);
  const eta = t.optimizer.lr;
  const nText = n === undefined ? "n (the number of training examples)" : `n = ${n}`;
  if (t.l2 > 0 && t.optimizer.kind === "sgd") {
    const decay = n === undefined ? undefined : (eta * t.l2) / n;
    out.push(`L2 λ = ${t.l2}: cost + λ/2n·Σw² with ${nText}; each step multiplies every weight by 1 − ηλ/n${decay === undefined ? "" : ` = 1 − ${fmt(decay)}`} (η = ${eta}; biases are not decayed)`);
  } else if (t.l2 > 0) {
    const k = n === undefined ? undefined : t.l2 / n;
    out.push(`L2 λ = ${t.l2}: cost + λ/2n·Σw² with ${nText}; each step adds λ/n${k === undefined ? "" : ` = ${fmt(k)}`} times every weight to its gradient before the ${t.optimizer.kind} update (biases are not decayed)`);
  }
  if (t.l1 > 0) {
    const step = n === undefined ? undefined : (eta * t.l1) / n;
    out.push(`L1 λ = ${t.l1}: cost + λ/n·Σ|w| with ${nText}; each step moves every weight ${step === undefined ? "ηλ/n" : fmt(step)} towards 0 (w − ηλ/n·sgn(w); biases are not decayed)`);
  }
  return out;
}

/** Summarise a complete model, optionally with its training specification. */
export function summarize(model: CheckedModel, training: TrainingSpec | undefined, lineOf: (offset: number) => number, batchOverride?: number): ModelSummary {
  const rows: SummaryRow[] = model.nodes.map((n) => {
    const cfg = n.config as { windows?: readonly { before: number; after: number }[]; padding?: { mode: string } };
    const pads = cfg.windows && cfg.padding && cfg.padding.mode !== "valid" ? `padding ${cfg.windows.map((w) => `${w.before}+${w.after}`).join(", ")}` : undefined;
    return {
      layer: [...n.blocks, n.head].join(" › "),
      name: n.name,
      output: formatShape(n.shape),
      params: n.params.weights + n.params.biases,
      flops: n.flops,
      line: lineOf((n.via[0] ?? n.span).start),
      note: pads,
    };
  });
  const trainable = model.nodes.reduce((s, n) => s + n.params.weights + n.params.biases, 0);
  const nonTrainable = model.nodes.reduce((s, n) => s + n.params.nonTrainable, 0);
  const flops = model.nodes.reduce((s, n) => s + n.flops, 0);
  const batch = batchOverride ?? training?.batch ?? 64;
  const slots = stateSlots[training?.optimizer.kind ?? "sgd"] ?? 0;
  const activations = model.nodes.reduce((s, n) => s + shapeSize(n.shape), 0);
  const bytes = 4 * (trainable * (2 + slots) + nonTrainable) + 4 * batch * activations * 2;
  return {
    model: model.name,
    rows,
    trainableParams: trainable,
    nonTrainableParams: nonTrainable,
    flopsPerExample: flops,
    batch,
    trainingBytes: bytes,
    regularization: training ? explainRegularization(training) : [],
  };
}
