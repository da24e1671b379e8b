/** Source files and offset → line/column conversion. */

export interface SourceFile {
  readonly path: string;
  readonly text: string;
}

export interface Position {
  /** 1-based line. */
  readonly line: number;
  /** 1-based column, counted in UTF-16 code units. */
  readonly col: number;
}

/** Offsets of the first character of each line. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** The 1-based line and column of `offset`. */
export function positionAt(starts: readonly number[], offset: number): Position {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, col: offset - starts[lo]! + 1 };
}

/** The text of 1-based line `line`, without its line break. */
export function lineText(text: string, starts: readonly number[], line: number): string {
  const s = starts[line - 1] ?? text.length;
  const e = starts[line] ?? text.length;
  return text.slice(s, e).replace(/\r?\n$/, "");
}
