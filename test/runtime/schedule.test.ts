import { describe, expect, it } from 'vitest';
import {
  type PlateauState,
  type Schedule,
  initialPlateauState,
  learningRate,
  scheduleFinished,
  updatePlateau,
} from '../../runtime/schedule.js';

const at = (epoch: number, step = 0, stepsPerEpoch = 10) => ({ epoch, step, stepsPerEpoch });

describe('epoch decays', () => {
  it('constant', () => {
    const s: Schedule = { kind: 'constant', base: 0.1 };
    expect([0, 1, 50].map((e) => learningRate(s, at(e, 7)))).toEqual([0.1, 0.1, 0.1]);
  });

  it('step: ×0.5 every 3 epochs', () => {
    const s: Schedule = { kind: 'step', base: 0.1, everyEpochs: 3, factor: 0.5 };
    expect([0, 2, 3, 5, 6, 9].map((e) => learningRate(s, at(e)))).toEqual([0.1, 0.1, 0.05, 0.05, 0.025, 0.0125]);
  });

  it('exponential: γ^epoch', () => {
    const s: Schedule = { kind: 'exponential', base: 0.1, gamma: 0.9 };
    expect(learningRate(s, at(0))).toBe(0.1);
    expect(learningRate(s, at(2))).toBeCloseTo(0.081, 15);
    expect(learningRate(s, at(3, 9))).toBeCloseTo(0.0729, 15);
  });

  it('cosine from 1 down to minFactor over 4 epochs, then flat', () => {
    const s: Schedule = { kind: 'cosine', base: 1, epochs: 4, minFactor: 0.1 };
    expect(learningRate(s, at(0))).toBe(1);
    expect(learningRate(s, at(1))).toBeCloseTo(0.1 + 0.9 * (1 + Math.SQRT1_2) / 2, 14); // 0.868198…
    expect(learningRate(s, at(1))).toBeCloseTo(0.86819805, 8);
    expect(learningRate(s, at(2))).toBeCloseTo(0.55, 14);
    expect(learningRate(s, at(4))).toBeCloseTo(0.1, 14);
    expect(learningRate(s, at(7))).toBeCloseTo(0.1, 14);
  });

  it('anneals every step, so a one-epoch run goes all the way down', () => {
    const s: Schedule = { kind: 'cosine', base: 1, epochs: 1, minFactor: 0 };
    expect(learningRate(s, at(0, 0, 10))).toBe(1);
    expect(learningRate(s, at(0, 5, 10))).toBeCloseTo(0.5, 14);
    expect(learningRate(s, at(0, 9, 10))).toBeCloseTo((1 + Math.cos(0.9 * Math.PI)) / 2, 14); // 0.02447…
    const four: Schedule = { kind: 'cosine', base: 1, epochs: 4, minFactor: 0.1 };
    expect(learningRate(four, at(1, 5, 10))).toBeCloseTo(0.1 + 0.9 * (1 + Math.cos((1.5 / 4) * Math.PI)) / 2, 14);
  });
});

describe('warmup', () => {
  it('ramps linearly from 0 over 2 epochs of 5 steps, counted in steps', () => {
    const s: Schedule = { kind: 'constant', base: 1, warmup: { epochs: 2 } };
    const lr = (e: number, k: number) => learningRate(s, at(e, k, 5));
    expect([lr(0, 0), lr(0, 3), lr(1, 0), lr(1, 4), lr(2, 0), lr(5, 2)]).toEqual([0, 0.3, 0.5, 0.9, 1, 1]);
  });

  it('multiplies whatever decay it is composed with', () => {
    const s: Schedule = { kind: 'step', base: 1, everyEpochs: 1, factor: 0.5, warmup: { epochs: 2 } };
    expect(learningRate(s, at(1, 0, 5))).toBe(0.25); // decay 0.5 × warmup 5/10
    expect(learningRate(s, at(2, 0, 5))).toBe(0.25); // decay 0.25, warmup over
  });
});

describe('plateau', () => {
  const spec = {
    kind: 'plateau',
    base: 0.1,
    patience: 2,
    factor: 0.5,
    minFactor: 1 / 128,
    metric: { name: 'val_accuracy', better: 'higher' },
  } as const;

  it('halves η after `patience` epochs without improvement and keeps the best', () => {
    let p = initialPlateauState();
    const trace: Array<[number, number]> = [];
    for (const acc of [0.9, 0.91, 0.91, 0.905, 0.92, 0.92, 0.919]) {
      p = updatePlateau(spec, p, acc);
      trace.push([p.badEpochs, p.factor]);
    }
    expect(trace).toEqual([
      [0, 1], // 0.90 first value: best
      [0, 1], // 0.91 improves
      [1, 1], // 0.91 equal: not an improvement
      [0, 0.5], // second bad epoch: halve, restart the count
      [0, 0.5], // 0.92 improves
      [1, 0.5],
      [0, 0.25],
    ]);
    expect(p.best).toBe(0.92);
    expect(learningRate(spec, { ...at(9), plateau: p })).toBe(0.025);
  });

  it('finishes exactly when η reaches 1/128 of its start (7 halvings)', () => {
    let p: PlateauState = updatePlateau(spec, initialPlateauState(), 0.5);
    let epochs = 1;
    while (!scheduleFinished(spec, p)) {
      p = updatePlateau(spec, p, 0.4);
      epochs++;
      expect(epochs).toBeLessThan(100);
    }
    expect(epochs).toBe(1 + 7 * 2);
    expect(p.factor).toBe(1 / 128);
    expect(learningRate(spec, { ...at(epochs), plateau: p })).toBe(0.1 / 128);
    expect(updatePlateau(spec, p, 0.99)).toBe(p); // finished is final
  });

  it('clamps at minFactor when the factor overshoots it, and handles lower-is-better', () => {
    const s = { ...spec, factor: 0.3, patience: 1, metric: { name: 'val_loss', better: 'lower' } } as const;
    let p = updatePlateau(s, initialPlateauState(), 1.0);
    p = updatePlateau(s, p, 0.9); // improves
    expect(p.factor).toBe(1);
    for (let i = 0; i < 4; i++) p = updatePlateau(s, p, 0.95); // 0.3^4 = 0.0081 > 1/128
    expect(p.finished).toBe(false);
    p = updatePlateau(s, p, 0.95); // 0.3^5 < 1/128: clamp and finish
    expect([p.finished, p.factor]).toEqual([true, 1 / 128]);
    expect(scheduleFinished({ kind: 'constant', base: 1 }, p)).toBe(false);
  });
});
