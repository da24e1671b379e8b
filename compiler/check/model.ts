/**
 * Checking one model: expand blocks and repeats, match every statement's arguments, resolve named
 * values, and infer every shape. Errors never cascade: a statement whose input is unknown is skipped
 * quietly, because the mistake that made it unknown has already been reported.
 */
import type { Arg, BlockDecl, Ident, ModelDecl, Span, Statement, Stmt } from "../../grammar/ast.js";
import type { Diagnostic, Label } from "../diagnostics.js";
import type { CheckedModel, LayerNode } from "../checked.js";
import { layerDefs } from "../layers/index.js";
import { formatShape, type Shape } from "../shape.js";
import { msg } from "../messages.js";
import { suggest } from "../suggest.js";
import { matchArgs, type ArgsSpec } from "./args.js";
import { evalNumber, argText, type ValueType } from "./values.js";
import { Scope } from "./scope.js";
import { trainingWords } from "../train/settings.js";

/** What the model walker needs from the program around it. */
export interface ModelEnv {
  readonly blocks: ReadonlyMap<string, BlockDecl>;
  /** "line 6" style location of a span, for notes. */
  where(span: Span): string;
  /** The source text a span covers. */
  text(span: Span): string;
  report(d: Diagnostic): void;
}

interface Frame {
  readonly scope: Scope;
  readonly subst: ReadonlyMap<string, Arg>;
  readonly via: readonly { span: Span; block: string }[];
  readonly stack: readonly string[];
}

/** An argument of any kind, taken as is (block arguments are substituted before meaning is given). */
const anyArg: ValueType<Arg> = {
  describe: "a value",
  take: (args, i, what, at, ctx) => {
    const a = args[i];
    if (!a) {
      ctx.report(msg.wrongType(at, what, "a value", "nothing"));
      return { value: undefined, next: i };
    }
    return { value: a, next: i + 1 };
  },
};

/** Statements one model may expand to: nested repeats and blocks multiply, and an extra 0 must not hang the checker. */
export const maxExpandedStatements = 100_000;

class ModelWalker {
  readonly nodes: LayerNode[] = [];
  current: number | undefined = undefined;
  complete = true;
  private sawInput = false;
  private reportedNoInput = false;
  private readonly seen = new Set<string>();
  private expanded = 0;
  /** Count spans of the repeats being expanded, outermost first. */
  private readonly repeats: Span[] = [];

  constructor(
    private readonly model: ModelDecl,
    private readonly env: ModelEnv,
  ) {}

