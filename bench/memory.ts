/** Peak memory of a peer's process, measured inside it and shown in the table. */

/** Peak resident memory of this process in bytes (maxRSS; Linux reports KiB). */
export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/** 414_408_704 → "395 MiB". */
export function formatMemory(bytes: number): string {
  return `${Math.round(bytes / 2 ** 20)} MiB`;
}
