/**
 * Formatting random programs that parse: the output parses to the same tree with the same comments,
 * and formatting it again changes nothing (helpers.ts checks both, independently of format/).
 * Inputs: files generated from the grammar, with random blanks, separators, blank lines and
 * comments; and line-level edits of the examples. DNNC_FUZZ_SEED replays a failing run;
 * DNNC_FUZZ_SCALE multiplies the number of inputs.
 */
import fc from "fast-check";
import { describe, it } from "vitest";
import { parseSource } from "../../grammar/parse.js";
import { exampleSources } from "../compiler/helpers.js";
import { formatAndCheck } from "./helpers.js";

const seed = process.env["DNNC_FUZZ_SEED"] ? Number(process.env["DNNC_FUZZ_SEED"]) : undefined;
const scale = Number(process.env["DNNC_FUZZ_SCALE"] ?? 1) || 1;
/** A larger scale needs a longer time limit than the default minute. */
const timeout = 60_000 * Math.max(1, scale);
const params = (numRuns: number) => ({ numRuns: Math.round(numRuns * scale), ...(seed === undefined ? {} : { seed }) });

const blank = fc.constantFrom("", " ", "  ", "\t", "   ");
const space = fc.constantFrom(" ", "  ", "\t", " \t ");
const name = fc.constantFrom("a", "x", "skip", "dense", "conv", "relu", "c", "_t2", "model_", "Blocks", "repeat2");
const number = fc.constantFrom("0", "1", "10", "-1", "0.5", ".5", "1.", "1e-3", "2.5E+2", "784");
const dims = fc.constantFrom("5x5", "5×5", "1x28x28", "2x1");
const string = fc.constantFrom('"a.csv"', '""', '"q\\"x"', '"a # b"', '"{ -> ; }"', '"→×"');
const commentText = fc.constantFrom("", " note", "→ 20×24×24, 520 params", "-> { ; }", "#", " trailing blanks  ", " 注释");
const comment = commentText.map((t) => `#${t}`);

/** Expressions of numbers and names with * and /, with optional spaces and (redundant) parentheses. */
const { expr } = fc.letrec<{ expr: string; primary: string }>((tie) => ({
  primary: fc.oneof({ depthSize: "small" }, number, name, fc.tuple(blank, tie("expr"), blank).map(([s, e, t]) => `(${s}${e}${t})`)),
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    tie("primary"),
    fc.tuple(tie("primary"), blank, fc.constantFrom("*", "/"), blank, tie("primary")).map((p) => p.join("")),
  ),
}));

const { arg } = fc.letrec<{ arg: string }>((tie) => ({
  arg: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    expr,
    dims,
    string,
    fc.array(tie("arg"), { maxLength: 3 }).chain((items) => fc.tuple(blank, blank).map(([s, t]) => `[${s}${items.join(`${s},${t}`)}${t}]`)),
  ),
}));

/** `[target =] head arg…`, arguments separated by blanks and optional commas, maybe one after the last. */
const statement = fc
  .tuple(
    fc.option(name.map((n) => `${n} = `)),
    name,
    fc.array(fc.tuple(fc.constantFrom(" ", "  ", ", ", " ,", ",\t"), arg), { maxLength: 4 }),
    fc.constantFrom("", "", ","),
  )
  // A comma may follow an argument, never the head.
  .map(([target, head, args, end]) => `${target ?? ""}${head}${args.map(([s, a], i) => (i === 0 ? " " : s) + a).join("")}${args.length ? end : ""}`);

/** What goes between two statements: a line break, `;` or an arrow, with blanks, blank lines and comments. */
const separator = fc.oneof(
  fc.tuple(blank, fc.option(comment), fc.constantFrom("\n", "\n\n", "\n\n\n", "\r\n"), blank).map(([a, c, n, b]) => `${a}${c ?? ""}${n}${b}`),
  fc.tuple(blank, fc.constantFrom(";", "->", "→", "; ->")).map(([a, s]) => `${a}${s} `),
  fc.tuple(blank, fc.constantFrom("->", "→", ";"), blank, comment, blank).map(([a, s, b, c, d]) => `${a}${s}${b}${c}\n${d}`),
  fc.tuple(comment, blank).map(([c, b]) => `\n${c}\n${b}`),
  fc.tuple(comment, blank).map(([c, b]) => `\n${c}\n${b}-> `),
);

