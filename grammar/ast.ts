/** AST of a .dnn file. Every node has a `kind` and a `span`; node sets are discriminated unions. */

/** A half-open byte range [start, end) of one source file. */
export interface Span {
  readonly file: string;
  readonly start: number;
  readonly end: number;
}

export interface Ident {
  readonly kind: "ident";
  readonly name: string;
  readonly span: Span;
}

export interface NumberArg {
  readonly kind: "number";
  readonly value: number;
  readonly text: string;
  readonly span: Span;
}
export interface NameArg {
  readonly kind: "name";
  readonly name: string;
  readonly span: Span;
}
export interface DimsArg {
  readonly kind: "dims";
  readonly values: readonly number[];
  readonly text: string;
  readonly span: Span;
}
export interface StringArg {
  readonly kind: "string";
  readonly value: string;
  readonly span: Span;
}
export interface ListArg {
  readonly kind: "list";
  readonly items: readonly Arg[];
  readonly span: Span;
}
export interface BinaryArg {
  readonly kind: "binary";
  readonly op: "*" | "/";
  readonly left: Arg;
  readonly right: Arg;
  readonly span: Span;
}
/** Arguments of a statement, in source order; their meaning comes from the statement's head. */
export type Arg = NumberArg | NameArg | DimsArg | StringArg | ListArg | BinaryArg;

/** `[target =] head args…`: a layer, a block use, or a training setting. */
export interface Statement {
  readonly kind: "statement";
  readonly target: Ident | undefined;
  readonly head: Ident;
  readonly args: readonly Arg[];
  readonly span: Span;
}
export interface RepeatStmt {
  readonly kind: "repeat";
  readonly count: Arg;
  readonly body: readonly Stmt[];
  readonly span: Span;
}
export type Stmt = Statement | RepeatStmt;

export interface ImportDecl {
  readonly kind: "import";
  readonly path: string;
  readonly span: Span;
}
export interface ModelDecl {
  readonly kind: "model";
  readonly name: Ident;
  readonly body: readonly Stmt[];
  readonly span: Span;
}
export interface Param {
  readonly kind: "param";
  readonly name: Ident;
  readonly default: Arg | undefined;
  readonly span: Span;
}
export interface BlockDecl {
  readonly kind: "block";
  readonly name: Ident;
  readonly params: readonly Param[];
  readonly body: readonly Stmt[];
  readonly span: Span;
}
export interface TrainDecl {
  readonly kind: "train";
  readonly model: Ident;
  readonly body: readonly Stmt[];
  readonly span: Span;
}
export type TopItem = ImportDecl | ModelDecl | BlockDecl | TrainDecl;

/** A comment, kept for the formatter. */
export interface CommentNode {
  readonly kind: "comment";
  readonly text: string;
  readonly span: Span;
}

export interface DnnFile {
  readonly kind: "file";
  readonly path: string;
  readonly items: readonly TopItem[];
  readonly comments: readonly CommentNode[];
  readonly span: Span;
}

/** Span covering `a` through `b` (same file). */
export function joinSpans(a: Span, b: Span): Span {
  return { file: a.file, start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}
