/** Turning model outputs into predictions: probabilities, ensemble votes, accuracy, confusion matrix. */

import type { Manifest } from '../engine/manifest.js';

/** count × classes probabilities from the raw outputs, applying the activation the loss fused. */
export function probabilities(manifest: Manifest, outputs: Float32Array, count: number): Float32Array {
  const c = manifest.output.classes;
  const p = new Float32Array(count * c);
  for (let n = 0; n < count; n++) {
    const row = outputs.subarray(n * c, (n + 1) * c);
    if (manifest.output.activation === 'softmax') {
      let max = -Infinity;
      for (const v of row) max = Math.max(max, v);
      let sum = 0;
      for (let j = 0; j < c; j++) sum += Math.exp(row[j]! - max);
      for (let j = 0; j < c; j++) p[n * c + j] = Math.exp(row[j]! - max) / sum;
    } else if (manifest.output.activation === 'sigmoid') {
      for (let j = 0; j < c; j++) p[n * c + j] = 1 / (1 + Math.exp(-row[j]!));
    } else p.set(row, n * c);
  }
  return p;
}

/** Index of the first maximal entry of row n. */
export function argmaxRow(values: ArrayLike<number>, n: number, classes: number): number {
  let best = 0;
  for (let j = 1; j < classes; j++) if (values[n * classes + j]! > values[n * classes + best]!) best = j;
  return best;
}

/**
 * Combines members' probabilities: `average` takes the arg-max of the mean probability;
 * `majority` takes the most-voted class, ties going to the higher mean probability.
 */
export function combine(members: readonly Float32Array[], count: number, classes: number, vote: 'majority' | 'average'): Uint32Array {
  const out = new Uint32Array(count);
  const mean = new Float64Array(classes);
  const votes = new Uint32Array(classes);
  for (let n = 0; n < count; n++) {
    mean.fill(0);
    votes.fill(0);
    for (const p of members) {
      for (let j = 0; j < classes; j++) mean[j]! += p[n * classes + j]! / members.length;
      votes[argmaxRow(p, n, classes)]!++;
    }
    let best = 0;
    for (let j = 1; j < classes; j++) {
      const better = vote === 'average' ? mean[j]! > mean[best]! : votes[j]! > votes[best]! || (votes[j] === votes[best] && mean[j]! > mean[best]!);
      if (better) best = j;
    }
    out[n] = best;
  }
  return out;
}

/** Predictions of one model: the arg-max of each row. */
export function predictions(values: Float32Array, count: number, classes: number): Uint32Array {
  return Uint32Array.from({ length: count }, (_, n) => argmaxRow(values, n, classes));
}

/** matrix[truth][predicted] counts. */
export function confusionMatrix(labels: ArrayLike<number>, predicted: ArrayLike<number>, classes: number): number[][] {
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < predicted.length; i++) m[labels[i]!]![predicted[i]!]!++;
  return m;
}

/** Fraction of predictions equal to their labels. */
export function accuracyOf(labels: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let right = 0;
  for (let i = 0; i < predicted.length; i++) if (labels[i] === predicted[i]) right++;
  return predicted.length > 0 ? right / predicted.length : NaN;
}

/** A confusion matrix as text: rows are true classes, columns predictions. */
export function formatConfusion(m: readonly (readonly number[])[], names: readonly string[] = m.map((_, i) => String(i))): string {
  const width = Math.max(5, ...m.flat().map((v) => String(v).length + 1), ...names.map((s) => s.length + 1));
  const pad = (s: string) => s.padStart(width);
  const head = `${'true\\pred'.padEnd(10)}${names.map(pad).join('')}`;
  const rows = m.map((row, i) => `${(names[i] ?? String(i)).padEnd(10)}${row.map((v) => pad(String(v))).join('')}`);
  return [head, ...rows].join('\n');
}

/**
 * The model's predictions for `count` examples from each member's raw outputs: one member's
 * arg-max, or the ensemble's `vote`; with the probabilities they came from (one array per member).
 */
export function predictOutputs(manifest: Manifest, outputs: readonly Float32Array[], count: number, vote: 'majority' | 'average' = 'average'): { probabilities: Float32Array[]; predicted: Uint32Array } {
  const probs = outputs.map((o) => probabilities(manifest, o, count));
  const classes = manifest.output.classes;
  const predicted = probs.length === 1 ? predictions(probs[0]!, count, classes) : combine(probs, count, classes, vote);
  return { probabilities: probs, predicted };
}
