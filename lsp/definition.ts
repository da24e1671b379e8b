/**
 * Go to definition: a block's use → its declaration (in this file or an imported one); a named value
 * (`from x`, `add x`) → the `x = …` above it in the same model or block; a block parameter → the
 * parameter; the model of `train M` → `model M`; an import's path → the imported file.
 */
import { dirname, isAbsolute, resolve } from "node:path";
import type { Location } from "vscode-languageserver";
import type { Arg, Ident, Span, Stmt } from "../grammar/ast.js";
import type { Analysis } from "./analysis.js";
import { visibleBlocks } from "./analysis.js";
import { pathToUri } from "./host.js";
import { contains, LineIndex } from "./positions.js";

/** The word under the cursor, with the body it stands in. */
interface Found {
  readonly name: string;
  readonly span: Span;
  readonly role: "head" | "arg" | "model";
  /** The model or block around it, if any. */
  readonly body: readonly Stmt[];
  readonly params: readonly Ident[];
}

function wordsOf(a: Arg): { name: string; span: Span }[] {
  if (a.kind === "name") return [a];
  if (a.kind === "list") return a.items.flatMap(wordsOf);
  if (a.kind === "binary") return [...wordsOf(a.left), ...wordsOf(a.right)];
  return [];
}

function find(a: Analysis, offset: number): Found | undefined {
  for (const item of a.file.items) {
    if (item.kind === "import" || !contains(item.span, offset)) continue;
    if (item.kind === "train" && contains(item.model.span, offset)) return { name: item.model.name, span: item.model.span, role: "model", body: [], params: [] };
    const params = item.kind === "block" ? item.params.map((p) => p.name) : [];
    const visit = (body: readonly Stmt[]): Found | undefined => {
      for (const s of body) {
        if (!contains(s.span, offset)) continue;
        if (s.kind === "repeat") return wordsOf(s.count).some((w) => contains(w.span, offset)) ? arg(wordsOf(s.count).find((w) => contains(w.span, offset))!) : visit(s.body);
        if (contains(s.head.span, offset)) return { name: s.head.name, span: s.head.span, role: "head", body: item.body, params };
        const w = s.args.flatMap(wordsOf).find((x) => contains(x.span, offset));
        if (w) return arg(w);
      }
      return undefined;
    };
    const arg = (w: { name: string; span: Span }): Found => ({ name: w.name, span: w.span, role: "arg", body: item.body, params });
    return visit(item.body);
  }
  return undefined;
}

/** The last `name = …` of the body that starts before `offset` (values are defined before they are used). */
function valueDefinition(body: readonly Stmt[], name: string, offset: number): Ident | undefined {
  let found: Ident | undefined;
  const visit = (b: readonly Stmt[]) => {
    for (const s of b) {
      if (s.kind === "repeat") visit(s.body);
      else if (s.target?.name === name && s.span.start < offset) found = s.target;
    }
  };
  visit(body);
  return found;
}

export function definition(a: Analysis, offset: number): Location | undefined {
  const at = (span: Span): Location => {
    const text = a.sources.get(span.file);
    return { uri: pathToUri(span.file), range: (span.file === a.path ? a.index : new LineIndex(text ?? "")).range(span) };
  };
  const imp = a.file.items.find((i) => i.kind === "import" && contains(i.span, offset));
  if (imp && imp.kind === "import") {
    // Resolved the way lsp/host.ts resolves imports for the compiler.
    const target = isAbsolute(imp.path) ? imp.path : resolve(dirname(a.path), imp.path);
    return a.sources.has(target) ? { uri: pathToUri(target), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } } : undefined;
  }
  const f = find(a, offset);
  if (!f) return undefined;
  if (f.role === "model") {
    const m = a.file.items.find((i) => i.kind === "model" && i.name.name === f.name);
    return m && m.kind === "model" ? at(m.name.span) : undefined;
  }
  if (f.role === "head") {
    const b = visibleBlocks(a).find((x) => x.name.name === f.name);
    return b ? at(b.name.span) : undefined;
  }
  const value = valueDefinition(f.body, f.name, offset);
  if (value) return at(value.span);
  const param = f.params.find((p) => p.name === f.name);
  return param ? at(param.span) : undefined;
}
