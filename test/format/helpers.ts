/** Shared checks for the formatter tests: what formatting must keep, compared independently of format/. */
import { expect } from "vitest";
import { parseSource } from "../../grammar/parse.js";
import { formatDnn } from "../../format/index.js";

/** The AST as plain data, spans and comments removed (the file path stays: both parses use the same). */
function shape(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(shape);
  if (node === null || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) if (k !== "span" && k !== "comments") out[k] = shape(v);
  return out;
}

/** Parse `text`, failing the test on any syntax error. */
export function parseClean(text: string) {
  const r = parseSource("t.dnn", text);
  expect(r.diagnostics.map((d) => `${d.code} ${d.message}`), `syntax errors in:\n${text}`).toEqual([]);
  return r.value;
}

/**
 * Format `source` (which must parse) and check the promises: the output parses to the same tree and
 * the same comments (trailing blanks aside), formatting it again changes nothing, no line ends in
 * blanks or is indented with a tab, no run of blank lines, one final line break. Returns the output.
 */
export async function formatAndCheck(source: string): Promise<string> {
  const before = parseClean(source);
  const out = await formatDnn(source);
  const after = parseClean(out);
  expect(shape(after), `tree changed; output:\n${out}`).toEqual(shape(before));
  expect(after.comments.map((c) => c.text), `comments changed; output:\n${out}`).toEqual(before.comments.map((c) => c.text.trimEnd()));
  expect(await formatDnn(out), `not idempotent; first output:\n${out}`).toBe(out);
  expect(out).not.toMatch(/[ \t]\n/);
  expect(out).not.toMatch(/^ *\t/m);
  expect(out).not.toMatch(/\n\n\n/);
  expect(out).not.toMatch(/^\n/);
  if (out !== "") expect(out.endsWith("\n") && !out.endsWith("\n\n")).toBe(true);
  return out;
}
