/**
 * The words of the language, derived from the tables the checker uses: statement heads (layer kinds
 * from compiler/layers, training settings from compiler/train/settings.ts), each head's options,
 * flag words, unit words and the words its options take, and the structural keywords of the lexer.
 */
import { layerDefs } from "../compiler/layers/index.js";
import { initNames, initValue } from "../compiler/layers/common.js";
import { settings } from "../compiler/train/settings.js";
import { usage, type ArgsSpec } from "../compiler/check/args.js";
import type { ValueType } from "../compiler/check/values.js";
import { structuralKeywords } from "../grammar/tokens.js";

export interface Head {
  readonly word: string;
  /** A layer of a model or block, or a setting of a `train` specification. */
  readonly kind: "layer" | "setting";
  readonly doc: string;
  readonly args: ArgsSpec;
  /** One-line usage, e.g. `dense UNITS [activation] [init INIT] …`. */
  readonly usage: string;
}

export const layerHeads: readonly Head[] = [...layerDefs].map(([word, def]) => ({ word, kind: "layer", doc: def.doc, args: def.args, usage: usage(word, def.args) }));
export const settingHeads: readonly Head[] = Object.entries(settings).map(([word, s]) => ({ word, kind: "setting", doc: s.doc, args: s, usage: usage(word, s) }));

const heads = new Map<string, Head>([...layerHeads, ...settingHeads].map((h) => [h.word, h]));

/** The layer kind or training setting a statement head names, if any. */
export function headOf(word: string): Head | undefined {
  return heads.get(word);
}

export const keywords: readonly string[] = structuralKeywords;

/** The fixed words an option's value may be: `same` for `padding`, `he` for `init`, `on` for `bias`. */
export function valueWords(type: ValueType<unknown>): string[] {
  if (type === (initValue as ValueType<unknown>)) return [...initNames];
  // Word-valued types list their words in backticks in their description ("one of `floor`, `ceil`").
  return [...type.describe.matchAll(/`([A-Za-z_][A-Za-z0-9_]*)`/g)].map((m) => m[1]!);
}

/** Every flag word of a table (activations, pooling modes, optimizer kinds, …). */
export function flagWords(spec: ArgsSpec): string[] {
  return Object.values(spec.flags).flatMap((f) => [...f.words]);
}

/** Words that may follow a positional value only to read well (`20 filters`, `2 epochs`). */
export function unitWords(spec: ArgsSpec): string[] {
  return spec.positional.flatMap((p) => [...(p.units ?? [])]);
}

const tables = [...heads.values()].map((h) => h.args);
/** Across the whole language: every option name, every value word (flags and option values), every unit word. */
export const allOptions: ReadonlySet<string> = new Set(tables.flatMap((t) => Object.keys(t.options)));
export const allValueWords: ReadonlySet<string> = new Set(tables.flatMap((t) => [...flagWords(t), ...Object.values(t.options).flatMap(valueWords)]));
export const allUnitWords: ReadonlySet<string> = new Set(tables.flatMap(unitWords));