/** A body: `{`, maybe a comment, statements (some of them repeats) with separators, `}`. */
const { body } = fc.letrec<{ body: string; stmt: string }>((tie) => ({
  stmt: fc.oneof({ depthSize: "small", withCrossShrink: true, depthIdentifier: "body" }, statement, statement, fc.tuple(arg, blank, tie("body")).map(([n, b, body]) => `repeat ${n}${b}${body}`)),
  body: fc
    .tuple(
      fc.constantFrom("{", "{ ", "{\n", "{\n\n  ", "{  "),
      fc.option(comment.map((c) => `${c}\n`)),
      fc.array(fc.tuple(tie("stmt"), separator), { maxLength: 5, depthIdentifier: "body" }),
      fc.constantFrom("", " ", "\n", "\n# last\n"),
    )
    .map(([open, c, parts, close]) => {
      // A comment must end its line, and a statement needs a separator before the next one.
      const inner = parts.map(([s, sep], i) => s + (i < parts.length - 1 ? sep : sep.includes("#") ? sep : "")).join("");
      const needsBreak = /#[^\n]*$/.test(inner) ? "\n" : "";
      return `${open}${c ?? ""}${inner}${needsBreak}${close}}`;
    }),
}));

const item = fc.oneof(
  fc.tuple(name, blank, body).map(([n, b, bd]) => `model ${n}${b}${bd}`),
  fc.tuple(name, blank, body).map(([n, b, bd]) => `train ${n}${b}${bd}`),
  fc
    .tuple(name, fc.array(fc.tuple(name, fc.option(arg)), { maxLength: 3 }), blank, body)
    .map(([n, ps, b, bd]) => `block ${n}(${ps.map(([p, d]) => (d === null ? p : `${p} = ${d}`)).join(", ")})${b}${bd}`),
  fc.tuple(string, blank).map(([s, b]) => `import${b || " "}${s}`),
);

const file = fc
  .tuple(
    fc.constantFrom("", "\n", "# header\n\n", "  # indented header\n"),
    fc.array(fc.tuple(item, fc.constantFrom("\n", "\n\n", "\n\n\n", ";", " ", "", "  # after\n", "\n# between\n\n")), { maxLength: 4 }),
  )
  .map(([head, items]) => head + items.map(([i, s]) => i + s).join(""));

/** Line-level edits of an example: they keep most files parsing. */
type Edit = { kind: "duplicate" | "delete" | "indent" | "join" | "blank" | "comment" | "trail"; at: number; text: string };
const edit: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom("duplicate", "delete", "indent", "join", "blank", "comment", "trail"),
  at: fc.nat(),
  text: fc.constantFrom("  ", "\t", "      ", " -> ", "; ", " → ", "# note", "#", "# -> {"),
});
function apply(text: string, e: Edit): string {
  const lines = text.split("\n");
  const i = e.at % lines.length;
  const line = lines[i]!;
  switch (e.kind) {
    case "duplicate":
      lines.splice(i, 0, line);
      break;
    case "delete":
      lines.splice(i, 1);
      break;
    case "indent":
      lines[i] = e.text.trim() === "" ? e.text + line : line;
      break;
    case "join":
      if (i + 1 < lines.length && !line.includes("#") && /[;>→]/.test(e.text)) lines.splice(i, 2, line + e.text + lines[i + 1]!.trim());
      break;
    case "blank":
      lines.splice(i, 0, "");
      break;
    case "comment":
      lines.splice(i, 0, e.text.startsWith("#") ? e.text : `# ${e.text.trim()}`);
      break;
    case "trail":
      if (!line.includes("#") && line.trim() !== "") lines[i] = `${line}${" ".repeat(e.at % 7)}# ${e.text.trim()}`;
      break;
  }
  return lines.join("\n");
}
const examples = Object.values(exampleSources());
const editedExample = fc.tuple(fc.constantFrom(...examples), fc.array(edit, { minLength: 1, maxLength: 8 })).map(([t, es]) => es.reduce(apply, t));

const parses = (text: string) => parseSource("t.dnn", text).diagnostics.length === 0;

describe("formatting keeps the tree and the comments, and is idempotent", () => {
  it("on files generated from the grammar (400)", async () => {
    await fc.assert(
      fc.asyncProperty(file, async (text) => {
        fc.pre(parses(text));
        await formatAndCheck(text);
      }),
      params(400),
    );
  }, timeout);

  it("on line-level edits of the examples (300)", async () => {
    await fc.assert(
      fc.asyncProperty(editedExample, async (text) => {
        fc.pre(parses(text));
        await formatAndCheck(text);
      }),
      params(300),
    );
  }, timeout);
});
