/**
 * Syntax highlighting for the editor, from the compiler's own lexer: each token becomes a span whose
 * class says what it is (structural keyword, layer kind, training setting, number, size, string,
 * comment); text the lexer rejects stays plain, and the checker reports it.
 */
import { dnnLexer } from "../../grammar/tokens.js";
import { layerDefs } from "../../compiler/layers/index.js";
import { settings } from "../../compiler/train/settings.js";

export type TokenClass = "keyword" | "layer" | "setting" | "number" | "dims" | "string" | "comment" | "name" | "punct";

/** A highlighted range of the text. */
export interface Highlight {
  readonly start: number;
  readonly end: number;
  readonly cls: TokenClass;
}

function classOf(tokenName: string, image: string): TokenClass {
  switch (tokenName) {
    case "Comment":
      return "comment";
    case "NumberLiteral":
      return "number";
    case "Dims":
      return "dims";
    case "StringLiteral":
      return "string";
    case "Identifier":
      return layerDefs.has(image) ? "layer" : Object.hasOwn(settings, image) ? "setting" : "name";
    case "Model":
    case "Block":
    case "Train":
    case "Import":
    case "Repeat":
      return "keyword";
    default:
      return "punct";
  }
}

/** The highlighted ranges of `text`, in order, not overlapping. */
export function highlights(text: string): Highlight[] {
  const lexed = dnnLexer.tokenize(text);
  const tokens = [...lexed.tokens, ...(lexed.groups["comments"] ?? [])].filter((t) => t.tokenType.name !== "Newline");
  return tokens
    .map((t) => ({ start: t.startOffset, end: t.startOffset + t.image.length, cls: classOf(t.tokenType.name, t.image) }))
    .sort((a, b) => a.start - b.start);
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

/**
 * `text` as HTML with `ranges` wrapped in `<span class="PREFIX-CLASS">`; the rest escaped as is.
 * Ranges must be in order and not overlap.
 */
export function wrapRanges(text: string, ranges: readonly { start: number; end: number; cls: string }[], prefix: string): string {
  let out = "";
  let at = 0;
  for (const r of ranges) {
    if (r.start < at) continue;
    out += escapeHtml(text.slice(at, r.start));
    out += `<span class="${prefix}-${r.cls}">${escapeHtml(text.slice(r.start, r.end))}</span>`;
    at = r.end;
  }
  return out + escapeHtml(text.slice(at));
}

/** The editor's highlight layer for `text`. */
export function highlightHtml(text: string): string {
  // A trailing newline needs a character after it, or the layer is one line shorter than the textarea.
  return wrapRanges(text, highlights(text), "tok") + (text.endsWith("\n") ? " " : "");
}
