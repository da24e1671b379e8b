/** `dnnc train FILE`: compile for the adapter at hand and train with the file's settings. */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { GpuHandle } from "../runtime/device.js";
import { parseJsonLines } from "../runtime/metrics.js";
import { requestNodeDevice } from "../runtime/node/gpu.js";
import { trainRun } from "../runtime/train/node.js";
import type { Manifest } from "../runtime/engine/manifest.js";
import type { CommandResult } from "./commands.js";
import { CommandFailure, deviceTarget, guarded, loadCompiled } from "./compile.js";
import { describeTrial, sweepTable, sweepTrials, trialOverrides, type Trial, type TrialResult } from "./sweep.js";

export interface TrainCommandOptions {
  readonly model?: string;
  readonly epochs?: number;
  readonly limit?: number;
  readonly seed?: number;
  readonly out: string;
  readonly resume?: boolean;
  readonly version?: string;
  /** Train on this built-in data set instead of the file's `data`. */
  readonly data?: BuiltinData;
}

export type BuiltinData = "mnist" | "fashion_mnist";

/** The model reading `data` instead of its file's data set (recorded in the weights' metadata). */
export function withData<T extends { readonly manifest: Manifest }>(model: T, data: BuiltinData | undefined): T {
  if (!data) return model;
  return { ...model, manifest: { ...model.manifest, training: { ...model.manifest.training, data: { kind: data } } } };
}

/** Trains; progress goes to stderr, the result to stdout. A `sweep` trains once per trial. */
export function trainCommand(path: string, o: TrainCommandOptions): Promise<CommandResult> {
  return guarded(async () => {
    const { compiled: portable } = loadCompiled(path, { ...(o.model ? { model: o.model } : {}) }); // report file errors before opening a device
    const sweep = portable.spec.sweep;
    if (sweep?.values.momentum && portable.spec.optimizer.kind !== "momentum" && portable.spec.optimizer.kind !== "nesterov") {
      throw new CommandFailure(`the sweep varies momentum, but the optimizer is ${portable.spec.optimizer.kind}, which has none (use \`optimizer momentum\` or \`nesterov\`)`);
    }
    const gpu = await requestNodeDevice();
    try {
      const target = { target: deviceTarget(gpu), ...(o.model ? { model: o.model } : {}), ...(o.version ? { version: o.version } : {}) };
      if (sweep) return await runSweep(path, o, gpu, sweepTrials(sweep, o.seed ?? portable.spec.seed), target);
      const { compiled } = loadCompiled(path, target);
      const r = await trainRun(withData({ manifest: compiled.manifest, code: compiled.code }, o.data), runOptions(o, gpu, o.out, o.resume === true));
      const lines = [
        ...(r.testAccuracy !== undefined ? [`test accuracy ${(r.testAccuracy * 100).toFixed(2)}%${r.members > 1 ? ` (ensemble of ${r.members})` : ""}`] : []),
        `${Math.round(r.imagesPerSecond)} images/s on ${r.adapter}`,
        `weights: ${r.weights}`,
        `run: ${r.dir}/ (run.json, metrics.jsonl, ${r.members > 1 ? "training-member<k>.svg" : "training.svg"}, checkpoint.safetensors)`,
      ];
      return { stdout: lines.join("\n") + "\n", stderr: "", code: 0 };
    } finally {
      await gpu.destroy();
    }
  });
}

function runOptions(o: TrainCommandOptions, gpu: GpuHandle, out: string, resume: boolean, trial?: Trial) {
  const epochs = trial?.values.epochs ?? o.epochs;
  const seed = trial?.values.seed ?? o.seed;
  return {
    gpu,
    out,
    resume,
    ...(epochs !== undefined ? { epochs } : {}),
    ...(o.limit !== undefined ? { limit: o.limit } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(trial ? { overrides: trialOverrides(trial) } : {}),
  };
}

/**
 * One training run per trial in OUT/<Model>-sweep/trial-<k>/, then the trials ranked by validation
 * accuracy (also written to sweep.json). With --resume, finished trials are kept, an interrupted
 * one continues from its checkpoint and the rest start.
 */
async function runSweep(path: string, o: TrainCommandOptions, gpu: GpuHandle, trials: readonly Trial[], target: Parameters<typeof loadCompiled>[1]): Promise<CommandResult> {
  const first = loadCompiled(path, target).compiled;
  const root = join(o.out, `${first.manifest.model}-sweep`);
  const results: TrialResult[] = [];
  const log = (line: string) => process.stderr.write(line + "\n");
  log(`sweep of ${trials.length} trial${trials.length === 1 ? "" : "s"} (${first.spec.sweep!.mode}) in ${root}/`);
  for (const trial of trials) {
    const out = join(root, `trial-${trial.number}`);
    const dir = join(out, first.manifest.model);
    log(`trial ${trial.number}/${trials.length}: ${describeTrial(trial)}`);
    const done = readRunRecord(dir);
    if (o.resume && done?.status === "finished") {
      log(`  finished before; kept`);
      results.push({ trial, validationAccuracy: lastValidation(dir), testAccuracy: done.test_accuracy ?? undefined, dir });
      continue;
    }
    const compiled = trial.values.batch !== undefined ? loadCompiled(path, { ...target, batch: trial.values.batch }).compiled : first;
    const resume = o.resume === true && existsSync(join(dir, "checkpoint.safetensors"));
    const r = await trainRun(withData({ manifest: compiled.manifest, code: compiled.code }, o.data), runOptions(o, gpu, out, resume, trial));
    results.push({ trial, validationAccuracy: lastValidation(r.dir), testAccuracy: r.testAccuracy, dir: r.dir });
  }
  const table = sweepTable(results);
  writeFileSync(join(root, "sweep.json"), JSON.stringify(results.map((r) => ({ trial: r.trial.number, ...r.trial.values, validation_accuracy: r.validationAccuracy ?? null, test_accuracy: r.testAccuracy ?? null, dir: r.dir })), null, 2) + "\n");
  return { stdout: `${table}\nsweep: ${root}/ (sweep.json, one run per trial)\n`, stderr: "", code: 0 };
}

/** run.json of a run directory, when there is one. */
function readRunRecord(dir: string): { status?: string; test_accuracy?: number | null } | undefined {
  const file = join(dir, "run.json");
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, "utf8")) as { status?: string; test_accuracy?: number | null };
}

/** The validation accuracy of a run's last epoch, from its metrics log. */
function lastValidation(dir: string): number | undefined {
  const file = join(dir, "metrics.jsonl");
  if (!existsSync(file)) return undefined;
  const epochs = parseJsonLines(readFileSync(file, "utf8")).filter((r) => r["kind"] === "epoch" && typeof r["val_accuracy"] === "number");
  return epochs.length ? (epochs[epochs.length - 1]!["val_accuracy"] as number) : undefined;
}
