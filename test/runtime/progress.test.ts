import { describe, expect, it } from 'vitest';
import {
  type ProgressSnapshot,
  ProgressReporter,
  estimateRemainingSeconds,
  formatDuration,
  formatProgressBar,
  formatProgressPlain,
  formatRate,
} from '../../runtime/progress.js';

const snap = (over: Partial<ProgressSnapshot> = {}): ProgressSnapshot => ({
  epoch: 2,
  epochs: 4,
  step: 50,
  stepsPerEpoch: 100,
  images: 3200,
  epochSeconds: 2,
  runSeconds: 15,
  loss: 0.123456,
  accuracy: 0.97853,
  ...over,
});

describe('formatting', () => {
  it('durations', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(5.4)).toBe('0:05');
    expect(formatDuration(65)).toBe('1:05');
    expect(formatDuration(3599.4)).toBe('59:59');
    expect(formatDuration(3599.6)).toBe('1:00:00');
    expect(formatDuration(3723)).toBe('1:02:03');
    expect(formatDuration(NaN)).toBe('--:--');
    expect(formatDuration(-1)).toBe('--:--');
  });

  it('rates', () => {
    expect(formatRate(3.46)).toBe('3.5 img/s');
    expect(formatRate(512.4)).toBe('512 img/s');
    expect(formatRate(999.4)).toBe('999 img/s');
    expect(formatRate(999.6)).toBe('1.00k img/s');
    expect(formatRate(1234)).toBe('1.23k img/s');
    expect(formatRate(12345)).toBe('12.3k img/s');
    expect(formatRate(123456)).toBe('123k img/s');
    expect(formatRate(2.5e6, 'samples/s')).toBe('2.50M samples/s');
    expect(formatRate(Infinity)).toBe('-- img/s');
  });

  it('ETA extrapolates the run average: 150 of 400 steps in 15 s leaves 25 s', () => {
    expect(estimateRemainingSeconds(snap())).toBe(25);
    expect(estimateRemainingSeconds(snap({ epoch: 1, step: 0 }))).toBeNaN();
  });

  it('plain line', () => {
    expect(formatProgressPlain(snap())).toBe('epoch 2/4 step 50/100 (50%) 1.60k img/s loss 0.1235 acc 97.85% ETA 0:25');
    expect(formatProgressPlain(snap({ loss: undefined, accuracy: undefined }))).toBe(
      'epoch 2/4 step 50/100 (50%) 1.60k img/s ETA 0:25',
    );
  });

  it('TTY bar fits the width with a proportional fill', () => {
    const line = formatProgressBar(snap(), 100);
    expect(line.length).toBeLessThan(100);
    expect(line).toMatch(/^epoch 2\/4 \[(█+)(░+)\]  50% 1\.60k img\/s loss 0\.1235 acc 97\.85% ETA 0:25$/);
    const [, full, empty] = /\[(█*)(░*)\]/.exec(line)!;
    expect(full!.length).toBe(empty!.length);
    expect(formatProgressBar(snap(), 40).length).toBeLessThan(40);
  });
});

describe('ProgressReporter', () => {
  const sink = (isTTY: boolean) => {
    const out: string[] = [];
    return { out, isTTY, columns: 120, write: (s: string) => out.push(s) };
  };

  it('redraws one line on a TTY, throttled, and keeps log lines intact', () => {
    let t = 0;
    const s = sink(true);
    const r = new ProgressReporter(s, { now: () => t });
    r.update(snap({ step: 1 }));
    t = 50;
    r.update(snap({ step: 2 })); // too soon
    t = 150;
    r.update(snap({ step: 3 }));
    r.update(snap({ step: 100 })); // end of epoch always shows
    r.log('epoch 2: val acc 98.00%');
    r.finish();
    expect(s.out.length).toBe(5);
    expect(s.out.slice(0, 3).every((w) => w.startsWith('\r') && w.endsWith('\x1b[K'))).toBe(true);
    expect(s.out[3]).toBe('\r\x1b[K');
    expect(s.out[4]).toBe('epoch 2: val acc 98.00%\n');
  });

  it('prints plain lines periodically when not a TTY', () => {
    let t = 0;
    const s = sink(false);
    const r = new ProgressReporter(s, { now: () => t, plainIntervalMs: 1000 });
    for (let step = 1; step <= 100; step++) {
      t = step * 100; // 100 ms per step
      r.update(snap({ step }));
    }
    r.finish();
    expect(s.out.length).toBe(11); // step 1, then every second (steps 11, 21, … 91), then step 100
    expect(s.out.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true);
    expect(s.out[10]).toContain('step 100/100');
  });
});
