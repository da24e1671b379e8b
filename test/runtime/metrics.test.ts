import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataFormatError } from '../../runtime/errors.js';
import { parseJsonLines, toJsonLine } from '../../runtime/metrics.js';
import { openMetricsLog, readMetricsLog } from '../../runtime/node/metrics-log.js';

describe('JSON Lines', () => {
  it('writes one line per record and maps non-finite numbers to null', () => {
    expect(toJsonLine({ kind: 'epoch', epoch: 1, loss: NaN, ok: true })).toBe('{"kind":"epoch","epoch":1,"loss":null,"ok":true}\n');
  });

  it('parses lines back, skipping blanks, naming bad lines', () => {
    expect(parseJsonLines('{"a":1}\n\n{"b":"x"}\n')).toEqual([{ a: 1 }, { b: 'x' }]);
    expect(() => parseJsonLines('{"a":1}\n{oops\n')).toThrow(/line 2 is not valid JSON/);
    expect(() => parseJsonLines('[1]\n')).toThrow(DataFormatError);
  });
});

describe('metrics log file', () => {
  it('appends across openings and truncates on request', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dnnc-metrics-'));
    try {
      const path = join(dir, 'run', 'metrics.jsonl');
      const a = openMetricsLog(path);
      a.append({ kind: 'epoch', epoch: 1, val_accuracy: 0.98 });
      a.close();
      a.close(); // idempotent
      const b = openMetricsLog(path);
      b.append({ kind: 'epoch', epoch: 2, val_accuracy: 0.985 });
      b.close();
      expect(() => b.append({ x: 1 })).toThrow(/closed/);
      expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(3);
      expect(readMetricsLog(path).map((r) => r.epoch)).toEqual([1, 2]);
      openMetricsLog(path, { truncate: true }).close();
      expect(readMetricsLog(path)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
