/** `input image CxHxW | vector N | sequence LxC`: the model's one input (the kind word may be left out). */
import type { LayerDef } from "./common.js";
import { noParams } from "./common.js";
import { size } from "../check/values.js";
import { get } from "../check/args.js";
import type { Shape } from "../shape.js";
import { msg } from "../messages.js";

export interface InputConfig {
  readonly shape: Shape;
}

type InputKind = "image" | "vector" | "sequence";
const ranks: Record<InputKind, number> = { image: 3, vector: 1, sequence: 2 };
const byRank: Record<number, InputKind> = { 3: "image", 1: "vector", 2: "sequence" };

export const input: LayerDef<InputConfig> = {
  kind: "input",
  doc: "the model's input: an image C×H×W, a vector N, or a sequence L×C",
  arity: "one",
  args: {
    positional: [{ key: "size", type: size(1), required: true, label: "SIZE" }],
    options: {},
    flags: { kind: { words: ["image", "vector", "sequence"], required: false } },
    example: "input image 1x28x28",
  },
  config(m, _head, report) {
    const dims = get<number[]>(m, "size");
    if (!dims) return undefined;
    const span = m.get("size")!.span;
    const kind = get<InputKind>(m, "kind") ?? byRank[dims.length];
    if (!kind || ranks[kind] !== dims.length) {
      const want = kind ? `${ranks[kind]} number${ranks[kind] === 1 ? "" : "s"} (${kind === "image" ? "C×H×W, e.g. 1x28x28" : kind === "sequence" ? "L×C, e.g. 100x4" : "N, e.g. 784"})` : "1 to 3 numbers";
      report(msg.wrongType(span, `the size of ${kind ? `an ${kind}` : "an input"}`.replace("an vector", "a vector").replace("an sequence", "a sequence"), want, dims.join("x")));
      return undefined;
    }
    const shape: Shape = kind === "image" ? { kind, c: dims[0]!, h: dims[1]!, w: dims[2]! } : kind === "vector" ? { kind, n: dims[0]! } : { kind, l: dims[0]!, c: dims[1]! };
    return { shape };
  },
  infer: (config) => ({ shape: config.shape, config }),
  params: () => noParams,
  flops: () => 0,
};
