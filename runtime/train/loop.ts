/**
 * The training loop: ensemble members one after another, each for its epochs of seeded shuffled
 * mini-batches, with validation, learning-rate schedule (warm-up, plateau), early stopping that keeps
 * the best weights, and a resumable checkpoint after every epoch. Browser-safe: files, progress and
 * the metrics log are behind `LoopIo`; an AbortSignal stops it between two steps (a page's Stop button).
 */

import type { Checkpoint } from '../checkpoint.js';
import { type EarlyStopSpec, type EarlyStopState, initialEarlyStop, updateEarlyStop } from '../early-stop.js';
import type { MetricGoal } from '../metric-goal.js';
import type { MetricsRecord } from '../metrics.js';
import type { EpochPoint } from '../plot.js';
import type { ProgressSnapshot } from '../progress.js';
import { derive, deriveSeed } from '../random.js';
import { initialPlateauState, learningRate, type PlateauState, type Schedule, scheduleFinished, updatePlateau } from '../schedule.js';
import { type Engine, type Evaluation, meanMetrics } from '../engine/engine.js';
import { initialParams, initialState } from '../engine/init.js';
import type { MetricName, TrainingConfig } from '../engine/manifest.js';
import type { StepValues } from '../engine/uniforms.js';
import { epochImages, gatherBatch, type RunData } from './data.js';
import { loopCheckpoint } from './resume.js';
import type { Weights } from './weights.js';

/** Where the loop's side effects go. */
export interface LoopIo {
  readonly progress: { update(p: ProgressSnapshot): void; log(line: string): void; finish(): void };
  /** Appends one record to the metrics log. */
  record(r: MetricsRecord): void;
  /** Replaces the resumable checkpoint (atomically, on disk). */
  saveCheckpoint(c: Checkpoint): void;
  /** Milliseconds clock (default performance.now). */
  readonly now?: () => number;
  /**
   * Least milliseconds between two reads of the GPU's loss and accuracy sums, each followed by a
   * progress update (default 1000; the last step of an epoch is always read). Each read waits for
   * the queue to drain, so a short interval costs throughput.
   */
  readonly progressIntervalMs?: number;
}

/** Where a member's training stands; saved in every checkpoint. */
export interface LoopState {
  /** The member being trained (0-based). */
  readonly member: number;
  /** Epochs this member has finished. */
  readonly epoch: number;
  /** Optimizer steps this member has taken (Adam's t; dropout's stream). */
  readonly step: number;
  readonly plateau: PlateauState;
  readonly earlyStop: EarlyStopState;
  /** Per-epoch results of this member, for the plot. */
  readonly history: readonly EpochPoint[];
  /** Per-epoch results of the members already finished. */
  readonly earlier: readonly (readonly EpochPoint[])[];
  /** True once early stopping or the plateau schedule ended this member. */
  readonly finished: boolean;
}

/** What a checkpoint restores. */
export interface ResumePoint {
  readonly state: LoopState;
  /** Weights of members already finished. */
  readonly finished: readonly Weights[];
  /** The current member's weights and optimizer state. */
  readonly current: Weights;
  readonly optimizer: Float32Array<ArrayBuffer>;
  /** The best weights so far of the current member (early stopping). */
  readonly best: Weights | undefined;
}

export interface LoopOptions {
  readonly engine: Engine;
  readonly data: RunData;
  readonly seed: number;
  readonly epochs: number;
  readonly io: LoopIo;
  readonly resume?: ResumePoint;
  /** Copied into every checkpoint's metadata (source, hash, adapter). */
  readonly metadata?: Readonly<Record<string, string>>;
  /**
   * Stops training before the next step once aborted: the member's epoch in progress is dropped
   * (no validation, metrics record or checkpoint for it), its current weights are evaluated on the
   * test set, and later ensemble members are not trained. The result then has `stopped` set.
   */
  readonly signal?: AbortSignal;
}

/** One member's result. */
export interface MemberResult {
  readonly weights: Weights;
  readonly history: readonly EpochPoint[];
  /** Test-set evaluation with outputs, when there is a test set. */
  readonly test: Evaluation | undefined;
}

export interface LoopResult {
  readonly members: readonly MemberResult[];
  /** Training images per second over the whole run (excluding validation). */
  readonly imagesPerSecond: number;
  /** True when `signal` stopped the run before its epochs were done. */
  readonly stopped: boolean;
}

/** The metric's goal: accuracies go up, losses down. */
export function metricGoal(name: MetricName): MetricGoal {
  return { name, better: name.endsWith('accuracy') ? 'higher' : 'lower' };
}

