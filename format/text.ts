/**
 * The text of the parts of a line that never break: arguments, statements, and the headers of
 * models, blocks, trains and repeats. A statement cannot continue on the next line, nor can a list,
 * an expression or a block's parameter list, so each of these is printed as one string.
 *
 * Canonical forms: one space between words; `name = head`; lists as `[a, b]`; block parameters as
 * `(a, b = 1)`; expressions without spaces (`c*2`, `1/128`), with parentheses where the grouping
 * needs them and around a `*` inside a `/` (or the reverse), as in `(c*2)/4`. Numbers, sizes and
 * strings keep their spelling (`1e-3`, `5×5`, escapes), and a comma between two arguments stays
 * where the author put one (`add a, b`).
 */
import type { Arg, BlockDecl, ImportDecl, ModelDecl, RepeatStmt, Statement, TrainDecl } from "../grammar/ast.js";

/** One argument, as the source would spell it canonically. */
export function argText(a: Arg, source: string): string {
  switch (a.kind) {
    case "number":
    case "dims":
      return a.text;
    case "name":
      return a.name;
    case "string":
      return source.slice(a.span.start, a.span.end);
    case "list":
      return `[${a.items.map((i) => argText(i, source)).join(", ")}]`;
    case "binary": {
      const left = argText(a.left, source);
      const right = argText(a.right, source);
      const wrapLeft = a.left.kind === "binary" && a.left.op !== a.op;
      // Operators group from the left, so a right operand that is itself an operation needs parentheses.
      const wrapRight = a.right.kind === "binary";
      return `${wrapLeft ? `(${left})` : left}${a.op}${wrapRight ? `(${right})` : right}`;
    }
  }
}

/** `[target =] head arg…`, keeping the commas the author wrote between arguments. */
export function statementText(s: Statement, source: string): string {
  let text = s.target ? `${s.target.name} = ${s.head.name}` : s.head.name;
  s.args.forEach((a, i) => {
    const previous = s.args[i - 1];
    const comma = previous !== undefined && source.slice(previous.span.end, a.span.start).includes(",");
    text += `${comma ? "," : ""} ${argText(a, source)}`;
  });
  return text;
}

/** `import "path"`, with the path spelt as written. */
export function importText(d: ImportDecl, source: string): string {
  const written = source.slice(d.span.start, d.span.end);
  return `import ${written.slice(written.indexOf('"'))}`;
}

/** What comes before the `{` of a body. */
export function headerText(d: ModelDecl | BlockDecl | TrainDecl | RepeatStmt, source: string): string {
  switch (d.kind) {
    case "model":
      return `model ${d.name.name}`;
    case "train":
      return `train ${d.model.name}`;
    case "repeat":
      return `repeat ${argText(d.count, source)}`;
    case "block": {
      const params = d.params.map((p) => (p.default ? `${p.name.name} = ${argText(p.default, source)}` : p.name.name));
      return `block ${d.name.name}(${params.join(", ")})`;
    }
  }
}
