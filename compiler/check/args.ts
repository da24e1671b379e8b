/**
 * Matching a statement's flat argument list against a table: positional values in order, `key
 * value` options, flag words grouped by meaning (an activation, a pooling mode), and unit words
 * that only read well (`20 filters`).
 */
import type { Arg, Ident, NameArg, Span } from "../../grammar/ast.js";
import { msg } from "../messages.js";
import { suggest } from "../suggest.js";
import type { ArgContext, ValueType } from "./values.js";
import { argText } from "./values.js";

export interface PositionalSpec {
  readonly key: string;
  readonly type: ValueType<unknown>;
  readonly required: boolean;
  /** Words allowed right after this value, e.g. `filters` in `conv 20 filters`. */
  readonly units?: readonly string[];
  /** How to name it in messages and usage lines. */
  readonly label: string;
}

export interface ArgsSpec {
  readonly positional: readonly PositionalSpec[];
  readonly options: Readonly<Record<string, ValueType<unknown>>>;
  /** Groups of mutually exclusive words; `required` groups must appear. */
  readonly flags: Readonly<Record<string, { readonly words: readonly string[]; readonly required: boolean }>>;
  /** Collects every remaining bare name, e.g. the operands of `add a, b`. */
  readonly rest?: { readonly key: string; readonly label: string };
  /** Bare words fill positional values in order (block uses), instead of being unknown options. */
  readonly namesArePositional?: boolean;
  /** A complete example, used in hints. */
  readonly example: string;
}

export interface Matched {
  readonly span: Span;
  readonly value: unknown;
}

/** Matched arguments by key (positional key, option name, flag group or rest key). */
export type MatchedArgs = ReadonlyMap<string, Matched>;

