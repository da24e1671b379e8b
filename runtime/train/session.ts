/**
 * Browser-safe: one training run held in memory — the data split and limited, the engine built on
 * a device, the training loop, and the test-set predictions. The browser page runs exactly this;
 * trainRun (run.ts, Node) runs the same steps and adds the run directory around them.
 */

import type { ImageSet } from '../data/image-set.js';
import { Engine, meanMetrics } from '../engine/engine.js';
import type { CompiledModel } from '../engine/manifest.js';
import { prepareData, type RunData } from './data.js';
import { accuracyOf, predictOutputs } from './ensemble.js';
import { type LoopIo, type LoopResult, trainLoop } from './loop.js';
import { type TrainingOverrides, withOverrides } from './overrides.js';

export interface SessionOptions {
  readonly device: GPUDevice;
  readonly data: { readonly train: ImageSet; readonly test: ImageSet | undefined };
  /** Override the spec's epochs and seed. */
  readonly epochs?: number;
  readonly seed?: number;
  /** Train on the first N training examples (validation on the first ⌈N/5⌉ held out). */
  readonly limit?: number;
  readonly overrides?: TrainingOverrides;
  readonly io: LoopIo;
  /** Stops the run between two steps (see LoopOptions.signal). */
  readonly signal?: AbortSignal;
  /** Called with the prepared sets before the kernels are compiled. */
  readonly onData?: (data: RunData) => void;
}

export interface SessionResult extends LoopResult {
  readonly data: RunData;
  /** The model's predicted class per test example (the ensemble's vote when it has members). */
  readonly predicted: Uint32Array | undefined;
  /** Probabilities per test example, count × classes, of the first member. */
  readonly probabilities: Float32Array | undefined;
  readonly testAccuracy: number | undefined;
  readonly testLoss: number | undefined;
}

/** Trains a compiled model on in-memory data with the same loop as the CLI; nothing is written anywhere. */
export async function trainInMemory(compiled: CompiledModel, o: SessionOptions): Promise<SessionResult> {
  const model = withOverrides(compiled, o.overrides);
  const { manifest } = model;
  const config = manifest.training;
  const seed = o.seed ?? config.seed;
  const data = prepareData(manifest, o.data.train, o.data.test, { seed, ...(o.limit !== undefined ? { limit: o.limit } : {}) });
  o.onData?.(data);
  const engine = await Engine.create(o.device, model);
  try {
    const result = await trainLoop({ engine, data, seed, epochs: o.epochs ?? config.epochs, io: o.io, ...(o.signal ? { signal: o.signal } : {}) });
    const tests = result.members.map((m) => m.test);
    const test = data.test;
    if (!test || !tests.every((t) => t?.outputs)) return { ...result, data, predicted: undefined, probabilities: undefined, testAccuracy: undefined, testLoss: undefined };
    const p = predictOutputs(manifest, tests.map((t) => t!.outputs!), test.count, config.ensemble?.vote);
    const testLoss = tests.length === 1 ? meanMetrics(tests[0]!).loss : NaN;
    return { ...result, data, predicted: p.predicted, probabilities: p.probabilities[0], testAccuracy: accuracyOf(test.labels, p.predicted), testLoss };
  } finally {
    engine.destroy();
  }
}
