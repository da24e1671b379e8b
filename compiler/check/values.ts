/**
 * Value types for statement arguments: each knows how to read itself from the argument list
 * (possibly several arguments, like `constant 0.1`) and what to say when it cannot.
 */
import type { Arg, Span } from "../../grammar/ast.js";
import type { Diagnostic } from "../diagnostics.js";
import { msg } from "../messages.js";
import { suggest } from "../suggest.js";

/** What a value type sees: the statement's head and a sink for diagnostics. */
export interface ArgContext {
  readonly head: string;
  report(d: Diagnostic): void;
}

export interface Taken<T> {
  readonly value: T | undefined;
  /** Index of the first argument not consumed. */
  readonly next: number;
}

export interface ValueType<T> {
  /** "a whole number ≥ 1", used in messages. */
  readonly describe: string;
  /** Read a value starting at args[i]; `what` names it in messages ("`stride`"). */
  take(args: readonly Arg[], i: number, what: string, at: Span, ctx: ArgContext): Taken<T>;
}

/** Source-like text of an argument, for messages. */
export function argText(a: Arg): string {
  switch (a.kind) {
    case "number":
      return a.text;
    case "name":
      return a.name;
    case "dims":
      return a.text;
    case "string":
      return JSON.stringify(a.value);
    case "list":
      return `[${a.items.map(argText).join(", ")}]`;
    case "binary":
      return `${argText(a.left)}${a.op}${argText(a.right)}`;
  }
}

/** Evaluate `2*c` after substitution; undefined when it is not a number expression. */
export function evalNumber(a: Arg): number | undefined {
  if (a.kind === "number") return a.value;
  if (a.kind === "binary") {
    const l = evalNumber(a.left);
    const r = evalNumber(a.right);
    if (l === undefined || r === undefined) return undefined;
    return a.op === "*" ? l * r : l / r;
  }
  return undefined;
}

function kindText(a: Arg | undefined): string {
  if (!a) return "nothing";
  switch (a.kind) {
    case "number":
      return `the number ${a.text}`;
    case "name":
      return `the word \`${a.name}\``;
    case "dims":
      return `the size ${a.text}`;
    case "string":
      return `the string ${JSON.stringify(a.value)}`;
    case "list":
      return "a list";
    case "binary":
      return `\`${argText(a)}\``;
  }
}

function missing<T>(args: readonly Arg[], i: number, what: string, expected: string, at: Span, ctx: ArgContext): Taken<T> {
  const a = args[i];
  ctx.report(msg.wrongType(a?.span ?? at, what, expected, kindText(a)));
  return { value: undefined, next: a && a.kind !== "name" ? i + 1 : i };
}

export interface NumberRange {
  readonly min?: number;
  readonly max?: number;
  readonly minExclusive?: boolean;
  readonly maxExclusive?: boolean;
  readonly integer?: boolean;
}

/** "a whole number ≥ 1", "a number in [0, 1)". */
export function describeRange(r: NumberRange): string {
  const base = r.integer ? "a whole number" : "a number";
  if (r.min !== undefined && r.max !== undefined) return `${base} in ${r.minExclusive ? "(" : "["}${r.min}, ${r.max}${r.maxExclusive ? ")" : "]"}`;
  if (r.min !== undefined) return `${base} ${r.minExclusive ? ">" : "≥"} ${r.min}`;
  if (r.max !== undefined) return `${base} ${r.maxExclusive ? "<" : "≤"} ${r.max}`;
  return base;
}

/** Check `v` against a range, reporting E202/E203; returns whether it passed. */
export function checkRange(v: number, r: NumberRange, what: string, span: Span, ctx: ArgContext): boolean {
  if (r.integer && !Number.isInteger(v)) {
    ctx.report(msg.wrongType(span, what, "a whole number", String(v)));
    return false;
  }
  const low = r.min !== undefined && (r.minExclusive ? v <= r.min : v < r.min);
  const high = r.max !== undefined && (r.maxExclusive ? v >= r.max : v > r.max);
  if (low || high) {
    ctx.report(msg.outOfRange(span, what, describeRange(r), String(v)));
    return false;
  }
  return true;
}