  report(d: Diagnostic, frame: Frame): void {
    if (d.severity !== "warning") this.complete = false;
    const labels: Label[] = frame.via.map((v) => ({ span: v.span, message: `in this use of block \`${v.block}\`` }));
    const key = `${d.code}:${d.span.file}:${d.span.start}:${d.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.env.report(labels.length ? { ...d, labels: [...d.labels, ...labels] } : d);
  }

  walk(body: readonly Stmt[], frame: Frame): void {
    for (const s of body) {
      if (this.expanded > maxExpandedStatements) return;
      if (s.kind === "repeat") this.repeat(s.count, s.body, s.span, frame);
      else if (++this.expanded > maxExpandedStatements) this.report(msg.tooLarge(this.repeats[0] ?? frame.via[0]?.span ?? s.span, this.model.name.name, maxExpandedStatements), frame);
      else this.statement(s, frame);
    }
  }

  private repeat(countArg: Arg, body: readonly Stmt[], span: Span, frame: Frame): void {
    const count = evalNumber(substitute(countArg, frame.subst));
    if (count === undefined || !Number.isInteger(count) || count < 1) {
      this.report(msg.wrongType(countArg.span, "the count of `repeat`", "a whole number ≥ 1", argText(countArg)), frame);
      return;
    }
    if (count > 10_000) {
      this.report(msg.outOfRange(countArg.span, "the count of `repeat`", "at most 10000", String(count)), frame);
      return;
    }
    void span;
    this.repeats.push(countArg.span);
    for (let i = 0; i < count; i++) this.walk(body, { ...frame, scope: new Scope(frame.scope) });
    this.repeats.pop();
  }

  private statement(raw: Statement, frame: Frame): void {
    const s: Statement = { ...raw, args: raw.args.map((a) => substitute(a, frame.subst)) };
    const def = layerDefs.get(s.head.name);
    if (def) return this.layer(s, frame);
    const block = this.env.blocks.get(s.head.name);
    if (block) return this.block(s, block, frame);
    if (trainingWords.has(s.head.name)) {
      this.report(msg.misplaced(s.head.span, `the training setting \`${s.head.name}\``, "inside a model", `move it into \`train ${this.model.name.name} { … }\``), frame);
      return;
    }
    const known = [...layerDefs.keys(), ...this.env.blocks.keys()];
    this.report(msg.unknownHead(s.head.span, s.head.name, "layer or block", suggest(s.head.name, known), [...layerDefs.keys()]), frame);
    this.poison(s.target, frame);
  }

  private poison(target: Ident | undefined, frame: Frame): void {
    this.complete = false;
    this.current = -1;
    if (target) frame.scope.define(target.name, { id: -1, span: target.span });
  }

  private resolve(ref: { name: string; span: Span }, frame: Frame): number | undefined {
    const b = frame.scope.lookup(ref.name);
    if (!b) {
      this.report(msg.undefinedName(ref.span, "value", ref.name, suggest(ref.name, frame.scope.visible()), frame.scope.visible().length ? [] : ["name a value with `name = layer …` before using it"]), frame);
      return undefined;
    }
    return b.id;
  }

  private layer(s: Statement, frame: Frame): void {
    const def = layerDefs.get(s.head.name)!;
    const report = (d: Diagnostic) => this.report(d, frame);
    const m = matchArgs(s.head, s.args, def.args, { head: s.head.name, report }, s.span);
    if (def.kind === "input") {
      if (this.sawInput || this.nodes.length > 0 || this.current !== undefined) report(msg.inputNotFirst(s.span));
      this.sawInput = true;
    } else if (this.current === undefined && !m.has("from") && !this.reportedNoInput) {
      this.reportedNoInput = true;
      report(msg.noInput(s.span, this.model.name.name));
    }
    // Inputs: `from NAME`, the operands of add/concat, or the previous statement's value.
    let inputs: (number | undefined)[];
    if (def.kind === "input") inputs = [];
    else if (def.arity === "many") {
      const ops = (m.get("operands")?.value as { name: string; span: Span }[] | undefined) ?? [];
      if (ops.length === 0) report(msg.missingArg(s.span, s.head.name, "the values to join", def.args.example));
      const named = ops.map((o) => this.resolve(o, frame));
      inputs = ops.length === 1 ? [this.current, ...named] : named;
    } else {
      const from = m.get("from")?.value as { name: string; span: Span } | undefined;
      inputs = [from ? this.resolve(from, frame) : this.current];
    }
    const config = def.config(m, s.head, report);
    const ids = inputs.filter((i): i is number => i !== undefined && i >= 0);
    if (config === undefined || ids.length !== inputs.length || (def.kind !== "input" && ids.length === 0)) return this.poison(s.target, frame);
    const shapes: Shape[] = ids.map((i) => this.nodes[i]!.shape);
    const producer = ids.length === 1 ? this.describeNode(this.nodes[ids[0]!]!) : undefined;
    const inferred = def.infer(config, shapes, { head: s.head, span: s.span, producer, named: s.target !== undefined, report });
    if (!inferred) return this.poison(s.target, frame);
    const id = this.nodes.length;
    this.nodes.push({
      id,
      kind: def.kind,
      head: s.head.name,
      name: s.target?.name,
      config: inferred.config,
      inputs: ids,
      shape: inferred.shape,
      params: def.params(inferred.config, shapes, inferred.shape),
      flops: def.flops(inferred.config, shapes, inferred.shape),
      span: s.span,
      via: frame.via.map((v) => v.span),
      blocks: frame.via.map((v) => v.block),
    });
    this.current = id;
    if (s.target) this.bind(s.target, id, frame);
  }

  private bind(target: Ident, id: number, frame: Frame): void {
    const prev = frame.scope.own(target.name);
    if (prev) this.report(msg.duplicate(target.span, "value", target.name, prev.span), frame);
    frame.scope.define(target.name, { id, span: target.span });
  }

  private describeNode(n: LayerNode): string {
    return `\`${this.env.text(n.span)}\` (${this.env.where(n.span)}), which outputs ${formatShape(n.shape)}`;
  }

  private block(s: Statement, block: BlockDecl, frame: Frame): void {
    const name = block.name.name;
    if (frame.stack.includes(name)) {
      this.report(msg.recursiveBlock(s.head.span, [...frame.stack.slice(frame.stack.indexOf(name)), name]), frame);
      return this.poison(s.target, frame);
    }
    const spec: ArgsSpec = {
      positional: block.params.map((p) => ({ key: p.name.name, type: anyArg, required: p.default === undefined, label: p.name.name.toUpperCase() })),
      options: Object.fromEntries(block.params.map((p) => [p.name.name, anyArg])),
      flags: {},
      namesArePositional: true,
      example: `${name} ${block.params.map((p) => p.name.name).join(" ")}`.trim(),
    };
    const before = this.complete;
    const m = matchArgs(s.head, s.args, spec, { head: name, report: (d) => this.report(d, frame) }, s.span);
    const subst = new Map<string, Arg>();
    for (const p of block.params) {
      const v = (m.get(p.name.name)?.value as Arg | undefined) ?? p.default;
      if (v) subst.set(p.name.name, v);
    }
    if (block.params.some((p) => !subst.has(p.name.name))) return this.poison(s.target, frame);
    void before;
    this.walk(block.body, { scope: new Scope(undefined), subst, via: [...frame.via, { span: s.span, block: name }], stack: [...frame.stack, name] });
    if (s.target) {
      if (this.current !== undefined && this.current >= 0) this.bind(s.target, this.current, frame);
      else frame.scope.define(s.target.name, { id: -1, span: s.target.span });
    }
  }
}

/** Replace block parameters by the arguments of this use. */
function substitute(a: Arg, subst: ReadonlyMap<string, Arg>): Arg {
  if (subst.size === 0) return a;
  switch (a.kind) {
    case "name": {
      const v = subst.get(a.name);
      return v ? { ...v, span: a.span } : a;
    }
    case "binary":
      return { ...a, left: substitute(a.left, subst), right: substitute(a.right, subst) };
    case "list":
      return { ...a, items: a.items.map((x) => substitute(x, subst)) };
    default:
      return a;
  }
}

/** Check one model declaration. */
export function checkModel(model: ModelDecl, env: ModelEnv): CheckedModel {
  const w = new ModelWalker(model, env);
  const frame: Frame = { scope: new Scope(undefined), subst: new Map(), via: [], stack: [] };
  w.walk(model.body, frame);
  if (w.nodes.length === 0 && w.complete) {
    env.report(msg.noInput(model.name.span, model.name.name));
    w.complete = false;
  }
  return { name: model.name.name, span: model.span, nodes: w.nodes, output: w.current ?? -1, complete: w.complete && (w.current ?? -1) >= 0 };
}
