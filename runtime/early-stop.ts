/** Early stopping: end training after `patience` epochs without improvement, remembering the best. */

import { type MetricGoal, improves } from './metric-goal.js';

/** Stop after `patience` epochs in which `metric` did not beat its best by more than `minDelta`. */
export interface EarlyStopSpec {
  readonly patience: number;
  readonly metric: MetricGoal;
  readonly minDelta?: number;
}

/** What early stopping remembers between epochs. */
export interface EarlyStopState {
  readonly best: number | null;
  /** The epoch that produced `best`: the one whose weights to keep. */
  readonly bestEpoch: number | null;
  readonly epochsWithoutImprovement: number;
  readonly stop: boolean;
}

/** The state before the first epoch. */
export function initialEarlyStop(): EarlyStopState {
  return { best: null, bestEpoch: null, epochsWithoutImprovement: 0, stop: false };
}

/** The state after `epoch` finished with metric `value`. */
export function updateEarlyStop(spec: EarlyStopSpec, state: EarlyStopState, epoch: number, value: number): EarlyStopState {
  if (improves(spec.metric, value, state.best, spec.minDelta ?? 0)) {
    return { best: value, bestEpoch: epoch, epochsWithoutImprovement: 0, stop: false };
  }
  const waited = state.epochsWithoutImprovement + 1;
  return { ...state, epochsWithoutImprovement: waited, stop: waited >= spec.patience };
}
