/**
 * The .dnn grammar: Chevrotain rules only (semantics live in to-ast.ts). The grammar is
 * deliberately generic — a statement is a head word followed by arguments — and the checker gives
 * those arguments meaning through per-kind tables, with precise messages.
 */
import { CstParser, type CstNode, type IRecognitionException } from "chevrotain";
import * as T from "./tokens.js";

/** Chevrotain parser for .dnn files; build once and reuse with `parser.input = tokens`. */
export class DnnParser extends CstParser {
  constructor() {
    super(T.allTokens, { recoveryEnabled: true, maxLookahead: 3, nodeLocationTracking: "full" });
    this.performSelfAnalysis();
  }

  /** file := separators? (topItem separators?)* */
  public file = this.RULE("file", () => {
    this.MANY(() => this.SUBRULE(this.separator));
    this.MANY2(() => {
      this.SUBRULE(this.topItem);
      this.MANY3(() => this.SUBRULE2(this.separator));
    });
  });

  private separator = this.RULE("separator", () => {
    this.OR([{ ALT: () => this.CONSUME(T.Newline) }, { ALT: () => this.CONSUME(T.Semicolon) }, { ALT: () => this.CONSUME(T.Arrow) }]);
  });

  private topItem = this.RULE("topItem", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.importDecl) },
      { ALT: () => this.SUBRULE(this.modelDecl) },
      { ALT: () => this.SUBRULE(this.blockDecl) },
      { ALT: () => this.SUBRULE(this.trainDecl) },
    ]);
  });

  private importDecl = this.RULE("importDecl", () => {
    this.CONSUME(T.Import);
    this.CONSUME(T.StringLiteral);
  });

  private modelDecl = this.RULE("modelDecl", () => {
    this.CONSUME(T.Model);
    this.CONSUME(T.Identifier);
    this.SUBRULE(this.body);
  });

  private blockDecl = this.RULE("blockDecl", () => {
    this.CONSUME(T.Block);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.param) });
    this.CONSUME(T.RParen);
    this.SUBRULE(this.body);
  });

  private param = this.RULE("param", () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.arg);
    });
  });

  private trainDecl = this.RULE("trainDecl", () => {
    this.CONSUME(T.Train);
    this.CONSUME(T.Identifier);
    this.SUBRULE(this.body);
  });

  private body = this.RULE("body", () => {
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.separator));
    this.MANY2(() => {
      this.SUBRULE(this.statement);
      this.MANY3(() => this.SUBRULE2(this.separator));
    });
    this.CONSUME(T.RBrace);
  });

  private statement = this.RULE("statement", () => {
    this.OR([{ ALT: () => this.SUBRULE(this.repeatStmt) }, { ALT: () => this.SUBRULE(this.layerStmt) }]);
  });

  private repeatStmt = this.RULE("repeatStmt", () => {
    this.CONSUME(T.Repeat);
    this.SUBRULE(this.arg);
    this.SUBRULE(this.body);
  });

  /** `[name =] head arg*` — a layer, a block use, or a training setting. */
  private layerStmt = this.RULE("layerStmt", () => {
    this.OPTION({
      GATE: () => this.LA(2).tokenType === T.Equals,
      DEF: () => {
        this.CONSUME(T.Identifier, { LABEL: "target" });
        this.CONSUME(T.Equals);
      },
    });
    this.CONSUME2(T.Identifier, { LABEL: "head" });
    // Commas between arguments are optional: `add a, b` and `add a b` read the same.
    this.MANY(() => {
      this.SUBRULE(this.arg);
      this.OPTION2(() => this.CONSUME(T.Comma));
    });
  });

  private arg = this.RULE("arg", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.expr) },
      { ALT: () => this.CONSUME(T.Dims) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.SUBRULE(this.list) },
    ]);
  });

  private list = this.RULE("list", () => {
    this.CONSUME(T.LBracket);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.arg) });
    this.CONSUME(T.RBracket);
  });

  /** expr := primary (('*' | '/') primary)* — enough for `c*2` in blocks and `1/128`. */
  private expr = this.RULE("expr", () => {
    this.SUBRULE(this.primary);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Star) }, { ALT: () => this.CONSUME(T.Slash) }]);
      this.SUBRULE2(this.primary);
    });
  });

  private primary = this.RULE("primary", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.Identifier) },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.expr);
          this.CONSUME(T.RParen);
        },
      },
    ]);
  });
}

export type { CstNode, IRecognitionException };
