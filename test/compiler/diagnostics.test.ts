/**
 * Diagnostics: one fixture per catalogue code with its rendered text as a golden file
 * (test/fixtures/diagnostics/<CODE>.dnn → <CODE>.txt; regenerate with UPDATE_GOLDEN=1), then the
 * behaviours around them: every mistake in one run, "did you mean", JSON, and the CLI's JSON.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkFile, diagnosticToJson, memoryHost, renderDiagnostics, type Diagnostic } from "../../compiler/index.js";
import { catalogue } from "../../compiler/messages.js";
import { renderDiagnostic } from "../../compiler/render.js";
import { dnnc } from "../cli/run.js";
import { check, codes, root } from "./helpers.js";

const fixtures = join(root, "test/fixtures/diagnostics");
const update = process.env["UPDATE_GOLDEN"] === "1";

/** Check a fixture as if it were a file named `<CODE>.dnn` (so goldens carry no machine paths). */
function checkFixture(code: string): { diagnostics: readonly Diagnostic[]; text: string } {
  const name = `${code}.dnn`;
  const r = checkFile(name, memoryHost({ [name]: readFileSync(join(fixtures, name), "utf8") }));
  return { diagnostics: r.diagnostics, text: renderDiagnostics(r.diagnostics, r.value.program?.sources ?? new Map()) + "\n" };
}

describe("one fixture per catalogue code", () => {
  const catalogued = Object.keys(catalogue).filter((c) => c !== "B000");

  it.each(catalogued)("%s has a fixture", (code) => {
    expect(existsSync(join(fixtures, `${code}.dnn`)), `add test/fixtures/diagnostics/${code}.dnn that produces ${code}`).toBe(true);
  });

  it("every fixture is named after a catalogue code", () => {
    const stems = readdirSync(fixtures)
      .filter((f) => f.endsWith(".dnn"))
      .map((f) => f.slice(0, -4));
    expect(stems.filter((s) => !catalogued.includes(s))).toEqual([]);
  });

  it.each(catalogued.filter((c) => existsSync(join(fixtures, `${c}.dnn`))))("%s: the fixture yields exactly that code, rendered as in its golden .txt", (code) => {
    const { diagnostics, text } = checkFixture(code);
    expect(new Set(codes(diagnostics)), text).toEqual(new Set([code]));
    const golden = join(fixtures, `${code}.txt`);
    if (update) writeFileSync(golden, text);
    expect(existsSync(golden), `missing golden ${code}.txt; run with UPDATE_GOLDEN=1`).toBe(true);
    expect(text).toBe(readFileSync(golden, "utf8"));
  });
});

describe("every independent mistake in one run", () => {
  const source = [
    "model M {", //                               line 1
    "  input image 1x28x28", //                   line 2
    "  conv 8 filters 3x3 strid 2 relu", //       line 3: unknown option (col 22)
    "  dense 10 softmax", //                      line 4: dense on an image (col 3)
    "  dropout 1.5", //                           line 5: p out of range (col 11)
    "}",
    "",
  ].join("\n");
  const r = check(source, "three.dnn");

  it("reports all three, in source order", () => {
    expect(codes(r.diagnostics)).toEqual(["E102", "E301", "E203"]);
  });

  it("each with file:line:col and a caret line under the right columns", () => {
    const expected = [
      { at: "three.dnn:3:22", col: 22, width: "strid".length },
      { at: "three.dnn:4:3", col: 3, width: "dense 10 softmax".length },
      { at: "three.dnn:5:11", col: 11, width: "1.5".length },
    ];
    const sources = r.value.program!.sources;
    r.diagnostics.forEach((d, i) => {
      const text = renderDiagnostic(d, sources);
      const { at, col, width } = expected[i]!;
      expect(text).toContain(`--> ${at}\n`);
      const caret = text.split("\n").find((l) => /^\s*\|\s*\^+$/.test(l));
      expect(caret, text).toBeDefined();
      const bar = caret!.indexOf("| ") + 2;
      expect(caret!.indexOf("^") - bar).toBe(col - 1);
      expect(caret!.length - caret!.indexOf("^")).toBe(width);
    });
  });

  it("ends the text report with the count", () => {
    expect(r.text.endsWith("\n\n3 errors")).toBe(true);
  });
});

