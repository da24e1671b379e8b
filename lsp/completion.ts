/**
 * Completion from the tokens before the cursor: at the start of a statement, the heads that fit where
 * it stands (layer kinds and blocks in a model or block, settings in `train`, keywords at the top);
 * after a head, its options, flag words and unit words; after an option, the words it takes; after
 * `from` or in `add`/`concat`, the named values defined above.
 */
import { CompletionItemKind, type CompletionItem } from "vscode-languageserver";
import type { IToken } from "chevrotain";
import { dnnLexer } from "../grammar/tokens.js";
import type { Analysis } from "./analysis.js";
import { flatStatements, visibleBlocks } from "./analysis.js";
import { headOf, keywords, layerHeads, settingHeads, unitWords, valueWords, type Head } from "./vocabulary.js";

type Where = "top" | "model" | "train";

const separators = new Set(["Newline", "Semicolon", "Arrow", "LBrace", "RBrace"]);

/** Where the cursor stands (inside which kind of body) and the tokens of its statement so far. */
function context(tokens: readonly IToken[]): { where: Where; statement: IToken[] } {
  const open: Where[] = [];
  let opener: Where = "top";
  let statement: IToken[] = [];
  for (const t of tokens) {
    const name = t.tokenType.name;
    if (name === "Model" || name === "Block") opener = "model";
    else if (name === "Train") opener = "train";
    // `repeat N {` opens a body of the same kind as the one around it.
    if (name === "LBrace") open.push(opener !== "top" ? opener : (open[open.length - 1] ?? "model"));
    if (name === "RBrace") open.pop();
    if (name === "LBrace" || name === "RBrace") opener = "top";
    statement = separators.has(name) ? [] : [...statement, t];
  }
  return { where: open[open.length - 1] ?? "top", statement };
}

function headItem(h: Head): CompletionItem {
  return { label: h.word, kind: h.kind === "layer" ? CompletionItemKind.Function : CompletionItemKind.Property, detail: h.usage, documentation: h.doc };
}

function words(list: readonly string[], kind: CompletionItemKind, detail: string): CompletionItem[] {
  return [...new Set(list)].map((w) => ({ label: w, kind, detail }));
}

/** Names given with `name = …` earlier in the model or block around `offset`. */
function namesAbove(a: Analysis, offset: number): string[] {
  const item = a.file.items.find((i) => (i.kind === "model" || i.kind === "block") && i.span.start <= offset && offset <= i.span.end);
  if (!item || item.kind === "import" || item.kind === "train") return [];
  return flatStatements(item.body)
    .filter((s) => s.target && s.span.end <= offset)
    .map((s) => s.target!.name);
}

export function complete(a: Analysis, offset: number): CompletionItem[] {
  const before = dnnLexer.tokenize(a.text.slice(0, offset)).tokens;
  // A word being typed is replaced by the completion: context comes from the tokens before it.
  const last = before[before.length - 1];
  const typing = last && last.endOffset !== undefined && last.endOffset + 1 === offset && /^[A-Za-z_]/.test(last.image);
  const { where, statement } = context(typing ? before.slice(0, -1) : before);
  const words_ = statement.filter((t) => t.tokenType.name !== "Equals");
  const startsStatement = statement.length === 0 || (statement.length === 2 && statement[1]!.tokenType.name === "Equals");

  if (where === "top") return statement.length === 0 ? words(keywords.filter((k) => k !== "repeat"), CompletionItemKind.Keyword, "keyword") : [];
  if (startsStatement) {
    if (where === "train") return settingHeads.map(headItem);
    const blocks = visibleBlocks(a).map((b): CompletionItem => ({ label: b.name.name, kind: CompletionItemKind.Module, detail: `block ${b.name.name}(${b.params.map((p) => p.name.name).join(", ")})` }));
    return [...layerHeads.map(headItem), ...blocks, ...(statement.length === 0 ? [{ label: "repeat", kind: CompletionItemKind.Keyword, detail: "repeat N { statements }" }] : [])];
  }
  const headToken = statement[1]?.tokenType.name === "Equals" ? statement[2] : statement[0];
  const head = headToken ? headOf(headToken.image) : undefined;
  if (!head) return [];
  const previous = words_[words_.length - 1];
  if (previous && previous !== headToken && previous.tokenType.name === "Identifier") {
    if (previous.image === "from") return words(namesAbove(a, offset), CompletionItemKind.Variable, "named value");
    const option = head.args.options[previous.image];
    const values = option ? valueWords(option) : [];
    if (values.length) return words(values, CompletionItemKind.EnumMember, `value of \`${previous.image}\``);
  }
  if (head.args.rest) return words(namesAbove(a, offset), CompletionItemKind.Variable, "named value");
  return [
    ...words(Object.keys(head.args.options), CompletionItemKind.Field, `option of \`${head.word}\``),
    ...Object.entries(head.args.flags).flatMap(([group, f]) => words(f.words, CompletionItemKind.EnumMember, `${group} of \`${head.word}\``)),
    ...words(unitWords(head.args), CompletionItemKind.Keyword, "unit word"),
  ];
}
