/** `dnnc eval CHECKPOINT` (test accuracy, confusion matrix) and `dnnc predict CHECKPOINT INDEX…`. */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { encodePng } from "../runtime/node/png.js";
import { labelledImages, misclassified } from "../runtime/pictures.js";
import type { Raster } from "../runtime/raster.js";
import { selectImages } from "../runtime/data/image-set.js";
import { readCheckpointFile } from "../runtime/node/checkpoint-file.js";
import { requestNodeDevice } from "../runtime/node/gpu.js";
import { evaluateWeights, formatConfusion, readWeightsFile, testSet } from "../runtime/train/node.js";
import type { GpuHandle } from "../runtime/device.js";
import type { CompiledModel } from "../compiler/emit/compile.js";
import { sha256 } from "../compiler/emit/compile.js";
import type { CommandResult } from "./commands.js";
import { withData } from "./train.js";
import { CommandFailure, deviceTarget, guarded, loadCompiled } from "./compile.js";

/** A weights file from a path that may name a run directory. */
export function weightsPath(path: string): string {
  if (existsSync(path) && statSync(path).isDirectory()) {
    for (const f of ["model.safetensors", "checkpoint.safetensors"]) if (existsSync(join(path, f))) return join(path, f);
    throw new CommandFailure(`${path} holds no model.safetensors or checkpoint.safetensors`);
  }
  if (!existsSync(path)) throw new CommandFailure(`no such checkpoint: ${path}`);
  return path;
}

/** Recompiles the model a checkpoint was trained from, for this device. */
export function modelOf(path: string, gpu: GpuHandle, version?: string): { compiled: CompiledModel; warning: string } {
  const meta = readCheckpointFile(path).metadata;
  const source = meta["dnnc.source"];
  const model = meta["dnnc.model"];
  if (!source || !model) throw new CommandFailure(`${path} was not written by dnnc train (no dnnc.source metadata)`);
  if (!existsSync(source)) throw new CommandFailure(`${path} was trained from ${source}, which does not exist here (run from the directory training ran in)`);
  const loaded = loadCompiled(source, { model, target: deviceTarget(gpu), ...(version ? { version } : {}) });
  const data = meta["dnnc.data"];
  const compiled = data === "mnist" || data === "fashion_mnist" ? withData(loaded.compiled, data) : loaded.compiled;
  const changed = sha256(readFileSync(source, "utf8")) !== meta["dnnc.sha256"];
  return { compiled, warning: changed ? `warning: ${source} changed since ${path} was written; using the current file's model\n` : "" };
}

/** Writes a picture as PNG, creating the directory; returns the path. */
export function writePng(path: string, picture: Raster): string {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  writeFileSync(path, encodePng(picture));
  return path;
}

/** `dnnc eval CHECKPOINT [--misclassified FILE.png]`. */
export function evalCommand(checkpoint: string, o: { version?: string; misclassified?: string } = {}): Promise<CommandResult> {
  return guarded(async () => {
    const path = weightsPath(checkpoint);
    const gpu = await requestNodeDevice();
    try {
      const { compiled, warning } = modelOf(path, gpu, o.version);
      const members = readWeightsFile(compiled.manifest, path);
      const set = testSet(compiled.manifest);
      const r = await evaluateWeights(compiled, members, set, gpu);
      const lines = [
        `${compiled.manifest.model}: test accuracy ${(r.accuracy * 100).toFixed(2)}% (${Math.round(r.accuracy * r.examples)}/${r.examples})` +
          (Number.isFinite(r.loss) ? `, loss ${r.loss.toFixed(4)}` : "") +
          (members.length > 1 ? `, ensemble of ${members.length} (members: ${r.memberAccuracies.map((a) => `${(a * 100).toFixed(2)}%`).join(", ")})` : ""),
        "",
        "confusion matrix (rows: true class, columns: predicted):",
        formatConfusion(r.confusion),
      ];
      if (o.misclassified) {
        const wrong = misclassified(set.labels, r.predicted);
        writePng(o.misclassified, labelledImages(set, wrong));
        lines.push("", `${wrong.length} misclassified test images (label>prediction) drawn in ${o.misclassified}`);
      }
      return { stdout: lines.join("\n") + "\n", stderr: warning, code: 0 };
    } finally {
      await gpu.destroy();
    }
  });
}

/** `dnnc predict CHECKPOINT INDEX…`: predictions for test-set images by index. */
export function predictCommand(checkpoint: string, indices: readonly number[], o: { version?: string } = {}): Promise<CommandResult> {
  return guarded(async () => {
    const path = weightsPath(checkpoint);
    const gpu = await requestNodeDevice();
    try {
      const { compiled, warning } = modelOf(path, gpu, o.version);
      const members = readWeightsFile(compiled.manifest, path);
      const all = testSet(compiled.manifest);
      const bad = indices.find((i) => !(i >= 0 && i < all.count));
      if (bad !== undefined) throw new CommandFailure(`image index ${bad} is outside the test set (0…${all.count - 1})`);
      const set = selectImages(all, indices);
      const r = await evaluateWeights(compiled, members, set, gpu);
      const classes = compiled.manifest.output.classes;
      const lines = indices.map((index, n) => {
        const p = r.probabilities.subarray(n * classes, (n + 1) * classes);
        const predicted = r.predicted[n]!;
        const label = set.labels[n]!;
        return `image ${index}: predicted ${predicted} (p = ${p[predicted]!.toFixed(3)}), label ${label}${predicted === label ? "" : "  ✗"}`;
      });
      return { stdout: lines.join("\n") + "\n", stderr: warning, code: 0 };
    } finally {
      await gpu.destroy();
    }
  });
}
