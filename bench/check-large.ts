/** Benchmark: checking generated models of 1,000+ layers (target: under one second each). */
import { checkFile, memoryHost } from "../compiler/index.js";

/** A chain of exactly `layers` layers: input, conv/batchnorm/relu with `same` padding, flatten, dense. */
export function generatedConvModel(layers: number): string {
  const lines = ["model Deep {", "  input image 3x32x32", "  conv 16 filters 3x3 padding same"];
  const kinds = ["conv 16 filters 3x3 padding same dilation 2", "batchnorm", "relu"];
  for (let i = 0; i < layers - 4; i++) lines.push(`  ${kinds[i % 3]}`);
  lines.push("  flatten", "  dense 10 softmax", "}");
  return lines.join("\n") + "\n";
}

/** A residual network of blocks and repeats that expands to about `layers` layers. */
export function generatedResidualModel(layers: number): string {
  const perBlock = 7;
  const reps = Math.ceil(layers / perBlock);
  return `block res(c) {
  skip = identity
  conv c filters 3x3 padding same
  batchnorm relu
  conv c filters 3x3 padding same
  batchnorm
  add skip
  relu
}
model Deep {
  input image 3x32x32
  conv 16 filters 3x3 padding same
  repeat ${reps} { res 16 }
  pool average 32x32
  flatten
  dense 10 softmax
}
`;
}

export interface CheckBench {
  readonly name: string;
  readonly layers: number;
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
}

/** Time `checkFile` on a source: median of `runs` after one warm-up. */
export function timeCheck(name: string, source: string, runs = 5): CheckBench {
  const host = memoryHost({ "deep.dnn": source });
  const first = checkFile("deep.dnn", host);
  if (first.diagnostics.some((d) => d.severity !== "warning")) throw new Error(`generated model ${name} has errors: ${first.diagnostics[0]?.message}`);
  const layers = first.value.checked?.models[0]?.nodes.length ?? 0;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    checkFile("deep.dnn", host);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { name, layers, medianMs: times[Math.floor(times.length / 2)]!, minMs: times[0]!, maxMs: times[times.length - 1]! };
}
