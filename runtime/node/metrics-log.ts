/** Node-only: an append-only JSON Lines metrics file. */

import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { FileAccessError } from '../errors.js';
import { type MetricsRecord, parseJsonLines, toJsonLine } from '../metrics.js';

/** An open metrics file; each append is one write of one whole line. */
export interface MetricsLog {
  readonly path: string;
  /** Appends one record as a line. */
  append(record: MetricsRecord): void;
  /** Flushes to disk and closes the file. */
  close(): void;
}

/**
 * Opens `path` for appending (creating it and its directory), or truncates it first when
 * `truncate` is set. Lines are written with O_APPEND, so concurrent writers never interleave mid-line.
 */
export function openMetricsLog(path: string, options: { truncate?: boolean } = {}): MetricsLog {
  let fd: number;
  try {
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(path, options.truncate ? 'w' : 'a');
  } catch (e) {
    throw new FileAccessError(`cannot open metrics file ${path}: ${(e as Error).message}`);
  }
  let open = true;
  return {
    path,
    append(record) {
      if (!open) throw new FileAccessError(`metrics file ${path} is closed`);
      writeSync(fd, toJsonLine(record));
    },
    close() {
      if (!open) return;
      open = false;
      fsyncSync(fd);
      closeSync(fd);
    },
  };
}

/** Reads every record of a metrics file. */
export function readMetricsLog(path: string): MetricsRecord[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new FileAccessError(`cannot read metrics file ${path}: ${(e as Error).message}`);
  }
  return parseJsonLines(text);
}
