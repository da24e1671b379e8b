/** A checked training specification: everything `dnnc train` needs besides the model. */
import type { Span } from "../../grammar/ast.js";

export type DataSource =
  | { readonly kind: "mnist" }
  | { readonly kind: "fashion_mnist" }
  | { readonly kind: "idx" | "npy"; readonly images: string; readonly labels: string; readonly testImages: string | undefined; readonly testLabels: string | undefined; readonly classes: number }
  | { readonly kind: "csv"; readonly train: string; readonly test: string | undefined; readonly classes: number };

export type Loss = "quadratic" | "cross_entropy" | "log_likelihood";
// The runtime owns these shapes (they travel in manifest.json); the checker produces them as is.
import type { MetricName as Metric, OptimizerConfig as OptimizerSpec, ScheduleConfig as ScheduleSpec, AugmentConfig as AugmentSpec } from "../../runtime/engine/manifest.js";
export type { Metric, OptimizerSpec, ScheduleSpec, AugmentSpec };

export type SweepKey = "lr" | "batch" | "epochs" | "l1" | "l2" | "momentum" | "seed";

export interface TrainingSpec {
  readonly model: string;
  readonly span: Span;
  readonly data: DataSource;
  /** Examples held out of the training set for validation: a count, or a fraction < 1. */
  readonly validation: number;
  readonly loss: Loss;
  readonly optimizer: OptimizerSpec;
  readonly schedule: ScheduleSpec;
  /** Linear warm-up of the learning rate over this many epochs (0: none). */
  readonly warmupEpochs: number;
  /** λ as the seeds define it: L2 adds λ/2n·Σw², L1 adds λ/n·Σ|w| (n: training examples; biases excluded). */
  readonly l1: number;
  readonly l2: number;
  readonly batch: number;
  readonly epochs: number;
  readonly earlyStop: { readonly patience: number; readonly metric: Metric } | undefined;
  readonly augment: readonly AugmentSpec[];
  readonly ensemble: { readonly members: number; readonly vote: "majority" | "average" } | undefined;
  readonly seed: number;
  readonly sweep: { readonly mode: "grid" | "random"; readonly trials: number; readonly values: Partial<Record<SweepKey, readonly number[]>> } | undefined;
}

/** Known sizes of the built-in data sets (train / test examples, classes, image shape). */
export const builtinData = {
  mnist: { train: 60000, test: 10000, classes: 10, shape: [1, 28, 28] },
  fashion_mnist: { train: 60000, test: 10000, classes: 10, shape: [1, 28, 28] },
} as const;
