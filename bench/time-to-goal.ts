/** The time-to-accuracy measurement's request and result (bench/time-to-99.ts runs it), and its line in the report. */

export interface TimeToGoalRequest {
  readonly file: string;
  readonly capSeconds: number;
  readonly goal: number;
}

export interface TimeToGoalResult {
  readonly ok: boolean;
  readonly file: string;
  readonly goal: number;
  readonly capSeconds: number;
  /** Seconds until the goal was reached, null when it was not within the cap. */
  readonly seconds: number | null;
  /** Epochs trained when it stopped (fractions: evaluations are every half epoch). */
  readonly epochs: number;
  readonly bestAccuracy: number;
  readonly compileSeconds: number;
  readonly device: string;
  readonly error?: string;
}

/** One line for the report: "99% in 9 min 12 s (4.5 epochs, compile 0.4 s)" or "not reached in …". */
export function describeTimeToGoal(r: TimeToGoalResult): string {
  const pct = `${Math.round(r.goal * 1000) / 10}%`;
  if (!r.ok) return `time to ${pct}: failed (${r.error})`;
  const what = r.seconds === null ? `not reached in ${minutes(r.capSeconds)} (best ${(r.bestAccuracy * 100).toFixed(2)}% after ${r.epochs.toFixed(1)} epochs)` : `${minutes(r.seconds)} (${r.epochs.toFixed(1)} epochs; compile and pipelines ${r.compileSeconds.toFixed(1)} s)`;
  return `time to ${pct} MNIST test accuracy, ${r.file}: ${what}`;
}

function minutes(s: number): string {
  const m = Math.floor(s / 60);
  const rest = Math.round(s - m * 60);
  return m > 0 ? `${m} min ${rest} s` : `${rest} s`;
}

