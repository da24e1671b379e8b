/** Plain-text tables and number formatting for the CLI. */

/** 61706 → "61,706". */
export function thousands(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** 3_270_000 → "3.27 M". */
export function si(n: number): string {
  const units: [number, string][] = [
    [1e12, "T"],
    [1e9, "G"],
    [1e6, "M"],
    [1e3, "k"],
  ];
  for (const [v, u] of units) if (n >= v) return `${Number((n / v).toPrecision(3))} ${u}`;
  return String(n);
}

/** 2_200_000 → "2.1 MiB". */
export function bytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}

/** Render rows as aligned columns; `right` marks right-aligned columns. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], right: readonly boolean[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length)));
  const line = (cells: readonly string[]) => cells.map((x, c) => (right[c] ? x.padStart(widths[c]!) : x.padEnd(widths[c]!))).join("  ").trimEnd();
  const rule = widths.map((w) => "─".repeat(w)).join("  ").trimEnd();
  return [line(header), rule, ...rows.map(line)].join("\n");
}
