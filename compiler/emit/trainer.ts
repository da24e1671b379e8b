/**
 * trainer.ts: a readable TypeScript program that trains one compiled model with the generic runtime.
 * It states the model, the kernels of a step and the hyper-parameters, and binds the runtime's
 * train / evaluate / predict / save / load to the files next to it. It imports only the runtime.
 */
import type { Manifest } from "../../runtime/engine/manifest.js";

export interface TrainerOptions {
  /** Module specifier of the runtime's Node entry (`dnnc/runtime/node`, or a relative path). */
  readonly runtime: string;
  /** The model's statements as written in the .dnn file, for the header. */
  readonly modelText: string;
}

const q = (s: string) => JSON.stringify(s);

/** One line per kernel of a training step: index, name, origin, dispatch. */
function stepTable(m: Manifest): string[] {
  const byName = new Map(m.kernels.map((k) => [k.name, k]));
  const width = Math.max(...m.steps.train.map((n) => n.length));
  return m.steps.train.map((name, i) => {
    const k = byName.get(name)!;
    return ` *   ${String(i + 1).padStart(2)}. ${name.padEnd(width)}  ${k.phase.padEnd(8)} ${k.workgroups.join("×").padEnd(10)} ${k.origin}`;
  });
}

/** The settings a run may change without recompiling (the rest is compiled into the kernels). */
function settingsLiteral(m: Manifest): string {
  const t = m.training;
  const s = {
    lr: t.optimizer.lr,
    epochs: t.epochs,
    seed: t.seed,
    validation: t.validation,
    l1: t.l1,
    l2: t.l2,
    schedule: t.schedule,
    warmupEpochs: t.warmupEpochs,
    earlyStop: t.earlyStop ?? null,
    augment: t.augment,
  };
  return JSON.stringify(s, null, 2);
}

/** The source text of trainer.ts (unformatted; `formatTypeScript` tidies it). */
export function trainerSource(m: Manifest, o: TrainerOptions): string {
  const t = m.training;
  const optimizer = Object.entries(t.optimizer)
    .map(([k, v]) => (k === "kind" ? String(v) : `${k} ${v}`))
    .join(" ");
  const weights = `runs/${m.model}/model.safetensors`;
  return `/**
 * Trainer for model \`${m.model}\`, compiled by dnnc ${m.compiler.version} from ${m.source.path}
 * (sha256 ${m.source.sha256.slice(0, 16)}…) for ${m.compiler.target === "cpu" ? "CPU adapters (llvmpipe)" : "GPUs"}.
 * Generated: change the .dnn file and run \`dnnc compile\` again rather than editing this file.
 *
 * Run it:
 *   npx tsx ${"out/" + m.model}/trainer.ts                      train with the settings below
 *   npx tsx ${"out/" + m.model}/trainer.ts --epochs 5 --limit 2000 --seed 7 --out runs --resume
 *   npx tsx ${"out/" + m.model}/trainer.ts --eval [WEIGHTS]      test accuracy and confusion matrix
 *
 * The model:
${o.modelText
  .split("\n")
  .map((l) => ` *   ${l}`.trimEnd())
  .join("\n")}
 *
 * ${m.params.length} parameter tensors, ${m.params.reduce((n, p) => n + p.size, 0).toLocaleString("en-US")} parameters; batch ${m.batch}; ${t.loss} loss; optimizer ${optimizer}.
 * One training step is ONE command buffer with these ${m.steps.train.length} kernels (WGSL in kernels/):
${stepTable(m).join("\n")}
 * Evaluation runs ${m.steps.evaluate.length} forward kernels (steps.evaluate in manifest.json) with dropout off and batch norm on running statistics.
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  evaluateWeightsFile,
  formatConfusion,
  predictImages,
  readCompiledModel,
  readWeightsFile,
  trainRun,
  writeWeightsFile,
  type TrainRunOptions,
  type TrainingOverrides,
  type Weights,
} from ${q(o.runtime)};

/** The compiled model: manifest.json and the kernels next to this file. */
export const model = readCompiledModel(fileURLToPath(new URL(".", import.meta.url)));

/**
 * Settings from \`train ${m.model} { … }\` that a run may change without recompiling; the optimizer's
 * other hyper-parameters and the batch size (${m.batch}) are compiled into the kernels.
 */
export const settings: TrainingOverrides = ${settingsLiteral(m)};

/** Trains the model (every ensemble member) and writes runs/${m.model}/: checkpoints, metrics, plot, weights. */
export function train(options: TrainRunOptions = {}) {
  return trainRun(model, { overrides: settings, ...options });
}

/** Test-set accuracy and confusion matrix of saved weights. */
export function evaluate(weights = ${q(weights)}) {
  return evaluateWeightsFile(model, weights);
}

/** Predicted class and probabilities for each image (${m.input.dims.join("×")} floats in [0, 1] per image). */
export function predict(images: Float32Array, members: readonly Weights[] = load()) {
  return predictImages(model, members, images);
}

/** Saves weights (one entry per ensemble member) as safetensors. */
export function save(members: readonly Weights[], path = ${q(weights)}) {
  writeWeightsFile(model, members, path);
}

/** Loads weights saved by \`train\` or \`save\`. */
export function load(path = ${q(weights)}): Weights[] {
  return readWeightsFile(model.manifest, path);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      epochs: { type: "string" },
      limit: { type: "string" },
      seed: { type: "string" },
      out: { type: "string" },
      resume: { type: "boolean" },
      eval: { type: "boolean" },
    },
  });
  if (values.eval) {
    const report = await evaluate(positionals[0]);
    console.log(\`test accuracy \${(report.accuracy * 100).toFixed(2)}% on \${report.examples} images\`);
    console.log(formatConfusion(report.confusion));
    return;
  }
  const result = await train({
    ...(values.epochs ? { epochs: Number(values.epochs) } : {}),
    ...(values.limit ? { limit: Number(values.limit) } : {}),
    ...(values.seed ? { seed: Number(values.seed) } : {}),
    ...(values.out ? { out: values.out } : {}),
    resume: values.resume === true,
  });
  console.log(\`weights: \${result.weights}\`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  main().catch((e: Error) => {
    console.error(e.message);
    process.exitCode = 1;
  });
}
`;
}

/** Formats TypeScript with prettier when it is installed (it is a development dependency). */
export async function formatTypeScript(source: string): Promise<string> {
  try {
    const prettier = await import("prettier");
    return await prettier.format(source, { parser: "typescript", printWidth: 120 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND") return source;
    throw e;
  }
}
