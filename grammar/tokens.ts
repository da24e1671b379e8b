/**
 * Tokens of the .dnn language. Structural keywords are tokens; every other word (layer kinds,
 * options, enum values) is an `Identifier` that the checker interprets through per-kind tables,
 * so a misspelt word gets a "did you mean" instead of a syntax error.
 */
import { createToken, Lexer, type TokenType } from "chevrotain";

export const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_][A-Za-z0-9_]*/ });

function keyword(name: string): TokenType {
  return createToken({ name: name[0]!.toUpperCase() + name.slice(1), pattern: new RegExp(`${name}\\b`), longer_alt: Identifier, label: `'${name}'` });
}

export const Model = keyword("model");
export const Block = keyword("block");
export const Train = keyword("train");
export const Import = keyword("import");
export const Repeat = keyword("repeat");

/** Words the parser itself gives meaning to; they cannot name layers, values or blocks. */
export const structuralKeywords = ["model", "block", "train", "import", "repeat"] as const;

export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t]+/, group: Lexer.SKIPPED });
export const Comment = createToken({ name: "Comment", pattern: /#[^\n\r]*/, group: "comments" });
export const Newline = createToken({ name: "Newline", pattern: /\r?\n/, line_breaks: true, label: "end of line" });

/** `5x5`, `1x28x28`, `5×5`: sizes written the way the slides write them. */
export const Dims = createToken({ name: "Dims", pattern: /\d+(?:[x×]\d+)+/, label: "a size like 5x5" });
export const NumberLiteral = createToken({
  name: "NumberLiteral",
  pattern: /-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/,
  label: "a number",
});
export const StringLiteral = createToken({ name: "StringLiteral", pattern: /"(?:[^"\\\n\r]|\\.)*"/, label: "a string" });

export const LBrace = createToken({ name: "LBrace", pattern: /{/, label: "'{'" });
export const RBrace = createToken({ name: "RBrace", pattern: /}/, label: "'}'" });
export const LParen = createToken({ name: "LParen", pattern: /\(/, label: "'('" });
export const RParen = createToken({ name: "RParen", pattern: /\)/, label: "')'" });
export const LBracket = createToken({ name: "LBracket", pattern: /\[/, label: "'['" });
export const RBracket = createToken({ name: "RBracket", pattern: /]/, label: "']'" });
export const Comma = createToken({ name: "Comma", pattern: /,/, label: "','" });
export const Equals = createToken({ name: "Equals", pattern: /=/, label: "'='" });
export const Semicolon = createToken({ name: "Semicolon", pattern: /;/, label: "';'" });
export const Arrow = createToken({ name: "Arrow", pattern: /->|→/, label: "'->'" });
export const Star = createToken({ name: "Star", pattern: /\*/, label: "'*'" });
export const Slash = createToken({ name: "Slash", pattern: /\//, label: "'/'" });

/** Order matters: comments and arrows before numbers and operators, keywords before identifiers. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  Newline,
  Arrow,
  Dims,
  NumberLiteral,
  StringLiteral,
  Model,
  Block,
  Train,
  Import,
  Repeat,
  Identifier,
  LBrace,
  RBrace,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Equals,
  Semicolon,
  Star,
  Slash,
];

/** The one lexer instance; Chevrotain lexers are stateless between calls. */
export const dnnLexer = new Lexer(allTokens, { positionTracking: "full", ensureOptimizations: false });