/** The runtime schedule of a training config (base η, decay, warm-up). */
export function scheduleOf(config: TrainingConfig, epochs: number): Schedule {
  const base = config.optimizer.lr;
  const warmup = config.warmupEpochs > 0 ? { warmup: { epochs: config.warmupEpochs } } : {};
  const s = config.schedule;
  switch (s.kind) {
    case 'constant':
      return { kind: 'constant', base, ...warmup };
    case 'step':
      return { kind: 'step', everyEpochs: s.everyEpochs, factor: s.factor, base, ...warmup };
    case 'exponential':
      return { kind: 'exponential', gamma: s.gamma, base, ...warmup };
    case 'cosine':
      return { kind: 'cosine', epochs, minFactor: s.minFactor, base, ...warmup };
    case 'plateau':
      return { kind: 'plateau', patience: s.patience, factor: s.factor, minFactor: s.minFactor, metric: metricGoal(s.metric), base, ...warmup };
  }
}

/** The state before member `member`'s first epoch. */
export function initialLoopState(member: number, earlier: readonly (readonly EpochPoint[])[] = []): LoopState {
  return { member, epoch: 0, step: 0, plateau: initialPlateauState(), earlyStop: initialEarlyStop(), history: [], earlier, finished: false };
}

/** Trains every ensemble member (one for a plain model) and evaluates each on the test set. */
export async function trainLoop(o: LoopOptions): Promise<LoopResult> {
  const { engine, data, io } = o;
  const manifest = engine.manifest;
  const config = manifest.training;
  const members = config.ensemble?.members ?? 1;
  const now = io.now ?? (() => performance.now());
  const results: MemberResult[] = [];
  const finished: Weights[] = [...(o.resume?.finished ?? [])];
  const histories: (readonly EpochPoint[])[] = [...(o.resume?.state.earlier ?? [])];
  let images = 0;
  let seconds = 0;
  for (let member = o.resume?.state.member ?? 0; member < members; member++) {
    const resume = o.resume && o.resume.state.member === member ? o.resume : undefined;
    if (members > 1) io.progress.log(`member ${member + 1}/${members}${resume ? ` (resumed after epoch ${resume.state.epoch})` : ''}`);
    const r = await trainMember(o, member, resume, finished, histories, now);
    images += r.images;
    seconds += r.seconds;
    finished.push(r.weights);
    histories.push(r.history);
    const test = data.test ? await engine.evaluate(data.test, { outputs: true }) : undefined;
    if (test) {
      const m = meanMetrics(test);
      io.record({ kind: 'test', member, test_loss: m.loss, test_accuracy: m.accuracy, examples: test.examples });
      io.progress.log(`${members > 1 ? `member ${member + 1}: ` : ''}test accuracy ${(m.accuracy * 100).toFixed(2)}% (${test.examples} images), loss ${m.loss.toFixed(4)}`);
    }
    results.push({ weights: r.weights, history: r.history, test });
    if (r.stopped) break;
  }
  // Members finished before a resume are evaluated again so that every member has a test result.
  const before = o.resume?.finished ?? [];
  const earlier: MemberResult[] = [];
  for (const [k, weights] of before.entries()) {
    engine.writeParams(weights.params);
    engine.writeState(weights.state);
    earlier.push({ weights, history: histories[k] ?? [], test: data.test ? await engine.evaluate(data.test, { outputs: true }) : undefined });
  }
  return { members: [...earlier, ...results], imagesPerSecond: seconds > 0 ? images / seconds : NaN, stopped: o.signal?.aborted === true };
}

