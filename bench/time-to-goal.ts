/**
 * Time to 99% MNIST test accuracy, measured the way a user meets it: the wall time of one whole
 * `dnnc train FILE` command (compiling the .dnn file, opening the device, building pipelines,
 * loading MNIST, training and the final test evaluation), with the test accuracy read from the run's
 * run.json. The recipe (examples/mnist/one-epoch.dnn by default) decides how long it trains.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { runChild } from "./child.js";
import { entryArgs, ROOT as root } from "./entry.js";

export const TIME_TO_GOAL_FILE = "examples/mnist/one-epoch.dnn";

export interface TimeToGoalResult {
  readonly ok: boolean;
  readonly file: string;
  readonly goal: number;
  readonly capSeconds: number;
  /** Wall seconds of the whole `dnnc train` command. */
  readonly seconds: number;
  /** The final test accuracy (0–1) and whether it reached the goal. */
  readonly accuracy: number;
  readonly reached: boolean;
  readonly epochs: number;
  readonly imagesPerSecond: number;
  readonly device: string;
  readonly error?: string;
}

/** Runs `dnnc train file` (through tsx, as `npm run results` does, or the kit's bundled CLI) into a temporary folder and reads its run.json. */
export async function timeToGoal(file: string, goal: number, capSeconds: number): Promise<TimeToGoalResult> {
  const out = mkdtempSync(join(tmpdir(), "dnnc-time-to-goal-"));
  const base = { file, goal, capSeconds, seconds: 0, accuracy: 0, reached: false, epochs: 0, imagesPerSecond: 0, device: "" };
  try {
    const started = performance.now();
    const r = await runChild(process.execPath, [...entryArgs("cli/main.ts"), "train", join(root, file), "--out", out], capSeconds);
    const seconds = (performance.now() - started) / 1000;
    if (r.failure) return { ...base, ok: false, seconds, error: r.failure };
    const dir = /^run: (.+)\/ \(/m.exec(r.stdout)?.[1];
    if (!dir) return { ...base, ok: false, seconds, error: "dnnc train printed no run folder" };
    const run = JSON.parse(readFileSync(resolve(dir, "run.json"), "utf8")) as { test_accuracy: number; epochs: number; epochs_run?: number; images_per_second: number; adapter: string };
    return { ...base, ok: true, seconds, accuracy: run.test_accuracy, reached: run.test_accuracy >= goal, epochs: run.epochs_run ?? run.epochs, imagesPerSecond: run.images_per_second, device: run.adapter };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** One line for the report: "99% MNIST test accuracy, FILE: 99.12% in 1 min 12 s (1 epoch, 860 images/s)". */
export function describeTimeToGoal(r: TimeToGoalResult): string {
  const pct = `${Math.round(r.goal * 1000) / 10}%`;
  if (!r.ok) return `time to ${pct} MNIST test accuracy, ${r.file}: failed (${r.error})`;
  const what = `${(r.accuracy * 100).toFixed(2)}% after ${minutes(r.seconds)} of \`dnnc train\` (${r.epochs} epoch${r.epochs === 1 ? "" : "s"}, ${Math.round(r.imagesPerSecond)} images/s)`;
  return `time to ${pct} MNIST test accuracy, ${r.file}: ${r.reached ? what : `not reached: ${what}`}`;
}

function minutes(s: number): string {
  const m = Math.floor(s / 60);
  const rest = Math.round(s - m * 60);
  return m > 0 ? `${m} min ${rest} s` : `${rest} s`;
}
