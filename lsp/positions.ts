/** Compiler offsets and spans ↔ LSP positions and ranges (0-based lines, UTF-16 characters). */
import type { Position, Range } from "vscode-languageserver";
import type { Span } from "../grammar/ast.js";
import { lineStarts, positionAt } from "../compiler/source.js";

/** Offsets of one text, computed once. */
export class LineIndex {
  private readonly starts: number[];
  constructor(private readonly text: string) {
    this.starts = lineStarts(text);
  }
  position(offset: number): Position {
    const p = positionAt(this.starts, Math.max(0, Math.min(offset, this.text.length)));
    return { line: p.line - 1, character: p.col - 1 };
  }
  /** The offset of an LSP position, clamped to its line (a line break is not part of its line). */
  offset(p: Position): number {
    if (p.line >= this.starts.length) return this.text.length;
    const start = this.starts[Math.max(0, p.line)]!;
    const next = this.starts[p.line + 1];
    let end = next === undefined ? this.text.length : next - 1;
    if (end > start && this.text[end - 1] === "\r") end--;
    return Math.min(start + Math.max(0, p.character), end);
  }
  range(span: Span): Range {
    return { start: this.position(span.start), end: this.position(span.end) };
  }
}

export function contains(span: Span, offset: number): boolean {
  return span.start <= offset && offset <= span.end;
}