describe("did you mean", () => {
  const hintOf = (src: string, code: string) => check(src).diagnostics.find((d) => d.code === code)?.hint;

  it("a misspelt layer kind", () => {
    expect(hintOf("model M {\n  input vector 784\n  dens 10 softmax\n}\n", "E101")).toBe("did you mean `dense`?");
  });
  it("a misspelt option", () => {
    expect(hintOf("model M {\n  input image 1x28x28\n  conv 8 filters 3x3 strid 2\n}\n", "E102")).toBe("did you mean `stride`?");
  });
  it("a misspelt flag word", () => {
    expect(hintOf("model M {\n  input image 1x28x28\n  pool averge 2x2\n}\n", "E102")).toBe("did you mean `average`?");
  });
  it("a misspelt keyword", () => {
    expect(hintOf("modle M {\n  input vector 784\n  dense 10 softmax\n}\n", "E002")).toBe("did you mean `model`?");
  });
  it("a misspelt model name in `train`", () => {
    const src = "model Net {\n  input vector 784\n  dense 10 softmax\n}\ntrain Nett {\n  data mnist\n  loss log_likelihood\n  optimizer sgd lr 0.1\n  batch 10\n  epochs 1\n}\n";
    const d = check(src).diagnostics;
    expect(codes(d)).toEqual(["E103"]);
    expect(d[0]!.message).toBe("no model named `Nett`");
    expect(d[0]!.hint).toBe("did you mean `Net`?");
  });
  it("a misspelt training setting", () => {
    const src = "model Net {\n  input vector 784\n  dense 10 softmax\n}\ntrain Net {\n  data mnist\n  loss log_likelihood\n  optimiser sgd lr 0.1\n  batch 10\n  epochs 1\n}\n";
    expect(hintOf(src, "E101")).toBe("did you mean `optimizer`?");
  });
  it("nothing when no known word is close", () => {
    const d = check("model M {\n  input vector 784\n  zzzzzz 10\n}\n").diagnostics;
    expect(d[0]!.hint).toBeUndefined();
    expect(d[0]!.notes.join(" ")).toContain("known: input, dense, conv");
  });
});

describe("messages stay one mistake, one diagnostic", () => {
  it("a misspelt option does not also report its value", () => {
    expect(codes(check("model M {\n  input image 1x28x28\n  conv 8 filters 3x3 strid 2\n}\n").diagnostics)).toEqual(["E102"]);
  });
  it("a word where a number belongs is a type error, not a missing argument plus an unknown option", () => {
    const d = check("model M {\n  input vector 784\n  dense many relu\n}\n").diagnostics;
    expect(codes(d)).toEqual(["E202"]);
    expect(d[0]!.message).toBe("the units of `dense` must be a whole number ≥ 1, found the word `many`");
  });
  it("an unknown word where a required flag belongs names the choices once", () => {
    const d = check("model M {\n  input image 1x28x28\n  pool maks 2x2\n}\n").diagnostics;
    expect(codes(d)).toEqual(["E202"]);
    expect(d[0]!.message).toBe("the mode of `pool` must be one of `max`, `average`, `l2`, found `maks`");
  });
  it("a second label on the primary line prints that line once", () => {
    const r = check("model M {\n  input image 1x28x28\n  conv 8 filters 3x3 stride 1 stride 2\n}\n");
    expect(codes(r.diagnostics)).toEqual(["E204"]);
    expect(r.text.split("\n").filter((l) => l.includes("conv 8 filters"))).toHaveLength(1);
  });
});

describe("JSON rendering", () => {
  // Offsets by hand: "model M {\n" is 10 characters, each body line 19, "}\n" 2 → the second model
  // starts at 10 + 19 + 19 + 2 = 50 and its name at 56.
  const body = "  input vector 784\n  dense 10 softmax\n";
  const src = `model M {\n${body}}\nmodel M {\n${body}}\n`;
  const r = check(src, "twice.dnn");

  it("has the code, severity, message, 1-based positions plus offsets, labels, notes and hint", () => {
    expect(r.diagnostics).toHaveLength(1);
    const json = diagnosticToJson(r.diagnostics[0]!, r.value.program!.sources);
    expect(json).toEqual({
      code: "E104",
      severity: "error",
      message: "model `M` is defined twice",
      span: { file: "twice.dnn", start: { offset: 56, line: 5, col: 7 }, end: { offset: 57, line: 5, col: 8 } },
      labels: [{ message: "first defined here", span: { file: "twice.dnn", start: { offset: 6, line: 1, col: 7 }, end: { offset: 7, line: 1, col: 8 } } }],
      notes: [],
      hint: "rename one of them",
    });
    // Plain data: survives a JSON round trip unchanged.
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it("`dnnc check --format json` prints {ok, diagnostics} on stdout and exits 1", async () => {
    const run = await dnnc(["check", "--format", "json", "test/fixtures/diagnostics/E301.dnn"]);
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout) as { ok: boolean; diagnostics: { code: string; span: { file: string; start: { line: number; col: number } } }[] };
    expect(out.ok).toBe(false);
    expect(out.diagnostics.map((d) => d.code)).toEqual(["E301"]);
    expect(out.diagnostics[0]!.span.file).toBe("test/fixtures/diagnostics/E301.dnn");
    expect(out.diagnostics[0]!.span.start).toMatchObject({ line: 5, col: 3 });
  });

  it("`dnnc check --format json` on clean files says ok and exits 0", async () => {
    const run = await dnnc(["check", "--format", "json", "examples/mnist/1-fc100-sigmoid.dnn", "examples/classic/lenet5.dnn"]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ ok: true, diagnostics: [], unreadable: [] });
  });
});
