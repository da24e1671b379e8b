/** The training settings table: each statement head of a `train` block and its arguments. */
import type { ArgsSpec } from "../check/args.js";
import { int, num, numberList, str, word } from "../check/values.js";

const metric = word(["val_accuracy", "val_loss", "train_accuracy", "train_loss"] as const);
const positive = num({ min: 0, minExclusive: true });
const fraction = num({ min: 0, max: 1, minExclusive: true, maxExclusive: true });

/** Options that only some optimizers take; checked per kind in train.ts. */
export const optimizerOptions = {
  sgd: ["lr"],
  momentum: ["lr", "momentum"],
  nesterov: ["lr", "momentum"],
  adagrad: ["lr", "eps"],
  adadelta: ["lr", "rho", "eps"],
  rmsprop: ["lr", "rho", "eps"],
  adam: ["lr", "beta1", "beta2", "eps"],
} as const;

/** Options that only some schedules take. */
export const scheduleOptions = {
  constant: [],
  step: ["every", "factor"],
  exponential: ["gamma"],
  cosine: ["min"],
  plateau: ["patience", "factor", "min", "on"],
} as const;

export const augmentOptions = { shift: [], rotate: [], skew: [], elastic: ["alpha", "sigma"] } as const;

export const dataOptions = {
  mnist: [],
  fashion_mnist: [],
  idx: ["images", "labels", "test_images", "test_labels", "classes"],
  npy: ["images", "labels", "test_images", "test_labels", "classes"],
  csv: ["path", "test", "classes"],
} as const;

export const settings: Readonly<Record<string, ArgsSpec & { readonly doc: string; readonly repeatable?: boolean }>> = {
  data: {
    doc: "where the examples come from: mnist, fashion_mnist, or IDX / CSV / NPY files",
    positional: [{ key: "path", type: str, required: false, label: "PATH" }],
    options: { images: str, labels: str, test_images: str, test_labels: str, test: str, classes: int(2) },
    flags: { source: { words: Object.keys(dataOptions), required: true } },
    example: "data mnist",
  },
  validation: {
    doc: "examples held out of training for validation: a count (10000) or a fraction (0.1)",
    positional: [{ key: "amount", type: num({ min: 0 }), required: true, label: "AMOUNT" }],
    options: {},
    flags: {},
    example: "validation 10000",
  },
  loss: {
    doc: "cost function: quadratic, cross_entropy (sigmoid outputs), log_likelihood (softmax outputs)",
    positional: [],
    options: {},
    flags: { kind: { words: ["quadratic", "cross_entropy", "log_likelihood"], required: true } },
    example: "loss log_likelihood",
  },
  optimizer: {
    doc: "how gradients update the weights, with its hyper-parameters",
    positional: [],
    options: { lr: positive, momentum: num({ min: 0, max: 1, maxExclusive: true }), beta1: num({ min: 0, max: 1, maxExclusive: true }), beta2: num({ min: 0, max: 1, maxExclusive: true }), eps: positive, rho: num({ min: 0, max: 1, maxExclusive: true }) },
    flags: { kind: { words: Object.keys(optimizerOptions), required: true } },
    example: "optimizer sgd lr 0.1",
  },
  schedule: {
    doc: "how the learning rate changes over epochs",
    positional: [],
    options: { every: int(1), factor: fraction, gamma: num({ min: 0, max: 1, minExclusive: true }), min: num({ min: 0, max: 1 }), patience: int(1), on: metric },
    flags: { kind: { words: Object.keys(scheduleOptions), required: true } },
    example: "schedule step every 10 factor 0.5",
  },
  warmup: {
    doc: "raise the learning rate linearly from 0 over the first N epochs, then follow the schedule",
    positional: [{ key: "epochs", type: num({ min: 0, minExclusive: true }), required: true, units: ["epochs", "epoch"], label: "EPOCHS" }],
    options: {},
    flags: {},
    example: "warmup 2 epochs",
  },
  regularize: {
    doc: "weight penalty with λ as in the seeds: l2 adds λ/2n·Σw², l1 adds λ/n·Σ|w|",
    positional: [{ key: "lambda", type: num({ min: 0 }), required: true, label: "LAMBDA" }],
    options: {},
    flags: { kind: { words: ["l1", "l2"], required: true } },
    example: "regularize l2 0.1",
    repeatable: true,
  },
  batch: { doc: "mini-batch size", positional: [{ key: "size", type: int(1), required: true, label: "SIZE" }], options: {}, flags: {}, example: "batch 10" },
  epochs: { doc: "passes over the training set", positional: [{ key: "count", type: int(1), required: true, label: "COUNT" }], options: {}, flags: {}, example: "epochs 60" },
  early_stop: {
    doc: "stop after PATIENCE epochs without improvement of a metric, keeping the best weights",
    positional: [],
    options: { patience: int(1), on: metric },
    flags: {},
    example: "early_stop patience 10 on val_accuracy",
  },
  augment: {
    doc: "expand or distort the training images: shift K (4 extra copies, one per direction), rotate DEG, skew S, elastic alpha A sigma S",
    positional: [{ key: "amount", type: num({ min: 0, minExclusive: true }), required: false, label: "AMOUNT" }],
    options: { alpha: positive, sigma: positive },
    flags: { kind: { words: Object.keys(augmentOptions), required: true } },
    example: "augment shift 1",
    repeatable: true,
  },
  ensemble: {
    doc: "train N separately initialised copies and combine their predictions",
    positional: [{ key: "members", type: int(1), required: true, label: "N" }],
    options: { vote: word(["majority", "average"] as const) },
    flags: {},
    example: "ensemble 5 vote majority",
  },
  seed: { doc: "the root of every random stream (init, shuffling, dropout, augmentation, ensemble members)", positional: [{ key: "value", type: int(0), required: true, label: "SEED" }], options: {}, flags: {}, example: "seed 42" },
  sweep: {
    doc: "try several values of hyper-parameters: grid (every combination) or random (TRIALS draws)",
    positional: [],
    options: {
      trials: int(1),
      lr: numberList({ min: 0, minExclusive: true }),
      batch: numberList({ min: 1, integer: true }),
      epochs: numberList({ min: 1, integer: true }),
      l1: numberList({ min: 0 }),
      l2: numberList({ min: 0 }),
      momentum: numberList({ min: 0, max: 1, maxExclusive: true }),
      seed: numberList({ min: 0, integer: true }),
    },
    flags: { mode: { words: ["grid", "random"], required: true } },
    example: "sweep grid lr [0.01, 0.03, 0.1]",
  },
};

/** Head words of training settings (so a model can say "this belongs in `train`"). */
export const trainingWords: ReadonlySet<string> = new Set(Object.keys(settings));
