/**
 * Robustness: whatever the input, `checkFile` returns diagnostics (never throws), every span lies
 * inside its source, rendering works, and no input takes pathologically long. Inputs: random
 * strings, token soups from the language's vocabulary, and mutations of the example files.
 * Set DNNC_FUZZ_SEED to replay a failing run (fast-check prints the seed and path on failure), and
 * DNNC_FUZZ_SCALE to multiply the number of inputs.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkFile, diagnosticToJson, memoryHost, renderDiagnostics } from "../../compiler/index.js";
import { catalogue } from "../../compiler/messages.js";
import { exampleSources } from "./helpers.js";

/** Per-input time budget: a sanity bound against hangs and blow-ups, not a performance test. */
const budgetMs = 2000;
const seed = process.env["DNNC_FUZZ_SEED"] ? Number(process.env["DNNC_FUZZ_SEED"]) : undefined;
/** DNNC_FUZZ_SCALE=20 runs twenty times as many inputs, for a longer hunt. */
const scale = Number(process.env["DNNC_FUZZ_SCALE"] ?? 1) || 1;
const params = (numRuns: number) => ({ numRuns: Math.round(numRuns * scale), ...(seed === undefined ? {} : { seed }) });

const examples = exampleSources();
const examplePaths = Object.keys(examples);
const known = new Set(Object.keys(catalogue));

/** Check `text` as `path` (other examples stay importable) and assert the invariants. */
function checkInvariants(text: string, path = "fuzz.dnn"): void {
  const host = memoryHost({ ...examples, [path]: text });
  const t0 = performance.now();
  const r = checkFile(path, host);
  const rendered = renderDiagnostics(r.diagnostics, r.value.program?.sources ?? new Map());
  const ms = performance.now() - t0;
  expect(ms, `took ${ms.toFixed(0)} ms`).toBeLessThan(budgetMs);
  expect(Array.isArray(r.diagnostics)).toBe(true);
  expect(typeof rendered).toBe("string");
  const sources = r.value.program!.sources;
  for (const d of r.diagnostics) {
    expect(known.has(d.code), `${d.code}: ${d.message}`).toBe(true);
    expect(d.severity).not.toBe("bug");
    expect(d.message.length).toBeGreaterThan(0);
    for (const span of [d.span, ...d.labels.map((l) => l.span)]) {
      const src = sources.get(span.file);
      expect(src, `${d.code} points into unknown file ${span.file}`).toBeDefined();
      expect(Number.isInteger(span.start) && Number.isInteger(span.end), `${d.code} span ${span.start}..${span.end}`).toBe(true);
      expect(0 <= span.start && span.start <= span.end && span.end <= src!.length, `${d.code} span ${span.start}..${span.end} in ${src!.length} chars`).toBe(true);
    }
    JSON.stringify(diagnosticToJson(d, sources));
  }
}

// The language's vocabulary: structure, layer heads, options, flags, values, punctuation.
const words = [
  "model", "block", "train", "import", "repeat", "input", "image", "vector", "sequence", "dense", "conv", "pool", "flatten",
  "dropout", "batchnorm", "maxout", "add", "concat", "sigmoid", "tanh", "relu", "leaky_relu", "softmax", "identity", "filters",
  "units", "stride", "padding", "dilation", "bias", "init", "slope", "from", "same", "valid", "full", "max", "average", "l2",
  "l1", "rounding", "ceil", "floor", "on", "off", "he", "glorot", "constant", "data", "mnist", "fashion_mnist", "csv", "idx",
  "npy", "validation", "loss", "log_likelihood", "cross_entropy", "quadratic", "optimizer", "sgd", "adam", "momentum", "lr",
  "schedule", "step", "cosine", "plateau", "warmup", "regularize", "batch", "epochs", "early_stop", "patience", "augment",
  "shift", "rotate", "elastic", "ensemble", "vote", "majority", "seed", "sweep", "grid", "lr", "M", "N", "x", "c", "skip",
  "conv_pool", "residual", "dens", "modle",
];
const punctuation = ["{", "}", "(", ")", "[", "]", ",", "=", ";", "->", "→", "*", "/", "#", '"', "\\", "×", "@", "$"];
const literals = ["0", "1", "2", "3", "5", "10", "28", "100", "784", "10000", "0.5", "1.5", "-1", "1e-3", "1e999", ".5", "5x5", "2x2", "1x28x28", "3x32x32", "100x4", '"a.csv"', '"../blocks/conv-pool.dnn"', '""', "# note"];
const separators = [" ", " ", " ", "\n", "\n  ", "", "\t", "\r\n"];
const vocabulary = [...words, ...punctuation, ...literals];

const tokenSoup = fc
  .array(fc.tuple(fc.constantFrom(...vocabulary), fc.constantFrom(...separators)), { maxLength: 80 })
  .map((parts) => parts.map(([t, s]) => t + s).join(""));

/** A model skeleton filled with a token soup, so soups reach the checker, not just the parser. */
const soupInModel = fc
  .tuple(tokenSoup, fc.constantFrom("vector 784", "image 1x28x28", "sequence 100x4"))
  .map(([soup, input]) => `model M {\n  input ${input}\n  ${soup}\n}\n`);

const randomText = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: "grapheme", maxLength: 100 }),
  fc.string({ unit: fc.constantFrom(..."{}()[]=,;*/#\"\\-> \n\t0123456789x.eEmodelrunt_×→"), maxLength: 200 }),
);

/** Split a source into pieces (words, numbers, punctuation, whitespace) that mutations work on. */
function pieces(text: string): string[] {
  return text.match(/\s+|[A-Za-z_][A-Za-z0-9_]*|\d+(?:[x×]\d+)+|\d+\.?\d*(?:[eE][+-]?\d+)?|"[^"\n]*"|#[^\n]*|->|[\s\S]/gu) ?? [];
}

