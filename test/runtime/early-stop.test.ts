import { describe, expect, it } from 'vitest';
import { type EarlyStopSpec, initialEarlyStop, updateEarlyStop } from '../../runtime/early-stop.js';

function run(spec: EarlyStopSpec, values: number[]) {
  let s = initialEarlyStop();
  let stoppedAt: number | null = null;
  for (const [epoch, v] of values.entries()) {
    s = updateEarlyStop(spec, s, epoch, v);
    if (s.stop) {
      stoppedAt = epoch;
      break;
    }
  }
  return { ...s, stoppedAt };
}

describe('early stopping', () => {
  const lower = { name: 'val_loss', better: 'lower' } as const;

  it('stops after 3 epochs without a strictly lower loss and remembers the best epoch', () => {
    const r = run({ patience: 3, metric: lower }, [1.0, 0.8, 0.85, 0.79, 0.9, 0.8, 0.79, 0.5]);
    expect(r).toMatchObject({ stoppedAt: 6, bestEpoch: 3, best: 0.79, epochsWithoutImprovement: 3 });
  });

  it('minDelta demands a margin', () => {
    const r = run({ patience: 3, metric: lower, minDelta: 0.02 }, [1.0, 0.8, 0.85, 0.79, 0.9]);
    expect(r).toMatchObject({ stoppedAt: 4, bestEpoch: 1, best: 0.8 });
  });

  it('higher-is-better, and NaN never counts as an improvement', () => {
    const acc = { name: 'val_accuracy', better: 'higher' } as const;
    const r = run({ patience: 2, metric: acc }, [NaN, 0.9, NaN, 0.95, 0.95, 0.94]);
    expect(r).toMatchObject({ stoppedAt: 5, bestEpoch: 3, best: 0.95 });
    expect(run({ patience: 5, metric: acc }, [0.1, 0.2, 0.3])).toMatchObject({ stoppedAt: null, bestEpoch: 2 });
  });
});
