/** "Did you mean": the closest known word within a small edit distance. */

/** Optimal-string-alignment edit distance (transpositions count as one edit). */
export function editDistance(a: string, b: string): number {
  // Three rolling rows (i − 2, i − 1, i) instead of the whole table: this runs for every unknown word.
  const n = b.length;
  let before = new Int32Array(n + 1);
  let prev = Int32Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Int32Array(n + 1);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, before[j - 2]! + 1);
      cur[j] = v;
    }
    [before, prev, cur] = [prev, cur, before];
  }
  return prev[n]!;
}

/** The known word closest to `word`, if it is close enough to be a plausible typo. */
export function suggest(word: string, known: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const limit = Math.max(1, Math.floor(Math.max(w.length, k.length) / 3));
    // The distance is at least the difference in length: skip the table when that is already too far.
    if (Math.abs(w.length - k.length) > Math.min(limit, bestD)) continue;
    const d = editDistance(w, k.toLowerCase());
    if (d <= limit && d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best;
}