/** One-line usage, e.g. `conv FILTERS [filters] KERNEL [stride …] [padding …]`. */
export function usage(head: string, spec: ArgsSpec): string {
  const parts = [head];
  for (const p of spec.positional) parts.push(p.required ? p.label : `[${p.label}]`);
  if (spec.rest) parts.push(`${spec.rest.label}…`);
  for (const [g, f] of Object.entries(spec.flags)) parts.push(f.required ? `(${f.words.join("|")})` : `[${g}]`);
  for (const [k, t] of Object.entries(spec.options)) parts.push(`[${k} ${t.describe.startsWith("one of") ? t.describe.slice(7).replace(/`/g, "").replace(/, /g, "|") : k.toUpperCase()}]`);
  return parts.join(" ");
}

/** Match `args` against `spec`, reporting every problem through `ctx`. */
export function matchArgs(head: Ident, args: readonly Arg[], spec: ArgsSpec, ctx: ArgContext, stmtSpan: Span): Map<string, Matched> {
  const out = new Map<string, Matched>();
  const flagOf = new Map<string, string>();
  for (const [g, f] of Object.entries(spec.flags)) for (const w of f.words) flagOf.set(w, g);
  const units = new Set(spec.positional.flatMap((p) => p.units ?? []));
  const stray: NameArg[] = [];
  const quiet: ArgContext = { head: ctx.head, report: () => undefined };
  let pos = 0;
  let i = 0;
  while (i < args.length) {
    const a = args[i]!;
    if (a.kind === "name") {
      // A word that is both an option and a flag (`optimizer momentum lr 0.1 momentum 0.9`) is the
      // flag when no value follows it and its group is still open, and the option otherwise.
      const flagFirst = flagOf.has(a.name) && !out.has(flagOf.get(a.name)!) && (args[i + 1] === undefined || args[i + 1]!.kind === "name");
      const option = flagFirst ? undefined : spec.options[a.name];
      if (option) {
        const prev = out.get(a.name);
        if (prev) ctx.report(msg.duplicateOption(a.span, head.name, a.name, prev.span));
        const t = option.take(args, i + 1, `\`${a.name}\``, a.span, ctx);
        if (t.value !== undefined && !prev) out.set(a.name, { span: spanThrough(a.span, args[t.next - 1]?.span ?? a.span), value: t.value });
        i = Math.max(t.next, i + 1);
        continue;
      }
      const group = flagOf.get(a.name);
      if (group) {
        const prev = out.get(group);
        if (prev) ctx.report(msg.duplicateOption(a.span, head.name, group, prev.span));
        else out.set(group, { span: a.span, value: a.name });
        i++;
        continue;
      }
      if (units.has(a.name)) {
        i++;
        continue;
      }
      if (spec.namesArePositional && spec.positional[pos]) {
        // Block arguments: a bare word is a value (`layer 100 sigmoid` binds `sigmoid` to a parameter).
        const p = spec.positional[pos]!;
        const t = p.type.take(args, i, `the ${p.label.toLowerCase()} of \`${head.name}\``, a.span, ctx);
        if (t.value !== undefined) out.set(p.key, { span: a.span, value: t.value });
        pos++;
        i = Math.max(t.next, i + 1);
        continue;
      }
      if (spec.rest) {
        const list = (out.get(spec.rest.key)?.value as { name: string; span: Span }[] | undefined) ?? [];
        list.push({ name: a.name, span: a.span });
        out.set(spec.rest.key, { span: a.span, value: list });
        i++;
        continue;
      }
      const known = [...Object.keys(spec.options), ...flagOf.keys()];
      const guess = suggest(a.name, [...known, ...units]);
      const guessed = guess === undefined ? undefined : spec.options[guess];
      if (guess === undefined) {
        // Held back: it may be a misplaced value (`dense many`), reported once below.
        stray.push(a);
        i++;
        continue;
      }
      ctx.report(msg.unknownWord(a.span, a.name, head.name, guess, known));
      // A misspelt option (`strde 2`) still owns its value; skip it quietly instead of cascading.
      i = guessed ? Math.max(guessed.take(args, i + 1, `\`${guess}\``, a.span, quiet).next, i + 1) : i + 1;
      continue;
    }
    const p = spec.positional[pos];
    if (!p) {
      ctx.report(msg.extraArg(a.span, head.name, argText(a), usage(head.name, spec)));
      i++;
      continue;
    }
    const t = p.type.take(args, i, `the ${p.label.toLowerCase()} of \`${head.name}\``, a.span, ctx);
    if (t.value !== undefined) out.set(p.key, { span: spanThrough(a.span, args[t.next - 1]?.span ?? a.span), value: t.value });
    pos++;
    i = Math.max(t.next, i + 1);
  }
  const firstMissing = spec.positional.slice(pos).find((p) => p.required && !out.has(p.key));
  // A required value or word missing and an unknown word present: most likely the word stands where
  // the value should (`dense many relu`, `pool maks 2x2`), so say that once, not as two errors.
  const used = new Set<NameArg>();
  const misplaced = firstMissing ? stray.find((w) => firstMissing.type.take([w], 0, "", w.span, quiet).value === undefined) : undefined;
  if (firstMissing && misplaced) {
    used.add(misplaced);
    firstMissing.type.take([misplaced], 0, `the ${firstMissing.label.toLowerCase()} of \`${head.name}\``, misplaced.span, ctx);
  } else if (firstMissing) ctx.report(msg.missingArg(stmtSpan, head.name, `its ${firstMissing.label.toLowerCase()}`, spec.example));
  for (const [g, f] of Object.entries(spec.flags)) {
    if (!f.required || out.has(g)) continue;
    const words = f.words.map((w) => `\`${w}\``).join(", ");
    const w = stray.find((x) => !used.has(x));
    if (w) {
      used.add(w);
      ctx.report(msg.wrongType(w.span, `the ${g} of \`${head.name}\``, `one of ${words}`, `\`${w.name}\``));
    } else ctx.report(msg.missingArg(stmtSpan, head.name, `its ${g} (${words})`, spec.example));
  }
  const known = [...Object.keys(spec.options), ...flagOf.keys()];
  for (const w of stray) if (!used.has(w)) ctx.report(msg.unknownWord(w.span, w.name, head.name, undefined, known));
  return out;
}

function spanThrough(a: Span, b: Span): Span {
  return { file: a.file, start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

/** Typed read of a matched value. */
export function get<T>(m: MatchedArgs, key: string): T | undefined {
  return m.get(key)?.value as T | undefined;
}
