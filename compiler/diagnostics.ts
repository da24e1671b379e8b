/** Diagnostics are values: a code, a severity, one specific message, a primary span, notes, help. */
import type { Span } from "../grammar/ast.js";

export type Severity = "error" | "warning" | "bug";

/** A secondary span with a short label ("first defined here"). */
export interface Label {
  readonly span: Span;
  readonly message: string;
}

export interface Diagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly span: Span;
  readonly labels: readonly Label[];
  readonly notes: readonly string[];
  readonly hint: string | undefined;
}

/** A phase's result: its value and everything it had to say. */
export interface Result<T> {
  readonly value: T;
  readonly diagnostics: readonly Diagnostic[];
}

/** True when any diagnostic is an error or a bug. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity !== "warning");
}

/** Order diagnostics by file, then position, keeping the order of equal positions. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics
    .map((d, i) => ({ d, i }))
    .sort((a, b) => a.d.span.file.localeCompare(b.d.span.file) || a.d.span.start - b.d.span.start || a.i - b.i)
    .map((x) => x.d);
}

/** A collector threaded through one phase; never global. */
export class DiagnosticBag {
  readonly items: Diagnostic[] = [];
  add(d: Diagnostic): void {
    this.items.push(d);
  }
  addAll(ds: readonly Diagnostic[]): void {
    for (const d of ds) this.items.push(d);
  }
  get hasErrors(): boolean {
    return hasErrors(this.items);
  }
}
