/**
 * The chart's points from the training loop's progress updates. An update carries the epoch's
 * running means (loss and accuracy over the images seen so far in that epoch); the page plots the
 * mean over just the images since the previous update, so the curve shows where training is now.
 */
import type { ProgressSnapshot } from "../../runtime/progress.js";

/** Mean training loss and accuracy over the images between two updates. */
export interface SeriesPoint {
  /** Training images seen since the run began (x axis). */
  readonly images: number;
  readonly loss: number;
  readonly accuracy: number;
}

/** Builds the series from successive snapshots of one run. */
export class LossSeries {
  readonly points: SeriesPoint[] = [];
  private epoch = 0;
  private images = 0;
  private lossSum = 0;
  private correct = 0;

  /** `perEpoch`: training examples in one epoch. */
  constructor(private readonly perEpoch: number) {}

  /** Adds the point for `p`; returns it, or undefined when no image was seen since the last one. */
  add(p: ProgressSnapshot): SeriesPoint | undefined {
    if (p.loss === undefined || p.accuracy === undefined) return undefined;
    if (p.epoch !== this.epoch) {
      this.epoch = p.epoch;
      this.images = 0;
      this.lossSum = 0;
      this.correct = 0;
    }
    const lossSum = p.loss * p.images;
    const correct = p.accuracy * p.images;
    const n = p.images - this.images;
    if (n <= 0) return undefined;
    const point = { images: (p.epoch - 1) * this.perEpoch + p.images, loss: (lossSum - this.lossSum) / n, accuracy: (correct - this.correct) / n };
    this.images = p.images;
    this.lossSum = lossSum;
    this.correct = correct;
    this.points.push(point);
    return point;
  }
}
