/** Shared helpers for the compiler tests: check a source string in memory, read the examples. */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { checkFile, memoryHost, renderDiagnostics, type Diagnostic } from "../../compiler/index.js";
import type { Checked } from "../../compiler/index.js";

/** The repository root (tests may run from any working directory). */
export const root = fileURLToPath(new URL("../../", import.meta.url));

/** Check `source` as file `path`, with `others` available to imports. */
export function check(source: string, path = "test.dnn", others: Record<string, string> = {}): { diagnostics: readonly Diagnostic[]; value: Checked; text: string } {
  const r = checkFile(path, memoryHost({ ...others, [path]: source }));
  return { diagnostics: r.diagnostics, value: r.value, text: renderDiagnostics(r.diagnostics, r.value.program?.sources ?? new Map()) };
}

/** Codes of the diagnostics, in report order. */
export function codes(ds: readonly Diagnostic[]): string[] {
  return ds.map((d) => d.code);
}

/** Every .dnn file under examples/, as repository-relative paths with forward slashes, sorted. */
export function exampleFiles(): string[] {
  const dir = join(root, "examples");
  return (readdirSync(dir, { recursive: true, encoding: "utf8" }) as string[])
    .filter((f) => f.endsWith(".dnn"))
    .map((f) => relative(root, join(dir, f)).split("\\").join("/"))
    .sort();
}

/** Every example's text keyed by its repository-relative path, so imports between examples resolve. */
export function exampleSources(): Record<string, string> {
  return Object.fromEntries(exampleFiles().map((f) => [f, readFileSync(join(root, f), "utf8")]));
}

/** Check one example file, with every other example available to its imports. */
export function checkExample(path: string): ReturnType<typeof checkFile> {
  return checkFile(path, memoryHost(exampleSources()));
}
