/** Rendering diagnostics: rustc-style text with carets, or JSON for tools. Pure functions. */
import type { Span } from "../grammar/ast.js";
import type { Diagnostic } from "./diagnostics.js";
import { lineStarts, lineText, positionAt, type Position } from "./source.js";

/** The texts of the files diagnostics may point into, by path. */
export type SourceMap = ReadonlyMap<string, string>;

interface Located {
  readonly span: Span;
  readonly start: Position;
  readonly end: Position;
}

function locate(sources: SourceMap, span: Span): Located | undefined {
  const text = sources.get(span.file);
  if (text === undefined) return undefined;
  const starts = lineStarts(text);
  return { span, start: positionAt(starts, span.start), end: positionAt(starts, Math.max(span.start, span.end - 1)) };
}

/** `file:line:col` of a span's start. */
export function spanLocation(sources: SourceMap, span: Span): string {
  const loc = locate(sources, span);
  return loc ? `${span.file}:${loc.start.line}:${loc.start.col}` : span.file;
}

function underline(sources: SourceMap, loc: Located, mark: string, gutter: number, label: string): string[] {
  const text = sources.get(loc.span.file)!;
  const starts = lineStarts(text);
  const src = lineText(text, starts, loc.start.line);
  const from = loc.start.col - 1;
  const to = loc.end.line === loc.start.line ? loc.end.col : src.length;
  const width = Math.max(1, to - from);
  const pad = " ".repeat(gutter);
  const num = String(loc.start.line).padStart(gutter);
  const marks = " ".repeat(from) + mark.repeat(width) + (label ? ` ${label}` : "");
  return [`${num} | ${src}`, `${pad} | ${marks.trimEnd()}`];
}

/** Render one diagnostic the way rustc does: header, location, source line, carets, notes. */
export function renderDiagnostic(d: Diagnostic, sources: SourceMap): string {
  const out: string[] = [`${d.severity}[${d.code}]: ${d.message}`];
  const primary = locate(sources, d.span);
  const labels = d.labels.map((l) => ({ l, loc: locate(sources, l.span) }));
  const lines = [primary?.start.line ?? 1, ...labels.map((x) => x.loc?.start.line ?? 1)];
  const gutter = String(Math.max(...lines)).length;
  const pad = " ".repeat(gutter);
  out.push(`${pad}--> ${spanLocation(sources, d.span)}`);
  if (primary) {
    // Secondary labels in the same file print in line order around the primary one.
    const snippets: { line: number; rows: string[]; file: string }[] = [{ line: primary.start.line, rows: underline(sources, primary, "^", gutter, ""), file: d.span.file }];
    for (const { l, loc } of labels) {
      if (!loc) continue;
      snippets.push({ line: loc.start.line, rows: underline(sources, loc, "-", gutter, l.message), file: l.span.file });
    }
    const same = snippets.filter((s) => s.file === d.span.file).sort((a, b) => a.line - b.line);
    const other = snippets.filter((s) => s.file !== d.span.file);
    out.push(`${pad} |`);
    let last = -1;
    for (const s of same) {
      if (last !== -1 && s.line > last + 1) out.push(`${pad} ...`);
      out.push(...s.rows);
      last = s.line;
    }
    for (const s of other) {
      out.push(`${pad}::: ${spanLocation(sources, { file: s.file, start: 0, end: 0 }).split(":")[0]}:${s.line}`);
      out.push(...s.rows);
    }
  }
  if (d.notes.length > 0 || d.hint) out.push(`${pad} |`);
  for (const n of d.notes) out.push(`${pad} = note: ${n}`);
  if (d.hint) out.push(`${pad} = help: ${d.hint}`);
  return out.join("\n");
}

/** Render many diagnostics followed by a one-line count, e.g. "2 errors, 1 warning". */
export function renderDiagnostics(ds: readonly Diagnostic[], sources: SourceMap): string {
  const parts = ds.map((d) => renderDiagnostic(d, sources));
  const errors = ds.filter((d) => d.severity !== "warning").length;
  const warnings = ds.length - errors;
  if (ds.length > 0) parts.push(summaryLine(errors, warnings));
  return parts.join("\n\n");
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** "2 errors, 1 warning" — the last line of a text report. */
export function summaryLine(errors: number, warnings: number): string {
  const bits = [];
  if (errors > 0) bits.push(plural(errors, "error"));
  if (warnings > 0) bits.push(plural(warnings, "warning"));
  return bits.join(", ");
}

/** JSON form for tools: positions are 1-based line/col plus byte offsets. */
export function diagnosticToJson(d: Diagnostic, sources: SourceMap): object {
  const at = (span: Span) => {
    const loc = locate(sources, span);
    return {
      file: span.file,
      start: { offset: span.start, line: loc?.start.line ?? 0, col: loc?.start.col ?? 0 },
      end: { offset: span.end, line: loc?.end.line ?? 0, col: (loc?.end.col ?? -1) + 1 },
    };
  };
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    span: at(d.span),
    labels: d.labels.map((l) => ({ message: l.message, span: at(l.span) })),
    notes: d.notes,
    hint: d.hint ?? null,
  };
}