/** A single number within a range. */
export function num(range: NumberRange = {}): ValueType<number> {
  const describe = describeRange(range);
  return {
    describe,
    take(args, i, what, at, ctx) {
      const a = args[i];
      const v = a ? evalNumber(a) : undefined;
      if (a === undefined || v === undefined) return missing(args, i, what, describe, at, ctx);
      return { value: checkRange(v, range, what, a.span, ctx) ? v : undefined, next: i + 1 };
    },
  };
}

/** A whole number ≥ min. */
export function int(min = 1, max?: number): ValueType<number> {
  return num(max === undefined ? { min, integer: true } : { min, max, integer: true });
}

/** A size: `5` (the same along every axis) or `5x3` (one per axis). Each entry a whole number ≥ min. */
export function size(min = 1): ValueType<number[]> {
  const describe = `a size like 5 or 5x5`;
  return {
    describe,
    take(args, i, what, at, ctx) {
      const a = args[i];
      if (a?.kind === "dims") {
        const bad = a.values.find((v) => v < min);
        if (bad !== undefined) {
          ctx.report(msg.outOfRange(a.span, what, `made of whole numbers ≥ ${min}`, a.text));
          return { value: undefined, next: i + 1 };
        }
        return { value: [...a.values], next: i + 1 };
      }
      const v = a ? evalNumber(a) : undefined;
      if (a === undefined || v === undefined) return missing(args, i, what, describe, at, ctx);
      return { value: checkRange(v, { min, integer: true }, what, a.span, ctx) ? [v] : undefined, next: i + 1 };
    },
  };
}

/** One word out of a fixed set. */
export function word<W extends string>(words: readonly W[]): ValueType<W> {
  const describe = words.map((w) => `\`${w}\``).join(", ");
  return {
    describe: `one of ${describe}`,
    take(args, i, what, at, ctx) {
      const a = args[i];
      if (a?.kind !== "name") return missing(args, i, what, `one of ${describe}`, at, ctx);
      if (!(words as readonly string[]).includes(a.name)) {
        const s = suggest(a.name, words);
        ctx.report(msg.wrongType(a.span, what, `one of ${describe}`, `\`${a.name}\``, s ? `did you mean \`${s}\`?` : undefined));
        return { value: undefined, next: i + 1 };
      }
      return { value: a.name as W, next: i + 1 };
    },
  };
}

/** `on` / `off`. */
export const onOff: ValueType<boolean> = {
  describe: "`on` or `off`",
  take(args, i, what, at, ctx) {
    const t = word(["on", "off"] as const).take(args, i, what, at, ctx);
    return { value: t.value === undefined ? undefined : t.value === "on", next: t.next };
  },
};

/** A quoted string. */
export const str: ValueType<string> = {
  describe: "a quoted string",
  take(args, i, what, at, ctx) {
    const a = args[i];
    if (a?.kind !== "string") return missing(args, i, what, "a quoted string like \"data/train.csv\"", at, ctx);
    return { value: a.value, next: i + 1 };
  },
};

/** A name of a value defined earlier in the model (checked later, by the model walker). */
export const valueRef: ValueType<{ name: string; span: Span }> = {
  describe: "the name of an earlier value",
  take(args, i, what, at, ctx) {
    const a = args[i];
    if (a?.kind !== "name") return missing(args, i, what, "the name of an earlier value", at, ctx);
    return { value: { name: a.name, span: a.span }, next: i + 1 };
  },
};

/** A bracketed list of numbers in a range, e.g. for sweeps: `[0.01, 0.03, 0.1]`. */
export function numberList(range: NumberRange = {}): ValueType<number[]> {
  const expected = `a list of numbers like [0.01, 0.1], each ${describeRange(range)}`;
  return {
    describe: "a list of numbers like [0.01, 0.1]",
    take(args, i, what, at, ctx) {
      const a = args[i];
      if (a?.kind !== "list") return missing(args, i, what, expected, at, ctx);
      const out: number[] = [];
      let ok = true;
      for (const item of a.items) {
        const v = evalNumber(item);
        if (v === undefined) {
          ctx.report(msg.wrongType(item.span, `each entry of ${what}`, "a number", kindText(item)));
          ok = false;
        } else if (checkRange(v, range, `each entry of ${what}`, item.span, ctx)) out.push(v);
        else ok = false;
      }
      if (a.items.length === 0) {
        ctx.report(msg.wrongType(a.span, what, "a non-empty list", "[]"));
        return { value: undefined, next: i + 1 };
      }
      return { value: ok ? out : undefined, next: i + 1 };
    },
  };
}
