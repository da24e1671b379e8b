/** One checked snapshot of an open document: its AST, imports, checked models and diagnostics. */
import { checkFile, type Diagnostic, type SourceHost } from "../compiler/index.js";
import type { CheckedProgram } from "../compiler/checked.js";
import type { BlockDecl, DnnFile, Stmt, Statement } from "../grammar/ast.js";
import { parseSource } from "../grammar/parse.js";
import { LineIndex } from "./positions.js";

export interface Analysis {
  readonly path: string;
  readonly text: string;
  readonly index: LineIndex;
  readonly file: DnnFile;
  readonly imports: readonly DnnFile[];
  readonly sources: ReadonlyMap<string, string>;
  readonly checked: CheckedProgram | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

export function analyze(path: string, text: string, host: SourceHost): Analysis {
  const r = checkFile(path, host);
  const program = r.value.program;
  const file = program?.entry ?? parseSource(path, text).value;
  return {
    path,
    text,
    index: new LineIndex(text),
    file,
    imports: program?.imports ?? [],
    sources: program?.sources ?? new Map([[path, text]]),
    checked: r.value.checked,
    diagnostics: r.diagnostics,
  };
}

/** Blocks visible from the file: its own first, then those of its imports. */
export function visibleBlocks(a: Analysis): BlockDecl[] {
  return [a.file, ...a.imports].flatMap((f) => f.items.filter((i): i is BlockDecl => i.kind === "block"));
}

/** Statements of a body, repeats flattened, in source order. */
export function flatStatements(body: readonly Stmt[]): Statement[] {
  return body.flatMap((s) => (s.kind === "repeat" ? flatStatements(s.body) : [s]));
}
