/**
 * The printer: the attached tree (comments.ts) → a Prettier document.
 *
 * Canonical style:
 *  - one statement per line, indented 2 spaces per body; `model Name {` … `}`;
 *  - a body written on one line (no line break after its `{`) stays on one line, `{ a; b }`, while
 *    it fits in the print width and holds no comment; otherwise one statement per line;
 *  - statements joined by an arrow stay a chain, `a -> b`; a chain too long for its line breaks
 *    after each arrow, its continuation lines indented one step more;
 *  - blank lines between statements and items are kept, runs of them collapsed to one, none at the
 *    start or end of a body or file;
 *  - own-line comments are indented with the statement they precede; a comment at the end of a
 *    line keeps its column (counted from the line's indentation, so aligned comments stay
 *    aligned), moving right only as far as needed to stay one space after the code.
 *
 * Statements themselves never break (the grammar has no line continuation), so the only choices are
 * whether a body or a chain goes on one line. They are made here, from the widths of the texts,
 * because a trailing comment's padding depends on where the code before it ends.
 */
import { doc, type Doc } from "prettier";
import { width, type Element, type Node, type OwnLineComment, type Sequence, type TrailingComment } from "./comments.js";
import { headerText, importText, statementText } from "./text.js";

const { hardline, indent } = doc.builders;

/** The layout settings the printer honours. */
export interface Layout {
  readonly printWidth: number;
  readonly tabWidth: number;
}

/** A printed element: its document and the column where its last line's code ends. */
interface Printed {
  readonly doc: Doc;
  readonly end: number;
}

function hasComments(s: Sequence): boolean {
  return s.opening !== undefined || s.dangling.length > 0 || s.elements.some((e) => e.leading.length > 0 || e.trailing !== undefined);
}

/** Consecutive elements joined by arrows. */
function chains(elements: readonly Element[]): Element[][] {
  const out: Element[][] = [];
  for (const e of elements) {
    const last = out[out.length - 1];
    if (e.arrow !== undefined && last) last.push(e);
    else out.push([e]);
  }
  return out;
}

/** A chain on one line, or undefined when it cannot be (a comment inside it, a body that must break). */
function flatChain(chain: readonly Element[]): string | undefined {
  let text = "";
  for (const [i, e] of chain.entries()) {
    if ((i > 0 && e.leading.length > 0) || (i < chain.length - 1 && e.trailing)) return undefined;
    const t = flatNode(e.node);
    if (t === undefined) return undefined;
    text += i === 0 ? t : ` ${e.arrow} ${t}`;
  }
  return text;
}

/** An element on one line, or undefined when it cannot be. */
function flatNode(n: Node): string | undefined {
  switch (n.kind) {
    case "statement":
      return statementText(n.stmt, n.source);
    case "import":
      return importText(n.decl, n.source);
    case "braced": {
      const head = headerText(n.decl, n.source);
      if (n.body.elements.length === 0 && !hasComments(n.body)) return `${head} {}`;
      if (n.body.brokenInSource || hasComments(n.body)) return undefined;
      const parts: string[] = [];
      for (const c of chains(n.body.elements)) {
        const t = flatChain(c);
        if (t === undefined) return undefined;
        parts.push(t);
      }
      return `${head} { ${parts.join("; ")} }`;
    }
  }
}

/** Own-line comments, each on its own line, a blank line before those that had one. */
function ownLines(comments: readonly OwnLineComment[], leadingBreak: boolean): Doc[] {
  return comments.map((c, i) => [i > 0 || leadingBreak ? hardline : "", c.blankBefore ? hardline : "", c.text]);
}

export class Printer {
  constructor(private readonly layout: Layout) {}

  private fits(col: number, text: string): boolean {
    return col + width(text) <= this.layout.printWidth;
  }

  /**
   * A comment after code ending at column `end` on a line indented to `lineIndent`: at its old
   * column if the code leaves room and it still ends within the print width, else one space after
   * the code.
   */
  private trailing(c: TrailingComment | undefined, lineIndent: number, end: number): Doc {
    if (!c) return "";
    const column = lineIndent + c.column;
    const keep = column > end && column + width(c.text) <= this.layout.printWidth;
    return " ".repeat(keep ? column - end : 1) + c.text;
  }

  /** One element starting at column `col`, followed on its last line by `suffix`. */
  private node(n: Node, col: number, suffix: string): Printed {
    const flat = flatNode(n);
    if (flat !== undefined && (n.kind !== "braced" || this.fits(col, flat + suffix))) return { doc: flat + suffix, end: col + width(flat + suffix) };
    if (n.kind !== "braced") throw new Error(`a ${n.kind} always prints on one line`);
    const head = `${headerText(n.decl, n.source)} {`;
    const body = n.body;
    const inner = col + this.layout.tabWidth;
    const lines = this.sequence(body, inner, false);
    return {
      doc: [head, this.trailing(body.opening, col, col + width(head)), indent(lines), hardline, "}", suffix],
      end: col + width("}" + suffix),
    };
  }

  /** A chain starting at column `col`: on one line if it fits, else broken after each arrow. */
  private chain(chain: readonly Element[], col: number): Doc {
    const last = chain[chain.length - 1]!;
    const flat = chain.length > 1 ? flatChain(chain) : undefined;
    if (flat !== undefined && this.fits(col, flat)) return [flat, this.trailing(last.trailing, col, col + width(flat))];
    const parts: Doc[] = [];
    const inner = col + this.layout.tabWidth;
    for (const [i, e] of chain.entries()) {
      const at = i === 0 ? col : inner;
      const next = chain[i + 1];
      const p = this.node(e.node, at, next ? ` ${next.arrow}` : "");
      const line = [p.doc, this.trailing(e.trailing, at, p.end)];
      parts.push(i === 0 ? line : indent([...ownLines(e.leading, true), hardline, line]));
    }
    return parts;
  }

  /** The lines of a body at column `col`, each after a line break; or of a file (`top`), the first without one. */
  private sequence(s: Sequence, col: number, top: boolean): Doc[] {
    const out: Doc[] = [];
    for (const [i, c] of chains(s.elements).entries()) {
      const head = c[0]!;
      const breakFirst = !(top && i === 0);
      out.push(...ownLines(head.leading, breakFirst));
      const afterComments = breakFirst || head.leading.length > 0;
      out.push([afterComments ? hardline : "", head.blankBefore ? hardline : "", this.chain(c, col)]);
    }
    out.push(...ownLines(s.dangling, !(top && s.elements.length === 0)));
    return out;
  }

  /** A whole file, ending with one line break (an empty file stays empty). */
  file(s: Sequence): Doc {
    const lines = this.sequence(s, 0, true);
    return lines.length === 0 ? "" : [...lines, hardline];
  }
}
