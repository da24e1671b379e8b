/**
 * Seeded randomness. One root seed and a path of labels name a stream, so every consumer
 * (init, shuffle, dropout, augment, ensemble member k) draws from its own independent sequence
 * and adding a consumer never shifts the numbers another one sees.
 *
 * Generator: xoshiro128** (Blackman & Vigna), 128-bit state in 32-bit words so it runs on
 * plain JS integers. Stream keys are absorbed by a 4-lane murmur3-style mixer.
 */

/** A stream label: a name such as 'shuffle', or an index such as an epoch or ensemble member. */
export type Label = string | number;

/** The four 32-bit words of a generator's state; restoring them replays the stream. */
export type RngState = readonly [number, number, number, number];

const LANE_SALT = [0x9e3779b9, 0x85ebca6b, 0xc2b2ae35, 0x27d4eb2f] as const;
const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** murmur3's 32-bit finaliser: every input bit flips each output bit with probability ~1/2. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Splits a non-negative safe integer into its low and high 32-bit words. */
function words(n: number): [number, number] {
  if (!Number.isSafeInteger(n) || n < 0) {
    // Non-integers and negatives still name a stream: use their float64 bit pattern.
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, n, true);
    return [view.getUint32(0, true), view.getUint32(4, true) ^ 0x80000000];
  }
  return [n >>> 0, Math.floor(n / TWO_POW_32) >>> 0];
}

/** A 128-bit keyed hash of (seed, labels); the tag and length words keep ('ab') ≠ ('a','b'). */
function hashKey(seed: number, labels: readonly Label[]): [number, number, number, number] {
  const h: [number, number, number, number] = [LANE_SALT[0], LANE_SALT[1], LANE_SALT[2], LANE_SALT[3]];
  const absorb = (w: number): void => {
    h[0] = (h[0] ^ w) >>> 0;
    for (let i = 0; i < 4; i++) {
      const prev = h[(i + 3) & 3]!;
      h[i] = fmix32((h[i]! + rotl(prev, 7) + LANE_SALT[i]!) >>> 0);
    }
  };
  const absorbNumber = (n: number): void => {
    const [lo, hi] = words(n);
    absorb(lo);
    absorb(hi);
  };
  absorbNumber(seed);
  for (const label of labels) {
    if (typeof label === 'number') {
      absorb(0x6e756d00); // tag 'num'
      absorbNumber(label);
    } else {
      absorb(0x73747200); // tag 'str'
      absorb(label.length);
      for (let i = 0; i < label.length; i++) absorb(label.charCodeAt(i));
    }
  }
  for (let round = 0; round < 4; round++) absorb(round);
  if ((h[0] | h[1] | h[2] | h[3]) === 0) h[0] = 1; // xoshiro's one forbidden state
  return h;
}

/** A deterministic random stream. Create it with `derive`; it owns its state. */
export class Rng {
  private readonly s: Uint32Array;

  constructor(state: RngState) {
    this.s = Uint32Array.from(state);
    if ((this.s[0]! | this.s[1]! | this.s[2]! | this.s[3]!) === 0) this.s[0] = 1;
  }

  /** The next uniformly distributed 32-bit unsigned integer. */
  nextU32(): number {
    const s = this.s;
    const s0 = s[0]!, s1 = s[1]!, s2 = s[2]!, s3 = s[3]!;
    const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    s[1] = s1 ^ n2;
    s[0] = s0 ^ n3;
    s[2] = n2 ^ t;
    s[3] = rotl(n3 >>> 0, 11);
    return result;
  }

  /** A uniform float in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / TWO_POW_53;
  }

  /** A uniform float in [lo, hi). */
  uniformIn(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** An unbiased integer in [0, n), for 1 ≤ n ≤ 2^32 (rejection sampling). */
  int(n: number): number {
    if (!(n >= 1 && n <= TWO_POW_32 && Number.isInteger(n))) {
      throw new RangeError(`Rng.int: n must be an integer in [1, 2^32], got ${n}`);
    }
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const x = this.nextU32();
      if (x < limit) return x % n;
    }
  }

  /** A normal draw N(mean, std²) by the Box–Muller transform (cosine branch). */
  normal(mean = 0, std = 1): number {
    const u1 = 1 - this.uniform(); // (0, 1]: log never sees 0
    const u2 = this.uniform();
    return mean + std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Fills `out` with N(mean, std²) draws, using both Box–Muller outputs of each pair. */
  fillNormal<T extends Float32Array | Float64Array>(out: T, mean = 0, std = 1): T {
    for (let i = 0; i < out.length; i += 2) {
      const r = Math.sqrt(-2 * Math.log(1 - this.uniform()));
      const theta = 2 * Math.PI * this.uniform();
      out[i] = mean + std * r * Math.cos(theta);
      if (i + 1 < out.length) out[i + 1] = mean + std * r * Math.sin(theta);
    }
    return out;
  }

  /** Fills `out` with uniform draws in [lo, hi). */
  fillUniform<T extends Float32Array | Float64Array>(out: T, lo = 0, hi = 1): T {
    for (let i = 0; i < out.length; i++) out[i] = this.uniformIn(lo, hi);
    return out;
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [index: number]: unknown }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** A uniformly random permutation of 0..n-1. */
  permutation(n: number): Uint32Array {
    const p = new Uint32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }

  /** The current state; `new Rng(state)` continues the stream from here. */
  snapshot(): RngState {
    return [this.s[0]!, this.s[1]!, this.s[2]!, this.s[3]!];
  }
}

/** The stream named by a root seed and a path of labels, e.g. derive(seed, 'dropout', member). */
export function derive(seed: number, ...labels: Label[]): Rng {
  return new Rng(hashKey(seed, labels));
}

/** A 32-bit seed for (seed, labels), for kernels that hash their own counters (dropout masks). */
export function deriveSeed(seed: number, ...labels: Label[]): number {
  return hashKey(seed, labels)[0];
}
