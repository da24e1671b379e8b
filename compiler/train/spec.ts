/** A checked training specification: everything `dnnc train` needs besides the model. */
import type { Span } from "../../grammar/ast.js";

export type DataSource =
  | { readonly kind: "mnist" }
  | { readonly kind: "fashion_mnist" }
  | { readonly kind: "idx" | "npy"; readonly images: string; readonly labels: string; readonly testImages: string | undefined; readonly testLabels: string | undefined; readonly classes: number }
  | { readonly kind: "csv"; readonly train: string; readonly test: string | undefined; readonly classes: number };

export type Loss = "quadratic" | "cross_entropy" | "log_likelihood";
export type Metric = "val_accuracy" | "val_loss" | "train_accuracy" | "train_loss";

export type OptimizerSpec =
  | { readonly kind: "sgd"; readonly lr: number }
  | { readonly kind: "momentum" | "nesterov"; readonly lr: number; readonly momentum: number }
  | { readonly kind: "adagrad"; readonly lr: number; readonly eps: number }
  | { readonly kind: "adadelta"; readonly lr: number; readonly rho: number; readonly eps: number }
  | { readonly kind: "rmsprop"; readonly lr: number; readonly rho: number; readonly eps: number }
  | { readonly kind: "adam"; readonly lr: number; readonly beta1: number; readonly beta2: number; readonly eps: number };

export type ScheduleSpec =
  | { readonly kind: "constant" }
  | { readonly kind: "step"; readonly everyEpochs: number; readonly factor: number }
  | { readonly kind: "exponential"; readonly gamma: number }
  | { readonly kind: "cosine"; readonly minFactor: number }
  | { readonly kind: "plateau"; readonly patience: number; readonly factor: number; readonly minFactor: number; readonly metric: Metric };

export type AugmentSpec =
  | { readonly kind: "shift"; readonly pixels: number }
  | { readonly kind: "rotate"; readonly degrees: number }
  | { readonly kind: "skew"; readonly amount: number }
  | { readonly kind: "elastic"; readonly alpha: number; readonly sigma: number };

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
