/** Compiler diagnostics → LSP diagnostics for one open file. */
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic, type DiagnosticRelatedInformation } from "vscode-languageserver";
import type { Diagnostic } from "../compiler/diagnostics.js";
import { LineIndex } from "./positions.js";
import { pathToUri } from "./host.js";

const severity = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, bug: DiagnosticSeverity.Error } as const;

/**
 * The diagnostics whose span lies in `path`, with notes and the hint folded into the message (the
 * way `dnnc check` prints them below the caret) and labels as related locations.
 */
export function toLspDiagnostics(path: string, diagnostics: readonly Diagnostic[], sources: ReadonlyMap<string, string>): LspDiagnostic[] {
  const indexes = new Map<string, LineIndex>();
  const index = (file: string) => {
    if (!indexes.has(file)) indexes.set(file, new LineIndex(sources.get(file) ?? ""));
    return indexes.get(file)!;
  };
  return diagnostics
    .filter((d) => d.span.file === path)
    .map((d) => {
      const related: DiagnosticRelatedInformation[] = d.labels.filter((l) => sources.has(l.span.file)).map((l) => ({ location: { uri: pathToUri(l.span.file), range: index(l.span.file).range(l.span) }, message: l.message }));
      const extra = [...d.notes.map((n) => `note: ${n}`), ...(d.hint ? [`help: ${d.hint}`] : [])];
      return {
        range: index(path).range(d.span),
        severity: severity[d.severity],
        code: d.code,
        source: "dnnc",
        message: [d.message, ...extra].join("\n"),
        ...(related.length ? { relatedInformation: related } : {}),
      };
    });
}
