/**
 * The message catalogue: every diagnostic code, what it means, and a typed builder. Codes are
 * stable; E0xx syntax, E1xx names, E2xx arguments, E3xx shapes, E4xx training, W5xx warnings.
 */
import type { Span } from "../grammar/ast.js";
import type { Diagnostic, Label, Severity } from "./diagnostics.js";

interface Extra {
  readonly labels?: readonly Label[];
  readonly notes?: readonly string[];
  readonly hint?: string | undefined;
}

function make(code: Code, severity: Severity, message: string, span: Span, extra: Extra = {}): Diagnostic {
  return { code, severity, message, span, labels: extra.labels ?? [], notes: extra.notes ?? [], hint: extra.hint };
}

/** What each code means, for `docs/diagnostics.md` and `dnnc explain`. */
export const catalogue = {
  E001: "a character that cannot start any token",
  E002: "a syntax error: the parser expected something else here",
  E101: "an unknown layer kind, block or training setting",
  E102: "an unknown option or word in a statement's arguments",
  E103: "a name that is not defined (value, model or block)",
  E104: "a name defined twice",
  E105: "an import that cannot be read",
  E106: "a block that uses itself",
  E107: "a statement that is not allowed where it stands",
  E201: "a required argument is missing",
  E202: "an argument of the wrong type",
  E203: "an argument outside its allowed range",
  E204: "an option given twice",
  E205: "more arguments than the statement takes",
  E301: "a layer receives a tensor of the wrong rank",
  E302: "a window (kernel or pool) does not fit its input",
  E303: "tensors joined by add or concat have incompatible shapes",
  E304: "a model without an input, or with an input that is not first",
  E305: "a size that must divide another does not",
  E401: "a training specification lacks a required setting",
  E402: "the loss does not suit the model's output",
  E403: "the model's output does not match the data",
  E404: "a model has more than one training specification",
  W501: "a setting or layer that has no effect",
  W502: "part of the input is never read by a window",
  W503: "a definition that nothing uses",
} as const;

export type Code = keyof typeof catalogue;

