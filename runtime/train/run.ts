/**
 * Node-only: training a compiled model end to end. A run lives in `<out>/<Model>/`:
 *   run.json                 what ran where: source hash, adapter, seed, settings, results
 *   metrics.jsonl            one line per epoch and per test evaluation
 *   checkpoint.safetensors   the resumable state, replaced atomically after every epoch
 *   model.safetensors        the final (best) weights, one set per ensemble member
 *   training.svg             loss and accuracy per epoch
 */

import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageSet } from '../data/image-set.js';
import type { GpuHandle } from '../device.js';
import { FileAccessError, InvalidArgumentError } from '../errors.js';
import { toJsonLine } from '../metrics.js';
import { writeFileAtomic } from '../node/atomic-write.js';
import { readCheckpointFile, writeCheckpointFile } from '../node/checkpoint-file.js';
import { requestNodeDevice } from '../node/gpu.js';
import { openMetricsLog, readMetricsLog } from '../node/metrics-log.js';
import { renderTrainingChart } from '../plot.js';
import { type ProgressSink, ProgressReporter } from '../progress.js';
import { Engine, meanMetrics } from '../engine/engine.js';
import type { CompiledModel } from '../engine/manifest.js';
import { prepareData } from './data.js';
import { accuracyOf, predictOutputs } from './ensemble.js';
import { loadData } from './files.js';
import { trainLoop } from './loop.js';
import { type TrainingOverrides, withOverrides } from './overrides.js';
import { readResumePoint } from './resume.js';
import { membersCheckpoint } from './weights.js';

export { withOverrides, type TrainingOverrides };

/** How to run training. */
export interface TrainRunOptions {
  /** Override the spec's epochs. */
  readonly epochs?: number;
  /** Train on the first N training examples (validation on the first ⌈N/5⌉ held out). */
  readonly limit?: number;
  /** Override the spec's seed. */
  readonly seed?: number;
  /** Directory that holds runs (default `runs`); this run goes to `<out>/<Model>`. */
  readonly out?: string;
  /** Continue from `<out>/<Model>/checkpoint.safetensors`. */
  readonly resume?: boolean;
  /** Where progress goes (default process.stderr). */
  readonly progress?: ProgressSink;
  /** A device to use (default: a new one from requestNodeDevice, destroyed at the end). */
  readonly gpu?: GpuHandle;
  /** Preloaded data (default: loaded from the manifest's data config). */
  readonly data?: { readonly train: ImageSet; readonly test: ImageSet | undefined };
  /** Training settings to change without recompiling. */
  readonly overrides?: TrainingOverrides;
}

/** What a finished run produced. */
export interface TrainRunResult {
  readonly dir: string;
  readonly adapter: string;
  readonly weights: string;
  readonly members: number;
  /** Test accuracy of the model (the ensemble's combined vote when there are several members). */
  readonly testAccuracy: number | undefined;
  readonly memberAccuracies: readonly number[];
  readonly imagesPerSecond: number;
}

/** Removes temporary files an interrupted atomic write left behind. */
function removeStaleTemps(dir: string): void {
  for (const f of readdirSync(dir)) if (/^\..*\.tmp$/.test(f)) rmSync(join(dir, f), { force: true });
}

/**
 * Drops metrics lines written after the checkpoint being resumed (an epoch that finished after the
 * last checkpoint, or a killed run's partial results), so every epoch appears once.
 */
function keepMetricsUpTo(path: string, member: number, epoch: number): void {
  if (!existsSync(path)) return;
  const kept = readMetricsLog(path).filter((r) => {
    const m = typeof r['member'] === 'number' ? r['member'] : Infinity;
    if (r['kind'] === 'epoch') return m < member || (m === member && Number(r['epoch']) <= epoch);
    return m < member;
  });
  writeFileAtomic(path, new TextEncoder().encode(kept.map(toJsonLine).join('')));
}

