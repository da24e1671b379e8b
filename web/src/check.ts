/**
 * The page's view of the compiler: check the editor's text (with the bundled examples as files it
 * may import), list its diagnostics by line, summarize its models, and compile the trained model
 * for a device. The same functions `dnnc check`, `dnnc summary` and `dnnc train` call.
 */
import { checkFile, memoryHost, type CheckedProgram, type Program } from "../../compiler/index.js";
import { renderDiagnostic } from "../../compiler/render.js";
import { lineStarts, positionAt } from "../../compiler/source.js";
import { summarize, type ModelSummary } from "../../compiler/summary.js";
import { compileModel, CompileError, portableTarget, type CompiledModel, type TargetOptions } from "../../compiler/emit/compile.js";

/** One diagnostic of the edited file, located for the editor. */
export interface PageDiagnostic {
  readonly code: string;
  readonly severity: "error" | "warning" | "bug";
  readonly message: string;
  /** 1-based line and column of the span's start; the span's offsets in the text. */
  readonly line: number;
  readonly col: number;
  readonly start: number;
  readonly end: number;
  /** The whole diagnostic as the CLI prints it (source line, carets, notes, help). */
  readonly rendered: string;
}

export interface CheckOutcome {
  readonly path: string;
  readonly diagnostics: readonly PageDiagnostic[];
  readonly errors: number;
  readonly summaries: readonly ModelSummary[];
  readonly program: Program | undefined;
  readonly checked: CheckedProgram | undefined;
}

/**
 * Checks `text` as the file `path`; `library` holds other files it may import (path → text).
 * Diagnostics located in other files are reported at the import that brought them in (line 1 when unknown).
 */
export function checkSource(text: string, path: string, library: ReadonlyMap<string, string> = new Map()): CheckOutcome {
  const files = new Map(library);
  files.set(path, text);
  const r = checkFile(path, memoryHost(files));
  const program = r.value.program;
  const sources = program?.sources ?? files;
  const starts = lineStarts(text);
  const diagnostics = r.diagnostics.map((d): PageDiagnostic => {
    const here = d.span.file === path;
    const start = here ? d.span.start : 0;
    const end = here ? Math.max(d.span.end, d.span.start + 1) : 0;
    const at = positionAt(starts, start);
    return { code: d.code, severity: d.severity, message: d.message, line: at.line, col: at.col, start, end, rendered: renderDiagnostic(d, sources) };
  });
  const checked = r.value.checked;
  const summaries = checked
    ? checked.models.filter((m) => m.span.file === path && m.complete).map((m) => summarize(m, checked.trainings.find((t) => t.model === m.name), (offset) => positionAt(starts, offset).line))
    : [];
  return { path, diagnostics, errors: diagnostics.filter((d) => d.severity !== "warning").length, summaries, program, checked };
}

/** Compiles the file's trained model for `target`; throws CompileError with a one-line reason. */
export function compileChecked(outcome: CheckOutcome, target: TargetOptions = portableTarget): CompiledModel {
  if (outcome.errors > 0 || !outcome.program || !outcome.checked) {
    throw new CompileError(`${outcome.path} has ${outcome.errors} error${outcome.errors === 1 ? "" : "s"}; fix ${outcome.errors === 1 ? "it" : "them"} to train`);
  }
  return compileModel(outcome.program, outcome.checked, outcome.path, target);
}
