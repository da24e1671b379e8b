/** Source text → AST, with lexer and parser errors as diagnostics (parsing recovers). */
import type { IRecognitionException, IToken } from "chevrotain";
import type { DnnFile, Span } from "./ast.js";
import { DnnParser } from "./parser.js";
import { AstBuilder } from "./to-ast.js";
import { dnnLexer, structuralKeywords } from "./tokens.js";
import type { Diagnostic, Result } from "../compiler/diagnostics.js";
import { msg } from "../compiler/messages.js";
import { suggest } from "../compiler/suggest.js";

let sharedParser: DnnParser | undefined;
/** The grammar analysis is costly, so one parser is built lazily and reused (it holds no results). */
function parser(): DnnParser {
  sharedParser ??= new DnnParser();
  return sharedParser;
}

function describe(t: IToken | undefined): string {
  if (!t || t.tokenType.name === "EOF") return "the end of the file";
  if (t.tokenType.name === "Newline") return "the end of the line";
  return `\`${t.image}\``;
}

function tokenSpan(file: string, t: IToken, textLength: number): Span {
  if (!t || t.tokenType.name === "EOF" || Number.isNaN(t.startOffset)) return { file, start: Math.max(0, textLength - 1), end: textLength };
  return { file, start: t.startOffset, end: (t.endOffset ?? t.startOffset) + 1 };
}

function parseError(file: string, e: IRecognitionException, textLength: number): Diagnostic {
  const t = e.token;
  const span = tokenSpan(file, t, textLength);
  const found = describe(t);
  const rules = e.context?.ruleStack ?? [];
  const rule = rules[rules.length - 1] ?? "";
  if (rule === "topItem" || (rule === "file" && t?.tokenType.name === "Identifier")) {
    const s = t?.tokenType.name === "Identifier" ? suggest(t.image, structuralKeywords) : undefined;
    return msg.syntax(span, `expected \`model\`, \`block\`, \`train\` or \`import\`, found ${found}`, s ? `did you mean \`${s}\`?` : "a file holds models, blocks, training specifications and imports");
  }
  if (e.name === "MismatchedTokenException") {
    const expected = /-->\s*(\S+)\s*<--/.exec(e.message)?.[1];
    const label = expected ? labelOf(expected) : "something else";
    const hint = label === "'}'" ? "every `{` needs a matching `}`" : label === "'('" ? "a block lists its parameters in parentheses: `block name(a, b = 1) { … }`" : undefined;
    return msg.syntax(span, `expected ${label}, found ${found}`, hint);
  }
  if (rule === "statement" || rule === "body") {
    return msg.syntax(span, `expected a statement, found ${found}`, "a statement starts with a word, e.g. `dense 100 relu`; statements are separated by line breaks");
  }
  return msg.syntax(span, `unexpected ${found}`, rule ? `while reading a ${ruleName(rule)}` : undefined);
}

const tokenLabels: Record<string, string> = {
  RBrace: "'}'",
  LBrace: "'{'",
  RParen: "')'",
  LParen: "'('",
  RBracket: "']'",
  Identifier: "a name",
  StringLiteral: "a string",
  NumberLiteral: "a number",
  Equals: "'='",
};
function labelOf(tokenName: string): string {
  return tokenLabels[tokenName] ?? (tokenName.startsWith("'") ? tokenName : tokenName.toLowerCase());
}
function ruleName(rule: string): string {
  return rule.replace(/([A-Z])/g, " $1").replace(/ (decl|stmt)$/i, "").toLowerCase();
}

/** Lex and parse one file; never throws on any input. */
export function parseSource(file: string, text: string): Result<DnnFile> {
  const diagnostics: Diagnostic[] = [];
  const lexed = dnnLexer.tokenize(text);
  for (const e of lexed.errors) {
    diagnostics.push(msg.unexpectedChar({ file, start: e.offset, end: e.offset + Math.max(1, Math.min(e.length, 1)) }, text.slice(e.offset, e.offset + 1)));
  }
  const p = parser();
  p.input = lexed.tokens;
  const cst = p.file();
  // Report only the first error per statement line: later ones are usually echoes of it.
  const seenLines = new Set<number>();
  for (const e of p.errors) {
    const line = e.token?.startLine ?? -1;
    if (seenLines.has(line)) continue;
    seenLines.add(line);
    diagnostics.push(parseError(file, e, text.length));
  }
  const comments = (lexed.groups["comments"] ?? []) as IToken[];
  const ast = new AstBuilder(file).file(cst, comments, text.length);
  return { value: ast, diagnostics };
}
