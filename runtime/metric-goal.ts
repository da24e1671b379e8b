/** Which way a monitored metric should move, shared by early stopping and plateau schedules. */

/** A metric to watch (e.g. 'val_accuracy') and whether higher or lower values are better. */
export interface MetricGoal {
  readonly name: string;
  readonly better: 'higher' | 'lower';
}

/** True when `value` strictly beats `best` (by more than `minDelta`); any number beats no best; NaN never does. */
export function improves(goal: MetricGoal, value: number, best: number | null, minDelta = 0): boolean {
  if (Number.isNaN(value)) return false;
  if (best === null) return true;
  return goal.better === 'higher' ? value > best + minDelta : value < best - minDelta;
}
