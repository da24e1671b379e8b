/**
 * `sweep grid|random …` in a train block: the trials `dnnc train` runs, one training run each, and
 * the table that ranks them. Grid: every combination of the lists, in order. Random: `trials`
 * distinct combinations drawn with the file's seed (all of them when there are no more).
 */
import { derive } from "../runtime/random.js";
import type { SweepKey, TrainingSpec } from "../compiler/train/spec.js";
import type { TrainingOverrides } from "../runtime/train/overrides.js";

export type SweepSpec = NonNullable<TrainingSpec["sweep"]>;

/** The order columns and combinations use. */
export const sweepKeys: readonly SweepKey[] = ["lr", "batch", "epochs", "l1", "l2", "momentum", "seed"];

/** One trial: its 1-based number and the value of each swept setting. */
export interface Trial {
  readonly number: number;
  readonly values: Partial<Record<SweepKey, number>>;
}

/** Every combination of the lists, the first key varying slowest. */
function grid(values: SweepSpec["values"]): Partial<Record<SweepKey, number>>[] {
  let combos: Partial<Record<SweepKey, number>>[] = [{}];
  for (const k of sweepKeys) {
    const list = values[k];
    if (!list) continue;
    combos = combos.flatMap((c) => list.map((v) => ({ ...c, [k]: v })));
  }
  return combos;
}

/** The trials of a sweep; `seed` makes a random sweep's draw repeatable. */
export function sweepTrials(sweep: SweepSpec, seed: number): Trial[] {
  const all = grid(sweep.values);
  let chosen = all;
  if (sweep.mode === "random" && sweep.trials < all.length) {
    // A partial Fisher–Yates shuffle: the first `trials` places hold a uniform draw without repeats.
    const rng = derive(seed, "sweep");
    const order = all.map((_, i) => i);
    for (let i = 0; i < sweep.trials; i++) {
      const j = i + rng.int(order.length - i);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    chosen = order.slice(0, sweep.trials).map((i) => all[i]!);
  }
  return chosen.map((values, i) => ({ number: i + 1, values }));
}

/** What a trial changes in a compiled model's training (batch needs a recompile and is not here). */
export function trialOverrides(t: Trial): TrainingOverrides {
  const v = t.values;
  return {
    ...(v.lr !== undefined ? { lr: v.lr } : {}),
    ...(v.epochs !== undefined ? { epochs: v.epochs } : {}),
    ...(v.seed !== undefined ? { seed: v.seed } : {}),
    ...(v.l1 !== undefined ? { l1: v.l1 } : {}),
    ...(v.l2 !== undefined ? { l2: v.l2 } : {}),
    ...(v.momentum !== undefined ? { momentum: v.momentum } : {}),
  };
}

/** A trial's settings as text: "lr 0.01, l2 0.1". */
export function describeTrial(t: Trial): string {
  return sweepKeys.filter((k) => t.values[k] !== undefined).map((k) => `${k} ${t.values[k]}`).join(", ");
}

/** What one finished trial measured. */
export interface TrialResult {
  readonly trial: Trial;
  readonly validationAccuracy: number | undefined;
  readonly testAccuracy: number | undefined;
  readonly dir: string;
}

const pct = (x: number | undefined) => (x === undefined ? "—" : `${(x * 100).toFixed(2)}%`);

/** Trials ranked by validation accuracy (then test accuracy), best first, as an aligned table. */
export function sweepTable(results: readonly TrialResult[]): string {
  const keys = sweepKeys.filter((k) => results.some((r) => r.trial.values[k] !== undefined));
  const score = (r: TrialResult) => r.validationAccuracy ?? r.testAccuracy ?? -1;
  const ranked = [...results].sort((a, b) => score(b) - score(a) || (b.testAccuracy ?? -1) - (a.testAccuracy ?? -1) || a.trial.number - b.trial.number);
  const rows = [
    ["rank", "trial", ...keys, "validation", "test", "run"],
    ...ranked.map((r, i) => [String(i + 1), String(r.trial.number), ...keys.map((k) => String(r.trial.values[k] ?? "")), pct(r.validationAccuracy), pct(r.testAccuracy), r.dir]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  return rows.map((row) => row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]!))).join("  ").trimEnd()).join("\n");
}
