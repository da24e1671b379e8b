/** CST → AST. Tolerates the partial trees Chevrotain's error recovery leaves behind. */
import type { CstNode, IToken, CstElement } from "chevrotain";
import type * as A from "./ast.js";

type Children = Record<string, CstElement[] | undefined>;

function isToken(e: CstElement | undefined): e is IToken {
  return e !== undefined && (e as IToken).image !== undefined;
}
function nodes(c: Children, key: string): CstNode[] {
  return (c[key] ?? []).filter((e): e is CstNode => !isToken(e));
}
function tokens(c: Children, key: string): IToken[] {
  return (c[key] ?? []).filter(isToken).filter((t) => !t.isInsertedInRecovery);
}
function node(c: Children, key: string): CstNode | undefined {
  return nodes(c, key)[0];
}
function token(c: Children, key: string): IToken | undefined {
  return tokens(c, key)[0];
}

/** Converts one file's CST to its AST. */
export class AstBuilder {
  constructor(private readonly path: string) {}

  private tokenSpan(t: IToken): A.Span {
    return { file: this.path, start: t.startOffset, end: (t.endOffset ?? t.startOffset) + 1 };
  }
  private nodeSpan(n: CstNode): A.Span {
    const loc = n.location;
    if (!loc || Number.isNaN(loc.startOffset)) return { file: this.path, start: 0, end: 0 };
    return { file: this.path, start: loc.startOffset, end: (Number.isNaN(loc.endOffset ?? NaN) ? loc.startOffset : loc.endOffset!) + 1 };
  }
  private ident(t: IToken): A.Ident {
    return { kind: "ident", name: t.image, span: this.tokenSpan(t) };
  }

  /** The whole file; `comments` come from the lexer's comment group. */
  file(cst: CstNode, comments: readonly IToken[], textLength: number): A.DnnFile {
    const items: A.TopItem[] = [];
    for (const top of nodes(cst.children, "topItem")) {
      const item = this.topItem(top);
      if (item) items.push(item);
    }
    return {
      kind: "file",
      path: this.path,
      items,
      comments: comments.map((t) => ({ kind: "comment", text: t.image, span: this.tokenSpan(t) })),
      span: { file: this.path, start: 0, end: textLength },
    };
  }

  private topItem(n: CstNode): A.TopItem | undefined {
    const c = n.children;
    const imp = node(c, "importDecl");
    if (imp) {
      const s = token(imp.children, "StringLiteral");
      return s ? { kind: "import", path: unquote(s.image), span: this.nodeSpan(imp) } : undefined;
    }
    const model = node(c, "modelDecl");
    if (model) {
      const name = token(model.children, "Identifier");
      if (!name) return undefined;
      return { kind: "model", name: this.ident(name), body: this.body(node(model.children, "body")), span: this.nodeSpan(model) };
    }
    const block = node(c, "blockDecl");
    if (block) {
      const name = token(block.children, "Identifier");
      if (!name) return undefined;
      const params = nodes(block.children, "param").flatMap((p): A.Param[] => {
        const id = token(p.children, "Identifier");
        if (!id) return [];
        const def = node(p.children, "arg");
        return [{ kind: "param", name: this.ident(id), default: def ? this.arg(def) : undefined, span: this.nodeSpan(p) }];
      });
      return { kind: "block", name: this.ident(name), params, body: this.body(node(block.children, "body")), span: this.nodeSpan(block) };
    }
    const train = node(c, "trainDecl");
    if (train) {
      const name = token(train.children, "Identifier");
      if (!name) return undefined;
      return { kind: "train", model: this.ident(name), body: this.body(node(train.children, "body")), span: this.nodeSpan(train) };
    }
    return undefined;
  }

  private body(n: CstNode | undefined): A.Stmt[] {
    if (!n) return [];
    return nodes(n.children, "statement").flatMap((s) => {
      const st = this.statement(s);
      return st ? [st] : [];
    });
  }

  private statement(n: CstNode): A.Stmt | undefined {
    const rep = node(n.children, "repeatStmt");
    if (rep) {
      const count = node(rep.children, "arg");
      if (!count) return undefined;
      const c = this.arg(count);
      return c ? { kind: "repeat", count: c, body: this.body(node(rep.children, "body")), span: this.nodeSpan(rep) } : undefined;
    }
    const layer = node(n.children, "layerStmt");
    if (!layer) return undefined;
    const head = token(layer.children, "head");
    if (!head) return undefined;
    const target = token(layer.children, "target");
    const args = nodes(layer.children, "arg").flatMap((a) => {
      const v = this.arg(a);
      return v ? [v] : [];
    });
    return { kind: "statement", target: target ? this.ident(target) : undefined, head: this.ident(head), args, span: this.nodeSpan(layer) };
  }

  private arg(n: CstNode): A.Arg | undefined {
    const c = n.children;
    const e = node(c, "expr");
    if (e) return this.expr(e);
    const dims = token(c, "Dims");
    if (dims) return { kind: "dims", values: dims.image.split(/[x×]/).map(Number), text: dims.image, span: this.tokenSpan(dims) };
    const str = token(c, "StringLiteral");
    if (str) return { kind: "string", value: unquote(str.image), span: this.tokenSpan(str) };
    const list = node(c, "list");
    if (list) {
      const items = nodes(list.children, "arg").flatMap((a) => {
        const v = this.arg(a);
        return v ? [v] : [];
      });
      return { kind: "list", items, span: this.nodeSpan(list) };
    }
    return undefined;
  }

  private expr(n: CstNode): A.Arg | undefined {
    const prims = nodes(n.children, "primary").map((p) => this.primary(p));
    const ops = [...tokens(n.children, "Star"), ...tokens(n.children, "Slash")].sort((a, b) => a.startOffset - b.startOffset);
    let acc = prims[0];
    for (let i = 1; i < prims.length && acc; i++) {
      const right = prims[i];
      const op = ops[i - 1];
      if (!right || !op) return acc;
      acc = { kind: "binary", op: op.image === "*" ? "*" : "/", left: acc, right, span: { file: this.path, start: acc.span.start, end: right.span.end } };
    }
    return acc;
  }

  private primary(n: CstNode): A.Arg | undefined {
    const c = n.children;
    const num = token(c, "NumberLiteral");
    if (num) return { kind: "number", value: Number(num.image), text: num.image, span: this.tokenSpan(num) };
    const id = token(c, "Identifier");
    if (id) return { kind: "name", name: id.image, span: this.tokenSpan(id) };
    const inner = node(c, "expr");
    return inner ? this.expr(inner) : undefined;
  }
}

/** The value of a string literal: quotes removed, backslash escapes resolved. */
export function unquote(image: string): string {
  return image.slice(1, -1).replace(/\\(.)/g, (_, ch: string) => (ch === "n" ? "\n" : ch === "t" ? "\t" : ch));
}
