/**
 * Formatting .dnn source: `formatDnn(source)` for callers that know their source parses, and
 * `formatSource(path, source)` for tools that report syntax errors (the `dnnc fmt` command, editors).
 * Both check their own output: it must parse to the same tree, spans aside, with the same comments.
 */
import { format } from "prettier";
import type { Diagnostic } from "../compiler/diagnostics.js";
import { parseSource } from "../grammar/parse.js";
import { dnnPlugin } from "./plugin.js";
import { sameTree } from "./same.js";

export { dnnPlugin, DnnSyntaxError } from "./plugin.js";
export { sameTree, withoutSpans, commentTexts } from "./same.js";

/** The formatted text, or the syntax errors that keep a file from being formatted. */
export type Formatted = { readonly text: string; readonly diagnostics: readonly [] } | { readonly text: undefined; readonly diagnostics: readonly Diagnostic[] };

/** A source that has syntax errors cannot be formatted; the diagnostics say why. */
export class FormatError extends Error {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map((d) => `${d.code}: ${d.message}`).join("; "));
    this.name = "FormatError";
  }
}

/** Format `source` (as file `path`, for the diagnostics); syntax errors come back instead of text. */
export async function formatSource(path: string, source: string): Promise<Formatted> {
  const parsed = parseSource(path, source);
  if (parsed.diagnostics.length > 0) return { text: undefined, diagnostics: parsed.diagnostics };
  const text = await format(source, { parser: "dnn", plugins: [dnnPlugin], filepath: path, printWidth: 100, tabWidth: 2, useTabs: false, endOfLine: "lf" });
  const again = parseSource(path, text);
  if (again.diagnostics.length > 0 || !sameTree(parsed.value, again.value)) {
    throw new Error(`formatting ${path} would change its meaning or lose a comment; the file was left as it is`);
  }
  return { text, diagnostics: [] };
}

/** Format `source`; throws a FormatError when it has syntax errors. */
export async function formatDnn(source: string): Promise<string> {
  const r = await formatSource("input.dnn", source);
  if (r.text === undefined) throw new FormatError(r.diagnostics);
  return r.text;
}