/** Typed builders, one per situation; messages are one specific line. */
export const msg = {
  unexpectedChar: (span: Span, ch: string) => make("E001", "error", `unexpected character \`${ch}\``, span, { hint: "comments start with `#`; sizes are written like `5x5`" }),
  syntax: (span: Span, message: string, hint?: string) => make("E002", "error", message, span, { hint }),
  unknownHead: (span: Span, word: string, where: string, suggestion: string | undefined, known: readonly string[]) =>
    make("E101", "error", `unknown ${where} \`${word}\``, span, {
      hint: suggestion ? `did you mean \`${suggestion}\`?` : undefined,
      notes: suggestion ? [] : [`known: ${known.join(", ")}`],
    }),
  unknownWord: (span: Span, word: string, head: string, suggestion: string | undefined, known: readonly string[]) =>
    make("E102", "error", `\`${head}\` has no option \`${word}\``, span, {
      hint: suggestion ? `did you mean \`${suggestion}\`?` : undefined,
      notes: known.length > 0 ? [`\`${head}\` takes: ${known.join(", ")}`] : [],
    }),
  undefinedName: (span: Span, what: string, name: string, suggestion: string | undefined, notes: readonly string[] = []) =>
    make("E103", "error", `no ${what} named \`${name}\``, span, { hint: suggestion ? `did you mean \`${suggestion}\`?` : undefined, notes }),
  duplicate: (span: Span, what: string, name: string, first: Span) =>
    make("E104", "error", `${what} \`${name}\` is defined twice`, span, { labels: [{ span: first, message: "first defined here" }], hint: `rename one of them` }),
  importFailed: (span: Span, path: string, reason: string) => make("E105", "error", `cannot import "${path}": ${reason}`, span, { hint: "import paths are relative to the importing file" }),
  recursiveBlock: (span: Span, chain: readonly string[]) => make("E106", "error", `block \`${chain[0]}\` uses itself (${chain.join(" → ")})`, span, { hint: "use `repeat N { … }` to stack a block several times" }),
  misplaced: (span: Span, what: string, where: string, hint?: string) => make("E107", "error", `${what} is not allowed ${where}`, span, { hint }),
  missingArg: (span: Span, head: string, what: string, example: string) => make("E201", "error", `\`${head}\` needs ${what}`, span, { hint: `for example: \`${example}\`` }),
  wrongType: (span: Span, what: string, expected: string, found: string, hint?: string) =>
    make("E202", "error", `${what} must be ${expected}, found ${found}`, span, { hint }),
  outOfRange: (span: Span, what: string, range: string, value: string, hint?: string) =>
    make("E203", "error", `${what} must be ${range}, found ${value}`, span, { hint }),
  tooLarge: (span: Span, model: string, limit: number) =>
    make("E203", "error", `model \`${model}\` expands to more than ${limit} statements`, span, { hint: "check the counts of `repeat`: nested repeats and blocks multiply" }),
  duplicateOption: (span: Span, head: string, option: string, first: Span) =>
    make("E204", "error", `\`${head}\` is given \`${option}\` twice`, span, { labels: [{ span: first, message: "first given here" }] }),
  extraArg: (span: Span, head: string, text: string, usage: string) =>
    make("E205", "error", `unexpected argument \`${text}\` to \`${head}\``, span, { notes: [`usage: ${usage}`], hint: "put each layer on its own line" }),
  wrongRank: (span: Span, head: string, expected: string, received: string, producer: string | undefined, hint: string | undefined) =>
    make("E301", "error", `\`${head}\` expects ${expected} but receives ${received}`, span, {
      notes: producer ? [`the input comes from ${producer}`] : [],
      hint,
    }),
  windowTooBig: (span: Span, head: string, axis: string, input: number, padded: number, extent: number, producer: string | undefined) =>
    make("E302", "error", `\`${head}\` window spans ${extent} along ${axis} but the ${axis} is only ${padded}${padded !== input ? ` (${input} + padding)` : ""}`, span, {
      notes: producer ? [`the input comes from ${producer}`] : [],
      hint: "use a smaller kernel, `padding same`, or remove a pooling layer before this one",
    }),
  joinMismatch: (span: Span, head: string, shapes: readonly string[], detail: string) =>
    make("E303", "error", `\`${head}\` cannot join ${shapes.join(" and ")}: ${detail}`, span, { hint: head === "add" ? "both operands of `add` need the same shape; a 1x1 `conv` can change the channel count" : "concat joins along channels; the other dimensions must agree" }),
  noInput: (span: Span, model: string) => make("E304", "error", `model \`${model}\` does not start with an \`input\``, span, { hint: "begin the model with e.g. `input image 1x28x28` or `input vector 784`" }),
  inputNotFirst: (span: Span) => make("E304", "error", "`input` must be the first statement of a model", span, { hint: "a model has one input, at its top" }),
  notDivisible: (span: Span, what: string, n: number, k: number) => make("E305", "error", `${what}: ${n} is not divisible by ${k}`, span),
  missingSetting: (span: Span, model: string, setting: string, example: string) =>
    make("E401", "error", `training of \`${model}\` does not say its ${setting}`, span, { hint: `add ${example.includes("`, `") ? "lines" : "a line"} like \`${example}\`` }),
  lossMismatch: (span: Span, loss: string, needs: string, has: string, hint: string) => make("E402", "error", `loss \`${loss}\` needs ${needs}, but the model ends with ${has}`, span, { hint }),
  outputMismatch: (span: Span, message: string, notes: readonly string[], hint: string) => make("E403", "error", message, span, { notes, hint }),
  twoTrainings: (span: Span, model: string, first: Span) => make("E404", "error", `model \`${model}\` has two training specifications`, span, { labels: [{ span: first, message: "first one here" }], hint: "use `sweep` to try several settings" }),
  noEffect: (span: Span, message: string, hint?: string) => make("W501", "warning", message, span, { hint }),
  unreadInput: (span: Span, message: string, hint?: string) => make("W502", "warning", message, span, { hint }),
  unused: (span: Span, what: string, name: string) => make("W503", "warning", `${what} \`${name}\` is never used`, span, { hint: "remove it, or prefix its name with `_` to keep it quiet" }),
};

/** A broken invariant inside the compiler, reported rather than thrown. */
export function bug(span: Span, message: string): Diagnostic {
  return { code: "B000", severity: "bug", message: `internal compiler error: ${message}`, span, labels: [], notes: ["this is a bug in dnnc, not in your file; please report it with the file"], hint: undefined };
}
