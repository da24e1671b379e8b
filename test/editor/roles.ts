/**
 * The scope each lexer token should get, decided without the TextMate grammar: punctuation,
 * literals and keywords by token type, words by the role the parser and the checker's tables give
 * them (model name, block parameter, layer head, option of that head, flag, unit word, …).
 */
import type { IToken } from "chevrotain";
import type { Arg, DnnFile, Stmt } from "../../grammar/ast.js";
import { parseSource } from "../../grammar/parse.js";
import { dnnLexer } from "../../grammar/tokens.js";
import { lineStarts, positionAt } from "../../compiler/source.js";
import { allOptions, allUnitWords, allValueWords, flagWords, headOf, unitWords, valueWords } from "../../lsp/vocabulary.js";

export const byTokenType: Readonly<Record<string, string>> = {
  Comment: "comment.line.number-sign.dnn",
  Arrow: "keyword.operator.arrow.dnn",
  Dims: "constant.numeric.size.dnn",
  NumberLiteral: "constant.numeric.dnn",
  StringLiteral: "string.quoted.double.dnn",
  Model: "storage.type.model.dnn",
  Block: "storage.type.block.dnn",
  Train: "storage.type.train.dnn",
  Import: "keyword.control.import.dnn",
  Repeat: "keyword.control.repeat.dnn",
  LBrace: "punctuation.section.block.begin.dnn",
  RBrace: "punctuation.section.block.end.dnn",
  LParen: "punctuation.section.parens.begin.dnn",
  RParen: "punctuation.section.parens.end.dnn",
  LBracket: "punctuation.section.brackets.begin.dnn",
  RBracket: "punctuation.section.brackets.end.dnn",
  Comma: "punctuation.separator.comma.dnn",
  Equals: "keyword.operator.assignment.dnn",
  Semicolon: "punctuation.terminator.statement.dnn",
  Star: "keyword.operator.arithmetic.dnn",
  Slash: "keyword.operator.arithmetic.dnn",
};

export const wordScopes = {
  modelName: "entity.name.type.model.dnn",
  blockName: "entity.name.function.block.dnn",
  parameter: "variable.parameter.block.dnn",
  target: "variable.other.definition.dnn",
  layer: "support.function.layer.dnn",
  setting: "keyword.other.setting.dnn",
  blockUse: "entity.name.function.call.dnn",
  option: "entity.other.attribute-name.option.dnn",
  value: "constant.language.dnn",
  unit: "keyword.other.unit.dnn",
  name: "variable.other.dnn",
} as const;

/** A word's meaning anywhere in the language: a unit word, a flag or value word, an option, or a name. */
function anywhere(word: string, next: Arg | undefined): string {
  if (next?.kind === "list") return wordScopes.option;
  if (allUnitWords.has(word)) return wordScopes.unit;
  if (allValueWords.has(word) && word !== "on") return wordScopes.value;
  if (allOptions.has(word)) return wordScopes.option;
  return wordScopes.name;
}

/** Words inside an argument (lists, expressions) are names or values. */
function nestedWords(a: Arg, out: Map<number, string>): void {
  if (a.kind === "name") out.set(a.span.start, anywhere(a.name, undefined));
  else if (a.kind === "list") a.items.forEach((x) => nestedWords(x, out));
  else if (a.kind === "binary") [a.left, a.right].forEach((x) => nestedWords(x, out));
}

/** Argument words read against the head's table the way compiler/check/args.ts reads them. */
function argWords(head: string, args: readonly Arg[], out: Map<number, string>): void {
  const spec = headOf(head)?.args;
  const filled = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = args[i + 1];
    if (a.kind !== "name") {
      nestedWords(a, out);
      continue;
    }
    if (!spec) {
      out.set(a.span.start, anywhere(a.name, next));
      continue;
    }
    const group = Object.entries(spec.flags).find(([, f]) => f.words.includes(a.name))?.[0];
    const flagFirst = group !== undefined && !filled.has(group) && (next === undefined || next.kind === "name");
    const option = flagFirst ? undefined : spec.options[a.name];
    if (option) {
      out.set(a.span.start, wordScopes.option);
      if (next?.kind === "name") {
        out.set(next.span.start, valueWords(option).includes(next.name) ? wordScopes.value : wordScopes.name);
        i++;
      }
    } else if (group) {
      filled.add(group);
      out.set(a.span.start, wordScopes.value);
    } else if (unitWords(spec).includes(a.name)) out.set(a.span.start, wordScopes.unit);
    else out.set(a.span.start, anywhere(a.name, next));
  }
}

function statements(body: readonly Stmt[], out: Map<number, string>): void {
  for (const s of body) {
    if (s.kind === "repeat") {
      nestedWords(s.count, out);
      statements(s.body, out);
      continue;
    }
    if (s.target) out.set(s.target.span.start, wordScopes.target);
    const head = headOf(s.head.name);
    out.set(s.head.span.start, head?.kind === "layer" ? wordScopes.layer : head?.kind === "setting" ? wordScopes.setting : wordScopes.blockUse);
    argWords(s.head.name, s.args, out);
  }
}

/** Expected scope of each word, by its start offset. */
export function wordRoles(file: DnnFile): Map<number, string> {
  const out = new Map<number, string>();
  for (const item of file.items) {
    if (item.kind === "model") {
      out.set(item.name.span.start, wordScopes.modelName);
      statements(item.body, out);
    } else if (item.kind === "train") {
      out.set(item.model.span.start, wordScopes.modelName);
      statements(item.body, out);
    } else if (item.kind === "block") {
      out.set(item.name.span.start, wordScopes.blockName);
      for (const p of item.params) {
        out.set(p.name.span.start, wordScopes.parameter);
        if (p.default) nestedWords(p.default, out);
      }
      statements(item.body, out);
    }
  }
  return out;
}

export interface ExpectedToken {
  readonly tokenType: string;
  readonly image: string;
  /** 0-based line, [start, end) within it. */
  readonly line: number;
  readonly start: number;
  readonly end: number;
  /** The scope every character of the token must carry; undefined: some scope of its own, whichever. */
  readonly scope: string | undefined;
}

/** Every token the real lexer produces (comments included), with the scope it should get. */
export function expectedTokens(text: string): ExpectedToken[] {
  const lexed = dnnLexer.tokenize(text);
  const roles = wordRoles(parseSource("sample.dnn", text).value);
  const starts = lineStarts(text);
  const all: IToken[] = [...lexed.tokens, ...((lexed.groups["comments"] ?? []) as IToken[])];
  return all
    .filter((t) => t.tokenType.name !== "Newline")
    .map((t) => {
      const p = positionAt(starts, t.startOffset);
      const name = t.tokenType.name;
      return { tokenType: name, image: t.image, line: p.line - 1, start: p.col - 1, end: p.col - 1 + t.image.length, scope: name === "Identifier" ? roles.get(t.startOffset) : byTokenType[name] };
    });
}
