import { describe, expect, it } from 'vitest';
import { Rng, derive, deriveSeed } from '../../runtime/random.js';

function meanVar(xs: ArrayLike<number>): { mean: number; variance: number } {
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += xs[i]!;
  const mean = sum / xs.length;
  let sq = 0;
  for (let i = 0; i < xs.length; i++) sq += (xs[i]! - mean) ** 2;
  return { mean, variance: sq / xs.length };
}

function draws(rng: Rng, n: number, f: (r: Rng) => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f(rng);
  return out;
}

describe('xoshiro128**', () => {
  it('matches the reference C implementation from state [1,2,3,4]', () => {
    // Values printed by Vigna's xoshiro128starstar.c compiled with gcc.
    const rng = new Rng([1, 2, 3, 4]);
    const first = Array.from({ length: 6 }, () => rng.nextU32());
    expect(first).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
    for (let i = 0; i < 994; i++) rng.nextU32();
    expect(rng.nextU32()).toBe(136054147);
  });

  it('snapshot/restore continues the same stream', () => {
    const a = derive(7, 'x');
    a.nextU32();
    const b = new Rng(a.snapshot());
    expect(draws(a, 5, (r) => r.uniform())).toEqual(draws(b, 5, (r) => r.uniform()));
  });
});

describe('derive', () => {
  it('is deterministic for equal keys', () => {
    expect(draws(derive(42, 'init', 3), 10, (r) => r.nextU32())).toEqual(
      draws(derive(42, 'init', 3), 10, (r) => r.nextU32()),
    );
    expect(deriveSeed(42, 'dropout')).toBe(deriveSeed(42, 'dropout'));
  });

  it('gives different streams for different seeds, labels, label splits and label types', () => {
    const keys: Array<[number, ...(string | number)[]]> = [
      [1],
      [2],
      [1, 'shuffle'],
      [1, 'dropout'],
      [1, 'ab'],
      [1, 'a', 'b'],
      [1, 'member', 0],
      [1, 'member', 1],
      [1, 'member', '1'],
      [2 ** 40],
      [2 ** 40 + 1],
    ];
    const firsts = keys.map(([seed, ...labels]) => derive(seed, ...labels).nextU32());
    expect(new Set(firsts).size).toBe(keys.length);
  });

  it('streams of neighbouring labels are uncorrelated', () => {
    const n = 20000;
    const a = draws(derive(1, 'member', 0), n, (r) => r.uniform());
    const b = draws(derive(1, 'member', 1), n, (r) => r.uniform());
    const ma = meanVar(a), mb = meanVar(b);
    let cov = 0;
    for (let i = 0; i < n; i++) cov += (a[i]! - ma.mean) * (b[i]! - mb.mean);
    const corr = cov / n / Math.sqrt(ma.variance * mb.variance);
    expect(Math.abs(corr)).toBeLessThan(0.03); // ~4σ for n = 2e4
  });
});

describe('distributions (1e5 draws)', () => {
  const n = 100000;

  it('uniform has mean 1/2 and variance 1/12, all in [0,1)', () => {
    const xs = draws(derive(3, 'u'), n, (r) => r.uniform());
    const { mean, variance } = meanVar(xs);
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005); // σ_mean ≈ 0.0009
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
  });

  it('normal(2, 3) has mean 2 and variance 9', () => {
    const xs = draws(derive(3, 'n'), n, (r) => r.normal(2, 3));
    const { mean, variance } = meanVar(xs);
    expect(Math.abs(mean - 2)).toBeLessThan(0.05); // σ_mean ≈ 0.0095
    expect(Math.abs(variance - 9)).toBeLessThan(0.25);
  });

  it('fillNormal gives standard normals, ~68.3% within one σ', () => {
    const xs = derive(4, 'fill').fillNormal(new Float64Array(n + 1));
    const { mean, variance } = meanVar(xs);
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(variance - 1)).toBeLessThan(0.03);
    const within = xs.filter((x) => Math.abs(x) < 1).length / xs.length;
    expect(Math.abs(within - 0.6827)).toBeLessThan(0.01);
  });

  it('int(n) hits every value with the expected frequency', () => {
    const counts = new Array<number>(7).fill(0);
    const rng = derive(5, 'int');
    for (let i = 0; i < 70000; i++) counts[rng.int(7)]!++;
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(500); // ~5σ
    expect(() => rng.int(0)).toThrow(RangeError);
  });
});

describe('shuffle', () => {
  it('permutes without losing elements and is seed-determined', () => {
    const p = derive(9, 'shuffle', 0).permutation(1000);
    expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(p).toEqual(derive(9, 'shuffle', 0).permutation(1000));
    expect(p).not.toEqual(derive(9, 'shuffle', 1).permutation(1000));
  });

  it('is uniform over the 6 permutations of 3 items', () => {
    const rng = derive(11, 'fy');
    const counts = new Map<string, number>();
    for (let i = 0; i < 60000; i++) {
      const key = rng.shuffle(['a', 'b', 'c']).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    for (const c of counts.values()) expect(Math.abs(c - 10000)).toBeLessThan(500);
  });
});