async function trainMember(
  o: LoopOptions,
  member: number,
  resume: ResumePoint | undefined,
  finished: readonly Weights[],
  earlier: readonly (readonly EpochPoint[])[],
  now: () => number,
) {
  const { engine, data, io, seed, epochs } = o;
  const manifest = engine.manifest;
  const config = manifest.training;
  const schedule = scheduleOf(config, epochs);
  const early: EarlyStopSpec | undefined = config.earlyStop ? { patience: config.earlyStop.patience, metric: metricGoal(config.earlyStop.metric) } : undefined;
  const n = data.train.count;
  const batch = manifest.batch;
  const stepsPerEpoch = Math.ceil(n / batch);
  const dropoutSeed = deriveSeed(seed, 'dropout', member);
  const adam = config.optimizer.kind === 'adam' ? config.optimizer : undefined;

  let state = resume?.state ?? initialLoopState(member, earlier);
  let best = resume?.best;
  if (resume) {
    engine.writeParams(resume.current.params);
    engine.writeState(resume.current.state);
    engine.resetOptimizer();
    engine.writeOptimizer(resume.optimizer);
  } else {
    engine.writeParams(initialParams(manifest, seed, member));
    engine.writeState(initialState(manifest));
    engine.resetOptimizer();
  }
  const x = new Float32Array(batch * manifest.input.size);
  const labels = new Uint32Array(batch);
  const runStart = now();
  const startEpoch = state.epoch;
  const interval = io.progressIntervalMs ?? 1000;
  let images = 0;
  let seconds = 0;
  let stopped = false;

  while (!state.finished && state.epoch < epochs) {
    const epoch = state.epoch;
    const set = epochImages(data.train, config, seed, member, epoch);
    const order = derive(seed, 'shuffle', member, epoch).permutation(n);
    const start = now();
    let lastRead = start;
    let sums = { lossSum: 0, correct: 0, examples: 0 };
    let step = state.step;
    for (let s = 0; s < stepsPerEpoch; s++) {
      if (o.signal?.aborted) {
        stopped = true;
        break;
      }
      const rows = Math.min(batch, n - s * batch);
      gatherBatch(set, order, s * batch, rows, x, labels);
      step++;
      const values: StepValues = {
        step,
        seed: dropoutSeed,
        rows,
        training: 1,
        lr: learningRate(schedule, { epoch, step: s, stepsPerEpoch, plateau: state.plateau }),
        l1: config.l1 / n,
        l2: config.l2 / n,
        bias1: adam ? 1 - adam.beta1 ** step : 1,
        bias2: adam ? 1 - adam.beta2 ** step : 1,
      };
      await engine.trainStep(x, labels, values);
      const t = now();
      if (t - lastRead >= interval || s === stepsPerEpoch - 1) {
        const m = await engine.readMetrics();
        sums = { lossSum: sums.lossSum + m.lossSum, correct: sums.correct + m.correct, examples: sums.examples + m.examples };
        lastRead = now();
        const elapsed = (lastRead - start) / 1000;
        io.progress.update({
          epoch: epoch + 1,
          epochs,
          step: s + 1,
          stepsPerEpoch,
          images: Math.min(n, (s + 1) * batch),
          epochSeconds: elapsed,
          // Scaled from this session's steps, so the ETA stays right after a resume.
          runSeconds: (((lastRead - runStart) / 1000) * (epoch * stepsPerEpoch + s + 1)) / ((epoch - startEpoch) * stepsPerEpoch + s + 1),
          loss: sums.lossSum / sums.examples,
          accuracy: sums.correct / sums.examples,
        });
      }
    }
    if (stopped) {
      io.progress.log(`stopped in epoch ${epoch + 1}/${epochs} after ${step - state.step} of its ${stepsPerEpoch} steps; this epoch is not recorded`);
      break;
    }
    const epochSeconds = (now() - start) / 1000;
    images += n;
    seconds += epochSeconds;
    const train = meanMetrics(sums);
    const val = data.validation ? meanMetrics(await engine.evaluate(data.validation, { step, seed: dropoutSeed })) : undefined;
    const values: Record<MetricName, number> = {
      train_loss: train.loss,
      train_accuracy: train.accuracy,
      val_loss: val?.loss ?? train.loss,
      val_accuracy: val?.accuracy ?? train.accuracy,
    };
    const lr = learningRate(schedule, { epoch, step: stepsPerEpoch, stepsPerEpoch, plateau: state.plateau });
    io.record({
      kind: 'epoch',
      member,
      epoch: epoch + 1,
      step,
      lr,
      train_loss: train.loss,
      train_accuracy: train.accuracy,
      ...(val ? { val_loss: val.loss, val_accuracy: val.accuracy } : {}),
      seconds: epochSeconds,
      images_per_second: n / epochSeconds,
    });
    io.progress.log(
      `epoch ${epoch + 1}/${epochs}: train loss ${train.loss.toFixed(4)} acc ${pct(train.accuracy)}` +
        (val ? `, validation loss ${val.loss.toFixed(4)} acc ${pct(val.accuracy)}` : '') +
        ` (${Math.round(n / epochSeconds)} img/s, η ${Number(lr.toPrecision(3))})`,
    );
    const plateau = schedule.kind === 'plateau' ? updatePlateau(schedule, state.plateau, values[schedule.metric.name as MetricName]) : state.plateau;
    const earlyStop = early ? updateEarlyStop(early, state.earlyStop, epoch + 1, values[early.metric.name as MetricName]) : state.earlyStop;
    const current: Weights = { params: await engine.readParams(), state: await engine.readState() };
    if (early && earlyStop.bestEpoch === epoch + 1) best = current;
    const point: EpochPoint = { epoch: epoch + 1, trainLoss: train.loss, trainAccuracy: train.accuracy, ...(val ? { validationLoss: val.loss, validationAccuracy: val.accuracy } : {}) };
    const stop = earlyStop.stop || scheduleFinished(schedule, plateau);
    if (earlyStop.stop) io.progress.log(`early stop: ${early!.metric.name} has not improved for ${early!.patience} epochs; keeping epoch ${earlyStop.bestEpoch}`);
    // `finished` records only a decision to stop early, so a resume with more --epochs continues.
    state = { ...state, epoch: epoch + 1, step, plateau, earlyStop, history: [...state.history, point], finished: stop };
    io.saveCheckpoint(loopCheckpoint(manifest, o.metadata ?? {}, state, finished, current, await engine.readOptimizer(), best));
  }
  io.progress.finish();
  io.record({ kind: 'member', member, epochs: state.epoch, best_epoch: best ? state.earlyStop.bestEpoch : state.epoch, stopped_early: state.earlyStop.stop, ...(stopped ? { stopped: true } : {}) });
  const weights = best ?? { params: await engine.readParams(), state: await engine.readState() };
  if (best) {
    engine.writeParams(best.params);
    engine.writeState(best.state);
  }
  return { weights, history: state.history, images, seconds, stopped };
}

function pct(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}
