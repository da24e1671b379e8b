/**
 * Attaching comments and layout facts to the AST, for the printer.
 *
 * The grammar puts comments in their own token group, so they are not in the tree; the parser
 * keeps them in `DnnFile.comments` with their spans. A comment can only stand at the end of a line
 * (a statement cannot continue after one), so each comment is either
 *  - trailing: code precedes it on its line — it belongs to the statement or item that ends there
 *    (or to the `{` that opens a body, when nothing else stands between them), or
 *  - own-line: nothing precedes it — it leads the next statement or item of its body or file, or,
 *    with nothing after it there, dangles before the `}` (or at the end of the file).
 * Along with the comments this records what the AST leaves out but the printer keeps: blank
 * lines (collapsed to one), which statements are joined by an arrow, commas between arguments, and
 * whether a body was written over several lines.
 */
import { util } from "prettier";
import type { CommentNode, DnnFile, ImportDecl, ModelDecl, BlockDecl, TrainDecl, RepeatStmt, Span, Statement, Stmt, TopItem } from "../grammar/ast.js";

/** A comment on a line of its own. */
export interface OwnLineComment {
  readonly text: string;
  /** A blank line separates it from what comes before it. */
  readonly blankBefore: boolean;
}

/** A comment at the end of a line of code. */
export interface TrailingComment {
  readonly text: string;
  /** Its column in the source, counted from the indentation of its line (so re-indenting keeps alignment). */
  readonly column: number;
}

/** A statement or top-level item with what surrounds it. */
export interface Element {
  readonly node: Node;
  /** Own-line comments just above it. */
  readonly leading: readonly OwnLineComment[];
  readonly trailing: TrailingComment | undefined;
  /** A blank line separates it (or its first leading comment) from what comes before. */
  readonly blankBefore: boolean;
  /** The arrow (`->` or `→`) that joins it to the element before it, if one does. */
  readonly arrow: string | undefined;
}

/** The statements of a body, or the items of a file. */
export interface Sequence {
  readonly elements: readonly Element[];
  /** Own-line comments after the last element. */
  readonly dangling: readonly OwnLineComment[];
  /** A comment right after the `{` of a body. */
  readonly opening: TrailingComment | undefined;
  /** A line break between `{` and the first statement: the author laid the body out over lines. */
  readonly brokenInSource: boolean;
}

/** What the printer prints: a statement, an import, or something with a body. */
export type Node =
  | { readonly kind: "statement"; readonly stmt: Statement; readonly source: string }
  | { readonly kind: "import"; readonly decl: ImportDecl; readonly source: string }
  | { readonly kind: "braced"; readonly decl: ModelDecl | BlockDecl | TrainDecl | RepeatStmt; readonly body: Sequence; readonly source: string };

/** A line holding nothing but blanks, in the text between two things. */
const blankLine = /\n[ \t\r]*\n/;

/** Width of text as it shows in a terminal (east Asian wide characters count 2). */
export function width(text: string): number {
  return util.getStringWidth(text);
}

/** The comment-free text of a gap between statements: separators and blanks only. */
function withoutComments(gap: string): string {
  return gap.replace(/#[^\n\r]*/g, "");
}

function trailing(source: string, c: CommentNode): TrailingComment {
  const lineStart = source.lastIndexOf("\n", c.span.start - 1) + 1;
  const before = source.slice(lineStart, c.span.start);
  const indent = /^[ \t]*/.exec(before)![0];
  return { text: c.text.trimEnd(), column: width(before) - width(indent) };
}

/** Offset of the `{` that opens a body: the first one after the header's last token. */
function openingBrace(source: string, from: number): number {
  const at = source.indexOf("{", from);
  if (at < 0) throw new Error(`no \`{\` after offset ${from}`);
  return at;
}

function braced(source: string, decl: ModelDecl | BlockDecl | TrainDecl | RepeatStmt, comments: readonly CommentNode[]): Node {
  const headerEnd = decl.kind === "repeat" ? decl.count.span.end : decl.kind === "train" ? decl.model.span.end : decl.kind === "block" ? Math.max(decl.name.span.end, ...decl.params.map((p) => p.span.end)) : decl.name.span.end;
  const open = openingBrace(source, headerEnd);
  const close = decl.span.end - 1;
  return { kind: "braced", decl, body: sequence(source, decl.body, comments, { open, close }), source };
}

function nodeOf(source: string, item: TopItem | Stmt, comments: readonly CommentNode[]): Node {
  switch (item.kind) {
    case "statement":
      return { kind: "statement", stmt: item, source };
    case "import":
      return { kind: "import", decl: item, source };
    default:
      return braced(source, item, comments);
  }
}

/**
 * The elements of a body (between `braces`) or of a whole file, with their comments. Comments
 * inside an element (in a nested body) go down with it.
 */
function sequence(source: string, items: readonly (TopItem | Stmt)[], comments: readonly CommentNode[], braces: { open: number; close: number } | undefined): Sequence {
  const inside = (c: CommentNode, s: Span) => s.start < c.span.start && c.span.start < s.end;
  const mine = comments.filter((c) => !items.some((i) => inside(c, i.span)));
  const start = braces ? braces.open + 1 : 0;
  const firstStart = items[0]?.span.start ?? braces?.close ?? source.length;
  const brokenInSource = braces !== undefined && source.slice(start, firstStart).includes("\n");

  const elements: Element[] = [];
  let opening: TrailingComment | undefined;
  let pending: OwnLineComment[] = [];
  /** End of the last thing placed (element, comment or `{`), for blank lines and trailing comments. */
  let lastEnd = start;
  /** True until something is placed: no blank line at the top of a body or file. */
  let first = true;
  /** Where code last ended on the current line, if it did: a comment after it trails it. */
  let codeEnd: number | undefined = braces ? start : undefined;
  let previousItemEnd: number | undefined;
  let at = 0;
  const placeComment = (c: CommentNode) => {
    if (codeEnd !== undefined && !source.slice(codeEnd, c.span.start).includes("\n")) {
      const t = trailing(source, c);
      const last = elements[elements.length - 1];
      if (last && previousItemEnd === codeEnd) elements[elements.length - 1] = { ...last, trailing: t };
      else opening = t;
    } else {
      pending.push({ text: c.text.trimEnd(), blankBefore: !first && blankLine.test(source.slice(lastEnd, c.span.start)) });
      first = false;
    }
    codeEnd = undefined;
    lastEnd = c.span.end;
  };
  for (const item of items) {
    while (at < mine.length && mine[at]!.span.start < item.span.start) placeComment(mine[at++]!);
    const gapBefore = source.slice(lastEnd, item.span.start);
    const link = braces && previousItemEnd !== undefined ? /->|→/.exec(withoutComments(source.slice(previousItemEnd, item.span.start)))?.[0] : undefined;
    elements.push({
      node: nodeOf(source, item, comments.filter((c) => inside(c, item.span))),
      leading: pending,
      trailing: undefined,
      blankBefore: !first && blankLine.test(gapBefore),
      arrow: link,
    });
    pending = [];
    first = false;
    lastEnd = item.span.end;
    codeEnd = item.span.end;
    previousItemEnd = item.span.end;
  }
  while (at < mine.length) placeComment(mine[at++]!);
  return { elements, dangling: pending, opening, brokenInSource };
}

/** The file's items with their comments, ready to print. */
export function attach(file: DnnFile, source: string): Sequence {
  return sequence(source, file.items, file.comments, undefined);
}
