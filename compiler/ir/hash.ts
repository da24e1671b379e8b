/**
 * The counter-based random numbers kernels use (dropout masks), so that masks are recomputed in
 * backward instead of stored, and a CPU reference reproduces them bit for bit. WGSL renderers
 * emit the same arithmetic (`wgslHash` below); u32 multiplication wraps in both.
 */

/** Chris Wellons' lowbias32 integer hash. */
export function hash32(x: number): number {
  x >>>= 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  x ^= x >>> 16;
  return x >>> 0;
}

/** A uniform number in [0, 1) with 24 random bits for (seed, step, stream, index). */
export function counterUniform(seed: number, step: number, stream: number, index: number): number {
  const h = hash32((seed ^ hash32((step ^ hash32((stream ^ hash32(index)) >>> 0)) >>> 0)) >>> 0);
  return (h >>> 8) / 16777216;
}

/** WGSL for `hash32` and `counter_uniform`, identical to the functions above. */
export const wgslHash = `fn hash32(v: u32) -> u32 {
  var x = v;
  x = x ^ (x >> 16u);
  x = x * 0x7feb352du;
  x = x ^ (x >> 15u);
  x = x * 0x846ca68bu;
  x = x ^ (x >> 16u);
  return x;
}

// Uniform in [0, 1) with 24 random bits for (seed, step, stream, index); see compiler/ir/hash.ts.
fn counter_uniform(seed: u32, step: u32, stream: u32, index: u32) -> f32 {
  let h = hash32(seed ^ hash32(step ^ hash32(stream ^ hash32(index))));
  return f32(h >> 8u) / 16777216.0;
}
`;
