/**
 * The benchmark's three MNIST models, each described once as a list of layers. From that one list
 * come the `.dnn` source our compiler trains and the TensorFlow.js and PyTorch definitions of the
 * peers, so every side trains the same architecture with the same optimizer (plain SGD, same η)
 * and the same initialiser family: weights N(0, 1/n_in), biases 0 (dnnc's `scaled_normal`).
 */

/** One layer of a benchmark model. Convolutions are valid (no padding), stride 1. */
export type BenchLayer =
  | { readonly kind: "conv"; readonly filters: number; readonly size: number; readonly activation: "relu" | "sigmoid" }
  | { readonly kind: "pool"; readonly size: number }
  | { readonly kind: "flatten" }
  | { readonly kind: "dense"; readonly units: number; readonly activation: "relu" | "sigmoid" | "softmax" }
  | { readonly kind: "dropout"; readonly rate: number };

export interface BenchModel {
  /** Short id used on the command line (`--models cnn,fc100`). */
  readonly id: string;
  /** The model's name in the generated `.dnn` source. */
  readonly name: string;
  readonly title: string;
  readonly layers: readonly BenchLayer[];
  /** SGD learning rate, the same on every side. */
  readonly lr: number;
}

export const MODELS: readonly BenchModel[] = [
  {
    id: "cnn",
    name: "TwoConvPool",
    title: "two conv-pool + FC 100 (ReLU)",
    lr: 0.03,
    layers: [
      { kind: "conv", filters: 20, size: 5, activation: "relu" },
      { kind: "pool", size: 2 },
      { kind: "conv", filters: 40, size: 5, activation: "relu" },
      { kind: "pool", size: 2 },
      { kind: "flatten" },
      { kind: "dense", units: 100, activation: "relu" },
      { kind: "dense", units: 10, activation: "softmax" },
    ],
  },
  {
    id: "fc100",
    name: "FC100",
    title: "FC 100 sigmoid",
    lr: 0.1,
    layers: [
      { kind: "flatten" },
      { kind: "dense", units: 100, activation: "sigmoid" },
      { kind: "dense", units: 10, activation: "softmax" },
    ],
  },
  {
    id: "dropout",
    name: "Dropout",
    title: "two conv-pool + 2×FC 1000, dropout 0.5",
    lr: 0.03,
    layers: [
      { kind: "conv", filters: 20, size: 5, activation: "relu" },
      { kind: "pool", size: 2 },
      { kind: "conv", filters: 40, size: 5, activation: "relu" },
      { kind: "pool", size: 2 },
      { kind: "flatten" },
      { kind: "dense", units: 1000, activation: "relu" },
      { kind: "dropout", rate: 0.5 },
      { kind: "dense", units: 1000, activation: "relu" },
      { kind: "dropout", rate: 0.5 },
      { kind: "dense", units: 10, activation: "softmax" },
    ],
  },
];

/** The model with id `id`, or a one-line error naming the ids there are. */
export function modelById(id: string): BenchModel {
  const m = MODELS.find((x) => x.id === id);
  if (!m) throw new Error(`unknown model "${id}" (models: ${MODELS.map((x) => x.id).join(", ")})`);
  return m;
}

function dnnLayer(l: BenchLayer): string {
  switch (l.kind) {
    case "conv":
      return `conv ${l.filters} filters ${l.size}x${l.size} ${l.activation}`;
    case "pool":
      return `pool max ${l.size}x${l.size}`;
    case "flatten":
      return "flatten";
    case "dense":
      return `dense ${l.units} ${l.activation}`;
    case "dropout":
      return `dropout ${l.rate}`;
  }
}

/** The `.dnn` source of a model trained with SGD at `batch` on MNIST (no validation split). */
export function dnnSource(m: BenchModel, batch: number): string {
  return [
    `model ${m.name} {`,
    "  input image 1x28x28",
    ...m.layers.map((l) => `  ${dnnLayer(l)}`),
    "}",
    "",
    `train ${m.name} {`,
    "  data mnist",
    "  validation 0",
    "  loss log_likelihood",
    `  optimizer sgd lr ${m.lr}`,
    `  batch ${batch}`,
    "  epochs 1",
    "  seed 1",
    "}",
    "",
  ].join("\n");
}

/** Parameters of a model computed from its layer list alone (MNIST input 1×28×28), for cross-checks. */
export function countParams(m: BenchModel): number {
  let c = 1;
  let h = 28;
  let w = 28;
  let flat = 0;
  let total = 0;
  for (const l of m.layers) {
    if (l.kind === "conv") {
      total += l.filters * c * l.size * l.size + l.filters;
      c = l.filters;
      h -= l.size - 1;
      w -= l.size - 1;
    } else if (l.kind === "pool") {
      h = Math.floor(h / l.size);
      w = Math.floor(w / l.size);
    } else if (l.kind === "flatten") {
      flat = c * h * w;
    } else if (l.kind === "dense") {
      total += flat * l.units + l.units;
      flat = l.units;
    }
  }
  return total;
}
