/** Summary statistics of repeated timings. */

/** The median of a non-empty list (the mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error("median of an empty list");
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The smallest and largest value of a non-empty list. */
export function minMax(xs: readonly number[]): { min: number; max: number } {
  if (xs.length === 0) throw new Error("min–max of an empty list");
  return { min: Math.min(...xs), max: Math.max(...xs) };
}
