/** Node-only: evaluating and predicting with saved weights, and reading and writing weights files. */

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ImageSet } from '../data/image-set.js';
import type { GpuHandle } from '../device.js';
import { InvalidArgumentError } from '../errors.js';
import { readCheckpointFile, writeCheckpointFile } from '../node/checkpoint-file.js';
import { requestNodeDevice } from '../node/gpu.js';
import { Engine, type Examples, meanMetrics } from '../engine/engine.js';
import type { CompiledModel, Manifest } from '../engine/manifest.js';
import { firstExamples } from './data.js';
import { accuracyOf, combine, confusionMatrix, predictions, probabilities } from './ensemble.js';
import { loadData } from './files.js';
import { membersCheckpoint, readMembers, type Weights } from './weights.js';

/** The result of evaluating saved weights on the test set. */
export interface EvaluationReport {
  readonly examples: number;
  readonly accuracy: number;
  /** Mean loss (of the single model; NaN for an ensemble). */
  readonly loss: number;
  readonly memberAccuracies: readonly number[];
  readonly confusion: number[][];
  readonly predicted: Uint32Array;
  readonly probabilities: Float32Array;
}

/** Loads every member's weights from a weights or checkpoint file. */
export function readWeightsFile(manifest: Manifest, path: string): Weights[] {
  return readMembers(manifest, readCheckpointFile(path), path);
}

/** Writes every member's weights as safetensors (atomically). */
export function writeWeightsFile(model: CompiledModel, members: readonly Weights[], path: string, metadata: Record<string, string> = {}): void {
  const m = model.manifest;
  mkdirSync(dirname(path), { recursive: true });
  writeCheckpointFile(path, membersCheckpoint(m, members, { 'dnnc.model': m.model, 'dnnc.source': m.source.path, 'dnnc.sha256': m.source.sha256, 'dnnc.members': String(members.length), ...metadata }));
}

/** Runs `fn` with the given device, or a new one that is destroyed afterwards. */
async function withGpu<T>(gpu: GpuHandle | undefined, fn: (gpu: GpuHandle) => Promise<T>): Promise<T> {
  const handle = gpu ?? (await requestNodeDevice());
  try {
    return await fn(handle);
  } finally {
    if (!gpu) await handle.destroy();
  }
}

/** Evaluates a weights file on the model's test set. */
export function evaluateWeightsFile(model: CompiledModel, path: string, gpu?: GpuHandle): Promise<EvaluationReport> {
  const members = readWeightsFile(model.manifest, path);
  const set = testSet(model.manifest);
  return withGpu(gpu, (g) => evaluateWeights(model, members, set, g));
}

/** Predicted class and mean member probabilities for `images` (count × input size floats). */
export async function predictImages(model: CompiledModel, members: readonly Weights[], images: Float32Array, gpu?: GpuHandle): Promise<{ predicted: Uint32Array; probabilities: Float32Array }> {
  const size = model.manifest.input.size;
  if (images.length % size !== 0) throw new InvalidArgumentError(`${images.length} floats are not a whole number of ${size}-float images`);
  const count = images.length / size;
  const set = { count, images, labels: new Uint8Array(count) };
  const r = await withGpu(gpu, (g) => evaluateWeights(model, members, set, g));
  return { predicted: r.predicted, probabilities: r.probabilities };
}

/** Evaluates saved weights (every member, combined by the spec's vote) on a set of examples. */
export async function evaluateWeights(model: CompiledModel, members: readonly Weights[], set: Examples, gpu: GpuHandle): Promise<EvaluationReport> {
  const { manifest } = model;
  const classes = manifest.output.classes;
  const engine = await Engine.create(gpu.device, model);
  try {
    const probs: Float32Array[] = [];
    const memberAccuracies: number[] = [];
    let loss = NaN;
    for (const w of members) {
      engine.writeParams(w.params);
      engine.writeState(w.state);
      const r = await engine.evaluate(set, { outputs: true });
      probs.push(probabilities(manifest, r.outputs!, set.count));
      const m = meanMetrics(r);
      memberAccuracies.push(m.accuracy);
      loss = members.length === 1 ? m.loss : NaN;
    }
    const vote = manifest.training.ensemble?.vote ?? 'average';
    const predicted = probs.length === 1 ? predictions(probs[0]!, set.count, classes) : combine(probs, set.count, classes, vote);
    const mean = new Float32Array(set.count * classes);
    for (const p of probs) for (let i = 0; i < mean.length; i++) mean[i]! += p[i]! / probs.length;
    return {
      examples: set.count,
      accuracy: accuracyOf(set.labels, predicted),
      loss,
      memberAccuracies,
      confusion: confusionMatrix(set.labels, predicted, classes),
      predicted,
      probabilities: mean,
    };
  } finally {
    engine.destroy();
  }
}

/** The test set of a model's data config (the training set's first 10 000 when there is no test set). */
export function testSet(manifest: Manifest): ImageSet {
  const { train, test } = loadData(manifest.training.data);
  return test ?? firstExamples(train, 10_000);
}

