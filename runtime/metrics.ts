/**
 * Metrics as JSON Lines: one flat JSON object per line (a step, an epoch, an evaluation).
 * Browser-safe formatting and parsing; node/metrics-log.ts appends lines to a file.
 */

import { DataFormatError } from './errors.js';

/** One flat record, e.g. {kind: 'epoch', epoch: 3, train_loss: 0.12, val_accuracy: 0.987}. */
export type MetricsRecord = Readonly<Record<string, string | number | boolean | null>>;

/** The record as one line of JSON ending in "\n"; non-finite numbers become null. */
export function toJsonLine(record: MetricsRecord): string {
  return `${JSON.stringify(record)}\n`;
}

/** Parses JSON Lines text into records, skipping blank lines; a bad line is named by number. */
export function parseJsonLines(text: string): MetricsRecord[] {
  const out: MetricsRecord[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new DataFormatError('jsonl', `line ${i + 1} is not valid JSON`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new DataFormatError('jsonl', `line ${i + 1} is not a JSON object`);
    }
    out.push(value as MetricsRecord);
  });
  return out;
}
