/** `dnnc train FILE`: compile for the adapter at hand and train with the file's settings. */
import { requestNodeDevice } from "../runtime/node/gpu.js";
import { trainRun } from "../runtime/train/node.js";
import type { Manifest } from "../runtime/engine/manifest.js";
import type { CommandResult } from "./commands.js";
import { deviceTarget, guarded, loadCompiled } from "./compile.js";

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

/** Trains; progress goes to stderr, the result to stdout. */
export function trainCommand(path: string, o: TrainCommandOptions): Promise<CommandResult> {
  return guarded(async () => {
    loadCompiled(path, { ...(o.model ? { model: o.model } : {}) }); // report file errors before opening a device
    const gpu = await requestNodeDevice();
    try {
      const { compiled } = loadCompiled(path, { target: deviceTarget(gpu), ...(o.model ? { model: o.model } : {}), ...(o.version ? { version: o.version } : {}) });
      const r = await trainRun(
        withData({ manifest: compiled.manifest, code: compiled.code }, o.data),
        {
          gpu,
          out: o.out,
          resume: o.resume === true,
          ...(o.epochs !== undefined ? { epochs: o.epochs } : {}),
          ...(o.limit !== undefined ? { limit: o.limit } : {}),
          ...(o.seed !== undefined ? { seed: o.seed } : {}),
        },
      );
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
