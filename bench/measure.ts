/**
 * The measurement every JavaScript peer runs (bench/peers/torch_peer.py mirrors it): one first step
 * timed on its own (it includes kernel compilation), warm-up steps, then timed windows of steps,
 * each ended by waiting for the device; finally test accuracy. Training images come from MNIST's
 * training set in file order, so every peer sees the same batches.
 */
import { type ByteImages, fillBatch, IMAGE_SIZE } from "./mnist.js";
import type { PeerRequest } from "./protocol.js";

/** One side's training step and evaluation, behind a common face. */
export interface BenchTrainer {
  /** Queues (or runs) one SGD step on `rows` images; may return before the device is done. */
  step(images: Float32Array, labels: Uint32Array, rows: number): Promise<void>;
  /** Resolves once every queued step has finished. */
  sync(): Promise<void>;
  /** Fraction of `count` images classified correctly. */
  evaluate(images: Float32Array, labels: Uint8Array, count: number): Promise<number>;
}

export interface Measurement {
  readonly firstStepMs: number;
  readonly windowRates: readonly number[];
  readonly imagesTrained: number;
  readonly accuracy: number | null;
  readonly notes: string[];
}

/** Steps per window: as asked, or fewer so that the windows fit in the cap at `stepSeconds` a step. */
export function stepsPerWindow(asked: number, windows: number, capSeconds: number, stepSeconds: number): number {
  if (!(stepSeconds > 0)) return asked;
  return Math.max(1, Math.min(asked, Math.floor(capSeconds / windows / stepSeconds)));
}

/** Would evaluating `count` images likely take longer than `capSeconds`? A forward pass costs about ⅓ of a training step. */
export function evaluationTooSlow(count: number, trainImagesPerSecond: number, capSeconds: number): boolean {
  return count / (3 * trainImagesPerSecond) > capSeconds;
}

export async function measure(trainer: BenchTrainer, train: ByteImages, test: ByteImages, req: PeerRequest, now = () => performance.now()): Promise<Measurement> {
  const { batch } = req;
  const x = new Float32Array(batch * IMAGE_SIZE);
  const y = new Uint32Array(batch);
  let next = 0;
  const step = async () => {
    fillBatch(train, next, batch, x, y);
    next += batch;
    await trainer.step(x, y, batch);
  };
  const notes: string[] = [];
  let t = now();
  await step();
  await trainer.sync();
  const firstStepMs = now() - t;

  t = now();
  for (let s = 0; s < req.warmupSteps; s++) await step();
  await trainer.sync();
  const warmSeconds = (now() - t) / 1000 / Math.max(1, req.warmupSteps);
  const steps = stepsPerWindow(req.windowSteps, req.windows, req.capSeconds, req.warmupSteps > 0 ? warmSeconds : firstStepMs / 1000);
  if (steps < req.windowSteps) notes.push(`windows cut to ${steps} step${steps === 1 ? "" : "s"} (${steps * batch} images) to stay within ${req.capSeconds} s`);

  const windowRates: number[] = [];
  for (let w = 0; w < req.windows; w++) {
    t = now();
    for (let s = 0; s < steps; s++) await step();
    await trainer.sync();
    windowRates.push((steps * batch) / ((now() - t) / 1000));
  }

  const slowest = Math.min(...windowRates);
  let accuracy: number | null = null;
  const extraSteps = req.accuracySteps - next / batch;
  if (extraSteps > 0 && (extraSteps * batch) / slowest > req.capSeconds) {
    notes.push(`not evaluated: training on to ${(req.accuracySteps * batch).toLocaleString("en-US")} images would take over ${req.capSeconds} s`);
  } else if (evaluationTooSlow(test.count, slowest, req.capSeconds)) {
    notes.push(`not evaluated: ${test.count} test images would take over ${req.capSeconds} s`);
  } else {
    for (let s = 0; s < extraSteps; s++) await step();
    await trainer.sync();
    const images = new Float32Array(test.count * IMAGE_SIZE);
    const labels = new Uint32Array(test.count);
    fillBatch(test, 0, test.count, images, labels);
    accuracy = await trainer.evaluate(images, test.labels, test.count);
  }
  return { firstStepMs, windowRates, imagesTrained: next, accuracy, notes };
}