/** Trains a compiled model with its training spec; writes the run directory. */
export async function trainRun(compiled: CompiledModel, options: TrainRunOptions = {}): Promise<TrainRunResult> {
  const model = withOverrides(compiled, options.overrides);
  const { manifest } = model;
  const config = manifest.training;
  const dir = join(options.out ?? 'runs', manifest.model);
  mkdirSync(dir, { recursive: true });
  removeStaleTemps(dir);
  const checkpointPath = join(dir, 'checkpoint.safetensors');
  let resume;
  let seed = options.seed ?? config.seed;
  let limit = options.limit;
  if (options.resume) {
    if (!existsSync(checkpointPath)) throw new FileAccessError(`nothing to resume: ${checkpointPath} does not exist (train without --resume first)`);
    const c = readCheckpointFile(checkpointPath);
    if (c.metadata['dnnc.sha256'] !== manifest.source.sha256) {
      throw new InvalidArgumentError(`${manifest.source.path} changed since ${checkpointPath} was written; train again without --resume`);
    }
    seed = Number(c.metadata['dnnc.seed'] ?? seed);
    if (limit === undefined && c.metadata['dnnc.limit']) limit = Number(c.metadata['dnnc.limit']);
    resume = readResumePoint(manifest, c, checkpointPath);
    keepMetricsUpTo(join(dir, 'metrics.jsonl'), resume.state.member, resume.state.epoch);
  } else {
    for (const f of ['checkpoint.safetensors', 'model.safetensors', 'metrics.jsonl']) rmSync(join(dir, f), { force: true });
  }
  const epochs = options.epochs ?? config.epochs;
  const sets = options.data ?? loadData(config.data);
  const data = prepareData(manifest, sets.train, sets.test, { seed, ...(limit !== undefined ? { limit } : {}) });

  const gpu = options.gpu ?? (await requestNodeDevice());
  const sink = options.progress ?? process.stderr;
  const progress = new ProgressReporter(sink);
  const log = openMetricsLog(join(dir, 'metrics.jsonl'));
  const started = new Date().toISOString();
  const runInfo = {
    model: manifest.model,
    source: manifest.source,
    compiler: manifest.compiler,
    adapter: gpu.adapterDescription,
    data: config.data,
    seed,
    epochs,
    limit: limit ?? null,
    batch: manifest.batch,
    members: config.ensemble?.members ?? 1,
    training_examples: data.train.count,
    validation_examples: data.validation?.count ?? 0,
    test_examples: data.test?.count ?? 0,
    started,
    resumed: options.resume === true,
  };
  writeFileAtomic(join(dir, 'run.json'), new TextEncoder().encode(JSON.stringify({ ...runInfo, status: 'running' }, null, 2) + '\n'));
  const metadata = {
    'dnnc.model': manifest.model,
    'dnnc.source': manifest.source.path,
    'dnnc.sha256': manifest.source.sha256,
    'dnnc.seed': String(seed),
    'dnnc.adapter': gpu.adapterDescription,
    ...(limit !== undefined ? { 'dnnc.limit': String(limit) } : {}),
    // A built-in data set may differ from the file's (`dnnc train --data`); eval and viz read it back.
    ...(config.data.kind === 'mnist' || config.data.kind === 'fashion_mnist' ? { 'dnnc.data': config.data.kind } : {}),
  };
  if (resume) progress.log(`resuming ${checkpointPath} after epoch ${resume.state.epoch}${(config.ensemble?.members ?? 1) > 1 ? ` of member ${resume.state.member + 1}` : ''}`);
  progress.log(`training ${manifest.model} on ${gpu.adapterDescription}: ${data.train.count} examples, ${data.validation?.count ?? 0} for validation, batch ${manifest.batch}, ${epochs} epochs, seed ${seed}`);
  const engine = await Engine.create(gpu.device, model);
  try {
    const result = await trainLoop({
      engine,
      data,
      seed,
      epochs,
      io: {
        progress,
        record: (r) => log.append(r),
        saveCheckpoint: (c) => writeCheckpointFile(checkpointPath, c),
      },
      ...(resume ? { resume } : {}),
      metadata,
    });
    const members = result.members.map((m) => m.weights);
    const weightsPath = join(dir, 'model.safetensors');
    writeCheckpointFile(weightsPath, membersCheckpoint(manifest, members, { ...metadata, 'dnnc.members': String(members.length) }));
    const memberAccuracies = result.members.map((m) => (m.test ? meanMetrics(m.test).accuracy : NaN));
    let testAccuracy: number | undefined;
    if (data.test && result.members.every((m) => m.test?.outputs)) {
      const { probabilities: probs, predicted } = predictOutputs(manifest, result.members.map((m) => m.test!.outputs!), data.test.count, config.ensemble?.vote);
      testAccuracy = accuracyOf(data.test.labels, predicted);
      if (probs.length > 1) {
        log.append({ kind: 'test', member: 'ensemble', vote: config.ensemble?.vote ?? 'average', test_accuracy: testAccuracy, examples: data.test.count });
        progress.log(`ensemble of ${probs.length} (${config.ensemble?.vote} vote): test accuracy ${(testAccuracy * 100).toFixed(2)}%`);
      }
    }
    result.members.forEach((m, k) => {
      if (m.history.length === 0) return;
      const file = result.members.length === 1 ? 'training.svg' : `training-member${k}.svg`;
      writeFileSync(join(dir, file), renderTrainingChart(m.history, { title: `${manifest.model}${result.members.length > 1 ? ` member ${k}` : ''}: loss and accuracy per epoch` }));
    });
    const finished = {
      ...runInfo,
      status: 'finished',
      finished: new Date().toISOString(),
      images_per_second: result.imagesPerSecond,
      test_accuracy: testAccuracy ?? null,
      member_test_accuracies: memberAccuracies,
    };
    writeFileAtomic(join(dir, 'run.json'), new TextEncoder().encode(JSON.stringify(finished, null, 2) + '\n'));
    return { dir, adapter: gpu.adapterDescription, weights: weightsPath, members: members.length, testAccuracy, memberAccuracies, imagesPerSecond: result.imagesPerSecond };
  } finally {
    log.close();
    engine.destroy();
    if (!options.gpu) await gpu.destroy();
  }
}
