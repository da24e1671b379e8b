/** The `check` and `summary` commands: load, check, report. */
import type { Checked } from "../compiler/index.js";
import { checkFile, hasErrors } from "../compiler/index.js";
import { diagnosticToJson, renderDiagnostics } from "../compiler/render.js";
import { summarize, type ModelSummary } from "../compiler/summary.js";
import { lineStarts, positionAt } from "../compiler/source.js";
import { suggest } from "../compiler/suggest.js";
import type { Diagnostic } from "../compiler/diagnostics.js";
import { fsHost } from "./host.js";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { bytes, si, table, thousands } from "./table.js";

export type OutputFormat = "text" | "json";

/** What a command prints and its exit code (0 ok, 1 errors in the input). */
export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: 0 | 1;
}

function report(results: readonly Loaded[], format: OutputFormat): { text: string; errors: boolean } {
  const all = results.flatMap((r) => r.diagnostics);
  const errors = hasErrors(all) || results.some((r) => r.unreadable);
  if (format === "json") {
    const sources = new Map(results.flatMap((r) => [...(r.checked.program?.sources ?? new Map<string, string>())]));
    const unreadable = results.filter((r) => r.unreadable).map((r) => ({ file: r.path, reason: r.unreadable }));
    return { text: JSON.stringify({ ok: !errors, diagnostics: all.map((d) => diagnosticToJson(d, sources)), unreadable }, null, 2), errors };
  }
  const text = [unreadableLines(results), ...results.filter((r) => r.diagnostics.length > 0).map((r) => renderDiagnostics(r.diagnostics, r.checked.program?.sources ?? new Map()))]
    .filter((t) => t !== "")
    .join("\n\n");
  return { text, errors };
}

interface Loaded {
  readonly path: string;
  readonly checked: Checked;
  readonly diagnostics: readonly Diagnostic[];
  /** Why the file itself could not be read ("no such file"), when it could not. */
  readonly unreadable: string | undefined;
}

function load(path: string): Loaded {
  const host = fsHost();
  const r = checkFile(path, host);
  const read = r.value.program ? undefined : host.read(path);
  return { path, checked: r.value, diagnostics: r.diagnostics, unreadable: read && "error" in read ? read.error : r.value.program ? undefined : "unreadable" };
}

/** Directories stand for every .dnn file below them, in sorted order. */
export function expandDirectories(paths: readonly string[]): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))
      .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith(".dnn") ? [join(dir, e.name)] : []));
  return paths.flatMap((p) => {
    try {
      return statSync(p).isDirectory() ? walk(p) : [p];
    } catch {
      return [p];
    }
  });
}

/** One line per file that could not be read: `error: cannot read "x.dnn": no such file`. */
function unreadableLines(results: readonly Loaded[]): string {
  return results
    .filter((r) => r.unreadable)
    .map((r) => `error: cannot read "${r.path}": ${r.unreadable}`)
    .join("\n");
}

/** `dnnc check FILE…`: every diagnostic of every file; "ok" lines when clean. */
export function checkCommand(paths: readonly string[], format: OutputFormat): CommandResult {
  const results = expandDirectories(paths).map(load);
  const { text, errors } = report(results, format);
  if (format === "json") return { stdout: text + "\n", stderr: "", code: errors ? 1 : 0 };
  const oks = results
    .filter((r) => !hasErrors(r.diagnostics) && !r.unreadable)
    .map((r) => {
      const c = r.checked.checked;
      const models = c?.models.length ?? 0;
      const trains = c?.trainings.length ?? 0;
      return `ok ${r.path}: ${models} model${models === 1 ? "" : "s"}, ${trains} training spec${trains === 1 ? "" : "s"}`;
    });
  return { stdout: oks.length ? oks.join("\n") + "\n" : "", stderr: text ? text + "\n" : "", code: errors ? 1 : 0 };
}

/** `dnnc summary FILE [--model NAME] [--batch N]`: a Keras-like table per model. */
export function summaryCommand(path: string, opts: { model?: string; batch?: number; format: OutputFormat }): CommandResult {
  const r = load(path);
  const { text, errors } = report([r], opts.format === "json" ? "text" : "text");
  if (errors || !r.checked.checked || !r.checked.program) return { stdout: "", stderr: text + "\n", code: 1 };
  const checked = r.checked.checked;
  let models = checked.models;
  if (opts.model) {
    models = models.filter((m) => m.name === opts.model);
    if (models.length === 0) {
      const s = suggest(opts.model, checked.models.map((m) => m.name));
      const names = checked.models.map((m) => m.name).join(", ") || "none";
      return { stdout: "", stderr: `error: ${path} has no model named \`${opts.model}\`${s ? ` — did you mean \`${s}\`?` : ""} (models: ${names})\n`, code: 1 };
    }
  }
  const starts = lineStarts(r.checked.program.sources.get(path) ?? "");
  const lineOf = (o: number) => positionAt(starts, o).line;
  const summaries = models.map((m) => summarize(m, checked.trainings.find((t) => t.model === m.name), lineOf, opts.batch));
  if (opts.format === "json") return { stdout: JSON.stringify(summaries, null, 2) + "\n", stderr: text ? text + "\n" : "", code: 0 };
  return { stdout: summaries.map((s) => renderSummary(s, path)).join("\n\n") + "\n", stderr: text ? text + "\n" : "", code: 0 };
}

/** The text form of one model summary. */
export function renderSummary(s: ModelSummary, path: string): string {
  const rows = s.rows.map((r) => [String(r.line), r.name ? `${r.name} = ${r.layer}` : r.layer, r.output, thousands(r.params), thousands(r.flops), r.note ?? ""]);
  const out = [
    `model ${s.model} (${path})`,
    table(["line", "layer", "output", "params", "FLOPs", ""], rows, [true, false, false, true, true, false]),
    "",
    `parameters: ${thousands(s.trainableParams)} trainable${s.nonTrainableParams ? `, ${thousands(s.nonTrainableParams)} non-trainable (running statistics)` : ""}`,
    `FLOPs per example: ${si(s.flopsPerExample)} forward, ≈ ${si(3 * s.flopsPerExample)} per training example (forward + backward ≈ 3× forward)`,
    `training memory at batch ${s.batch}: ≈ ${bytes(s.trainingBytes)} (weights, gradients, optimizer state, activations and their gradients)`,
  ];
  for (const r of s.regularization) out.push(`regularisation: ${r}`);
  return out.join("\n");
}