type Mutation =
  | { kind: "delete" | "duplicate" | "deleteChar" | "duplicateLine"; at: number }
  | { kind: "swap"; at: number; other: number }
  | { kind: "insert"; at: number; token: string }
  | { kind: "insertChar" | "replaceChar"; at: number; ch: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom("delete" as const, "duplicate" as const, "deleteChar" as const, "duplicateLine" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("swap" as const), at: fc.nat(), other: fc.nat() }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), token: fc.constantFrom(...vocabulary.map((v) => ` ${v} `)) }),
  fc.record({ kind: fc.constantFrom("insertChar" as const, "replaceChar" as const), at: fc.nat(), ch: fc.constantFrom(..."{}()[]=,;*/#\"x0159\n .-_aé→×\u0000") }),
);

function mutate(text: string, m: Mutation): string {
  const p = pieces(text);
  if (p.length === 0) return text;
  const i = m.at % p.length;
  switch (m.kind) {
    case "delete":
      p.splice(i, 1);
      return p.join("");
    case "duplicate":
      p.splice(i, 0, p[i]!);
      return p.join("");
    case "swap": {
      const j = m.other % p.length;
      [p[i], p[j]] = [p[j]!, p[i]!];
      return p.join("");
    }
    case "insert":
      p.splice(i, 0, m.token);
      return p.join("");
    case "duplicateLine": {
      const lines = text.split("\n");
      const l = m.at % lines.length;
      lines.splice(l, 0, lines[l]!);
      return lines.join("\n");
    }
    case "deleteChar": {
      const c = m.at % text.length;
      return text.slice(0, c) + text.slice(c + 1);
    }
    case "insertChar":
    case "replaceChar": {
      const c = m.at % (text.length + 1);
      return text.slice(0, c) + m.ch + text.slice(m.kind === "replaceChar" ? c + 1 : c);
    }
  }
}

const mutatedExample = fc
  .tuple(fc.constantFrom(...examplePaths), fc.array(mutation, { minLength: 1, maxLength: 6 }))
  .map(([path, ms]) => ({ path, text: ms.reduce(mutate, examples[path]!) }));

describe("checkFile never throws and keeps its spans inside the source", () => {
  it("on random strings (2,000)", () => {
    fc.assert(fc.property(randomText, (text) => checkInvariants(text)), params(2000));
  });

  it("on token soups from the language's vocabulary (1,500 loose, 1,500 inside a model)", () => {
    fc.assert(fc.property(tokenSoup, (text) => checkInvariants(text)), params(1500));
    fc.assert(fc.property(soupInModel, (text) => checkInvariants(text)), params(1500));
  });

  it("on mutations of the example files (3,000)", () => {
    fc.assert(fc.property(mutatedExample, ({ path, text }) => checkInvariants(text, path)), params(3000));
  });

  it("gives the same answer twice for the same input (no state kept between runs; 300)", () => {
    const run = (path: string, text: string) => {
      const r = checkFile(path, memoryHost({ ...examples, [path]: text }));
      return renderDiagnostics(r.diagnostics, r.value.program?.sources ?? new Map());
    };
    fc.assert(
      fc.property(mutatedExample, tokenSoup, ({ path, text }, soup) => {
        const first = run(path, text);
        run("other.dnn", soup); // something else in between
        expect(run(path, text)).toBe(first);
      }),
      params(300),
    );
  });

  it("the mutation helpers do change the examples", () => {
    const text = examples["examples/classic/lenet5.dnn"]!;
    expect(mutate(text, { kind: "delete", at: 0 })).not.toBe(text);
    expect(mutate(text, { kind: "insert", at: 3, token: " } " })).toContain(" } ");
    expect(pieces(text).join("")).toBe(text);
  });
});

describe("pathological inputs stay within budget and give a diagnostic", () => {
  const cases: [string, string][] = [
    ["deeply nested parentheses", `model M {\n  input vector 4\n  dense ${"(".repeat(3000)}1${")".repeat(3000)}\n}\n`],
    ["deeply nested lists", `model M {\n  input vector 4\n  dense ${"[".repeat(3000)}1${"]".repeat(3000)}\n}\n`],
    ["deeply nested repeats", `model M {\n  input vector 4\n  ${"repeat 1 {".repeat(3000)} relu ${"}".repeat(3000)}\n}\n`],
    ["a very long operator chain", `model M {\n  input vector 4\n  dense 1${"*1".repeat(30000)}\n}\n`],
    ["nested repeats that multiply to 10^8 layers", "model M {\n  input vector 4\n  repeat 10000 { repeat 10000 { relu } }\n}\n"],
    ["blocks that double at every level", `${Array.from({ length: 24 }, (_, i) => `block b${i}() {\n  b${i + 1}\n  b${i + 1}\n}\n`).join("")}block b24() {\n  relu\n}\nmodel M {\n  input vector 4\n  b0\n}\n`],
    ["an unclosed string and brace", 'model M {\n  input vector 4\n  import "abc\n'],
    ["only braces", "}}}}{{{{".repeat(500)],
    ["a file importing itself", 'import "fuzz.dnn"\nmodel M {\n  input vector 4\n  dense 2 softmax\n}\n'],
  ];
  it.each(cases)("%s", (_name, text) => {
    checkInvariants(text);
    const r = checkFile("fuzz.dnn", memoryHost({ "fuzz.dnn": text }));
    if (!_name.startsWith("a file importing")) expect(r.diagnostics.some((d) => d.severity === "error")).toBe(true);
  });
});
