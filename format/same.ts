/** Comparing two parses of a file the way the formatter promises to keep it: same tree, same comments. */
import type { DnnFile } from "../grammar/ast.js";

/** A copy of an AST node with every `span` (and the file's comments) left out. */
export function withoutSpans(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutSpans);
  if (node === null || typeof node !== "object") return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k]) => k !== "span" && k !== "comments")
      .map(([k, v]) => [k, withoutSpans(v)]),
  );
}

/** The comments' texts in order, without the blanks that may end them. */
export function commentTexts(file: DnnFile): string[] {
  return file.comments.map((c) => c.text.trimEnd());
}

/** True when two parses hold the same items and statements, spans aside, and the same comments in the same order. */
export function sameTree(a: DnnFile, b: DnnFile): boolean {
  return JSON.stringify(withoutSpans(a)) === JSON.stringify(withoutSpans(b)) && JSON.stringify(commentTexts(a)) === JSON.stringify(commentTexts(b));
}
