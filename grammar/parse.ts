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
    // "Expecting token of type --> a string <-- but found --> 'foo' <--": the first pair is the expected one.
    const expected = /-->\s*(.+?)\s*<--/.exec(e.message)?.[1];
    const label = expected ? labelOf(expected) : "something else";
    const hint =
      label === "`}`"
        ? "every `{` needs a matching `}`"
        : label === "`(`"
          ? "a block lists its parameters in parentheses: `block name(a, b = 1) { … }`"
          : label === "the end of the file" && t?.tokenType.name === "RBrace"
            ? "this `}` has no matching `{`"
            : undefined;
    return msg.syntax(span, `expected ${label}, found ${found}`, hint);
  }
  if (rule === "statement" || rule === "body") {
    return msg.syntax(span, `expected a statement, found ${found}`, "a statement starts with a word, e.g. `dense 100 relu`; statements are separated by line breaks");
  }
  const what = ruleLabels[rule];
  return what ? msg.syntax(span, `expected ${what}, found ${found}`) : msg.syntax(span, `unexpected ${found}`);
}

/** What each grammar rule reads, in the words of the language (never the rule's own name). */
const ruleLabels: Record<string, string> = {
  arg: "an argument (a number, a name, a size like 5x5, a string or a list)",
  expr: "an argument (a number, a name, a size like 5x5, a string or a list)",
  primary: "a number, a name or `(`",
  list: "a list like [1, 2]",
  param: "a parameter name",
  importDecl: 'a path in quotes, like import "blocks.dnn"',
  separator: "a line break",
};

const tokenLabels: Record<string, string> = {
  RBrace: "`}`",
  LBrace: "`{`",
  RParen: "`)`",
  LParen: "`(`",
  RBracket: "`]`",
  Identifier: "a name",
  StringLiteral: "a string",
  NumberLiteral: "a number",
  Equals: "`=`",
  EOF: "the end of the file",
};
/** A token name or label as messages write it: `}` in backticks like every other quoted word. */
function labelOf(tokenName: string): string {
  const quoted = /^'(.*)'$/.exec(tokenName);
  return tokenLabels[tokenName] ?? (quoted ? `\`${quoted[1]}\`` : tokenName.toLowerCase());
}

/** Deepest nesting of brackets, braces and operator chains the parser and checker accept; far deeper would overflow their recursion. */
export const maxNesting = 100;

const openers = new Set(["LParen", "LBracket", "LBrace"]);
const closers = new Set(["RParen", "RBracket", "RBrace"]);
const opening: Record<string, string> = { RParen: "LParen", RBracket: "LBracket", RBrace: "LBrace" };
const bracketText: Record<string, string> = { LParen: "(", LBracket: "[", LBrace: "{" };
const chainLinks = new Set(["NumberLiteral", "Identifier", "LParen", "RParen", "Star", "Slash"]);

/**
 * Screen the tokens before parsing, reporting at most one problem per line:
 *  - a `)` or `]` that closes nothing is dropped (left in, it would end the whole model);
 *  - what nests deeper than `maxNesting` is dropped (what an opener holds up to its matching
 *    closer, or an operator chain to the end of its line), so no input can overflow the stack.
 * Returns the tokens kept and the problems found, by line.
 */
function screenTokens(file: string, tokens: readonly IToken[]): { kept: IToken[]; reports: Map<number, Diagnostic> } {
  const kept: IToken[] = [];
  const reports = new Map<number, Diagnostic>();
  const open: string[] = []; // token names of the open brackets, innermost last
  let chain = 0;
  let i = 0;
  const report = (t: IToken, message: string, hint: string) => {
    const line = t.startLine ?? -1;
    if (!reports.has(line)) reports.set(line, msg.syntax({ file, start: t.startOffset, end: (t.endOffset ?? t.startOffset) + 1 }, message, hint));
  };
  while (i < tokens.length) {
    const t = tokens[i]!;
    const name = t.tokenType.name;
    if (openers.has(name) && open.length >= maxNesting) {
      // Keep the opener and its closer, drop what they hold: `repeat 1 { }` and `[]` stay valid.
      report(t, `brackets and braces nest more than ${maxNesting} levels deep`, "split it up, e.g. into blocks");
      kept.push(t);
      let d = 0;
      do {
        const n = tokens[i]!.tokenType.name;
        if (openers.has(n)) d++;
        else if (closers.has(n)) d--;
        i++;
      } while (i < tokens.length && d > 0);
      if (d === 0) kept.push(tokens[i - 1]!);
      continue;
    }
    if (openers.has(name)) open.push(name);
    else if (name === "RBrace") {
      // A `}` also closes any `(` or `[` left open inside its braces; one that closes nothing stays for the parser.
      const at = open.lastIndexOf("LBrace");
      if (at >= 0) open.length = at;
    } else if (closers.has(name)) {
      if (open[open.length - 1] === opening[name]) open.pop();
      else {
        const inner = open[open.length - 1];
        const hint = inner && inner !== "LBrace" ? `the \`${bracketText[inner]}\` before it is still open` : `remove it, or add the \`${bracketText[opening[name]!]}\` it should close`;
        report(t, `unmatched \`${t.image}\``, hint);
        i++;
        continue;
      }
    } else if (name === "Newline") {
      // Parentheses and lists end with their line.
      while (open.length > 0 && open[open.length - 1] !== "LBrace") open.pop();
    }
    chain = name === "Star" || name === "Slash" ? chain + 1 : chainLinks.has(name) ? chain : 0;
    if (chain > maxNesting) {
      report(t, `operators in one expression nest more than ${maxNesting} levels deep`, "split it up, e.g. into blocks");
      while (i < tokens.length && tokens[i]!.tokenType.name !== "Newline") i++;
      chain = 0;
      continue;
    }
    kept.push(t);
    i++;
  }
  return { kept, reports };
}

/** Lex and parse one file; never throws on any input. */
export function parseSource(file: string, text: string): Result<DnnFile> {
  const diagnostics: Diagnostic[] = [];
  const lexed = dnnLexer.tokenize(text);
  for (const e of lexed.errors) {
    diagnostics.push(msg.unexpectedChar({ file, start: e.offset, end: e.offset + Math.max(1, Math.min(e.length, 1)) }, text.slice(e.offset, e.offset + 1)));
  }
  const { kept, reports } = screenTokens(file, lexed.tokens);
  const p = parser();
  p.input = kept;
  const cst = p.file();
  // Report only the first error per statement line: later ones are usually echoes of it.
  const byLine = new Map<number, Diagnostic>();
  for (const e of p.errors) {
    const line = e.token?.startLine ?? -1;
    if (!byLine.has(line)) byLine.set(line, parseError(file, e, text.length));
  }
  for (const [line, d] of reports) {
    const parsed = byLine.get(line);
    if (!parsed || d.span.start <= parsed.span.start) byLine.set(line, d);
  }
  diagnostics.push(...byLine.values());
  const comments = (lexed.groups["comments"] ?? []) as IToken[];
  const ast = new AstBuilder(file).file(cst, comments, text.length);
  return { value: ast, diagnostics };
}
