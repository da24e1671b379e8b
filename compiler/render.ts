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

interface Mark {
  readonly loc: Located;
  readonly char: string;
  readonly label: string;
}

function markRow(sources: SourceMap, m: Mark, gutter: number): string {
  const text = sources.get(m.loc.span.file)!;
  const src = lineText(text, lineStarts(text), m.loc.start.line);
  const from = m.loc.start.col - 1;
  const to = m.loc.end.line === m.loc.start.line ? m.loc.end.col : src.length;
  const marks = " ".repeat(from) + m.char.repeat(Math.max(1, to - from)) + (m.label ? ` ${m.label}` : "");
  return `${" ".repeat(gutter)} | ${marks.trimEnd()}`;
}

/** Source lines of one file with their marks underneath, in line order, "..." between gaps. */
function snippet(sources: SourceMap, marks: readonly Mark[], gutter: number): string[] {
  const out: string[] = [];
  const byLine = new Map<number, Mark[]>();
  for (const m of marks) byLine.set(m.loc.start.line, [...(byLine.get(m.loc.start.line) ?? []), m]);
  let last = -1;
  for (const line of [...byLine.keys()].sort((a, b) => a - b)) {
    const file = marks[0]!.loc.span.file;
    const text = sources.get(file)!;
    if (last !== -1 && line > last + 1) out.push(`${" ".repeat(gutter)} ...`);
    out.push(`${String(line).padStart(gutter)} | ${lineText(text, lineStarts(text), line)}`);
    for (const m of byLine.get(line)!) out.push(markRow(sources, m, gutter));
    last = line;
  }
  return out;
}

/** Render one diagnostic the way rustc does: header, location, source line, carets, notes. */
export function renderDiagnostic(d: Diagnostic, sources: SourceMap): string {
  const out: string[] = [`${d.severity}[${d.code}]: ${d.message}`];
  const primary = locate(sources, d.span);
  const labels = d.labels.flatMap((l) => {
    const loc = locate(sources, l.span);
    return loc ? [{ loc, char: "-", label: l.message }] : [];
  });
  const lines = [primary?.start.line ?? 1, ...labels.map((x) => x.loc.start.line)];
  const gutter = String(Math.max(...lines)).length;
  const pad = " ".repeat(gutter);
  out.push(`${pad}--> ${spanLocation(sources, d.span)}`);
  if (primary) {
    out.push(`${pad} |`);
    out.push(...snippet(sources, [{ loc: primary, char: "^", label: "" }, ...labels.filter((l) => l.loc.span.file === d.span.file)], gutter));
    const others = new Map<string, Mark[]>();
    for (const l of labels) if (l.loc.span.file !== d.span.file) others.set(l.loc.span.file, [...(others.get(l.loc.span.file) ?? []), l]);
    for (const marks of others.values()) {
      out.push(`${pad}::: ${spanLocation(sources, marks[0]!.loc.span)}`);
      out.push(...snippet(sources, marks, gutter));
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
