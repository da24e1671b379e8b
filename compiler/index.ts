/**
 * The compiler's front door. The phases, in order:
 *   load (lex, parse, follow imports) → check (names, arguments, shapes, training) → summarize.
 * Code generation (lower → autodiff → schedule → render → emit) builds on the checked program.
 */
import type { Diagnostic, Result } from "./diagnostics.js";
import { hasErrors, sortDiagnostics } from "./diagnostics.js";
import type { CheckedProgram } from "./checked.js";
import { loadProgram, type Program, type SourceHost } from "./load.js";
import { checkProgram } from "./check/program.js";

export interface Checked {
  readonly program: Program | undefined;
  readonly checked: CheckedProgram | undefined;
}

/** Load and check one file; every independent mistake comes back as a diagnostic. */
export function checkFile(path: string, host: SourceHost): Result<Checked> {
  const loaded = loadProgram(path, host);
  if (!loaded.value) return { value: { program: undefined, checked: undefined }, diagnostics: loaded.diagnostics };
  const checked = checkProgram(loaded.value);
  const diagnostics: Diagnostic[] = sortDiagnostics([...loaded.diagnostics, ...checked.diagnostics]);
  return { value: { program: loaded.value, checked: checked.value }, diagnostics };
}

export { hasErrors };
export type { SourceHost, Program, CheckedProgram, Diagnostic };
export { memoryHost } from "./load.js";
export { summarize } from "./summary.js";
export { renderDiagnostics, diagnosticToJson } from "./render.js";
