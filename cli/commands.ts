/** The `check` and `summary` commands: load, check, report. */
import type { Checked } from "../compiler/index.js";
import { checkFile, hasErrors } from "../compiler/index.js";
import { diagnosticToJson, renderDiagnostics } from "../compiler/render.js";
import { summarize, type ModelSummary } from "../compiler/summary.js";
import { lineStarts, positionAt } from "../compiler/source.js";
import { suggest } from "../compiler/suggest.js";
import type { Diagnostic } from "../compiler/diagnostics.js";
import { fsHost } from "./host.js";
import { bytes, si, table, thousands } from "./table.js";

export type OutputFormat = "text" | "json";

/** What a command prints and its exit code (0 ok, 1 errors in the input). */
export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: 0 | 1;
}

function unreadable(path: string): Diagnostic[] {
  return [{ code: "E105", severity: "error", message: `cannot read "${path}"`, span: { file: path, start: 0, end: 0 }, labels: [], notes: [], hint: "check the path; `dnnc check examples/mnist/*.dnn` checks several files" }];
}

function report(results: { path: string; checked: Checked; diagnostics: readonly Diagnostic[] }[], format: OutputFormat): { text: string; errors: boolean } {
  const all = results.flatMap((r) => r.diagnostics);
  const errors = hasErrors(all);
  if (format === "json") {
    const sources = new Map(results.flatMap((r) => [...(r.checked.program?.sources ?? new Map<string, string>())]));
    return { text: JSON.stringify({ ok: !errors, diagnostics: all.map((d) => diagnosticToJson(d, sources)) }, null, 2), errors };
  }
  const text = results
    .filter((r) => r.diagnostics.length > 0)
    .map((r) => renderDiagnostics(r.diagnostics, r.checked.program?.sources ?? new Map()))
    .join("\n\n");
  return { text, errors };
}

function load(path: string) {
  const host = fsHost();
  const r = checkFile(path, host);
  return { path, checked: r.value, diagnostics: r.value.program ? r.diagnostics : unreadable(path) };
}

/** `dnnc check FILE…`: every diagnostic of every file; "ok" lines when clean. */
export function checkCommand(paths: readonly string[], format: OutputFormat): CommandResult {
  const results = paths.map(load);
  const { text, errors } = report(results, format);
  if (format === "json") return { stdout: text + "\n", stderr: "", code: errors ? 1 : 0 };
  const oks = results
    .filter((r) => !hasErrors(r.diagnostics))
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
