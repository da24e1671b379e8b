/** Document formatting through the formatter of format/: one edit replacing the whole text. */
import type { TextEdit } from "vscode-languageserver";
import { formatSource } from "../format/index.js";
import { LineIndex } from "./positions.js";

/**
 * The edits that format `text`: none when it is already formatted, and none when it has syntax
 * errors (the diagnostics already show them; a file that does not parse is left as it is).
 */
export async function formatEdits(text: string, path = "input.dnn"): Promise<TextEdit[]> {
  const r = await formatSource(path, text);
  if (r.text === undefined || r.text === text) return [];
  const index = new LineIndex(text);
  return [{ range: { start: { line: 0, character: 0 }, end: index.position(text.length) }, newText: r.text }];
}
