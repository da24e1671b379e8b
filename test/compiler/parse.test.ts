/**
 * The front end: the AST of a representative file (spans, comments), separators, recovery, and the
 * program-level features that hang off parsing: imports (cycles, missing files), blocks with
 * defaults, recursion, repeat.
 */
import { describe, expect, it } from "vitest";
import type { Arg, BlockDecl, ModelDecl, Span, Statement, Stmt, TrainDecl } from "../../grammar/ast.js";
import { parseSource } from "../../grammar/parse.js";
import { checkFile, memoryHost } from "../../compiler/index.js";
import { check, codes } from "./helpers.js";

const source = `# A representative file.
import "lib/blocks.dnn"

block conv_pool(n, k = 5) {
  conv n filters k relu   # the window is k×k
  pool max 2x2
}

model Net {
  input image 1x28x28
  conv_pool 20
  skip = conv 20 filters 3×3 padding same
  repeat 2 { relu }
  add skip
  flatten
  dense 100 relu init constant 0.1
  dense 10 softmax
}

train Net {
  data csv "data/train \\"v2\\".csv" classes 10
  loss log_likelihood
  optimizer sgd lr 1/32
  sweep grid lr [0.01, 0.03] batch [10]
  batch 10
  epochs 3
}
`;

const parsed = parseSource("rep.dnn", source);
const ast = parsed.value;
/** The source text a span covers. */
const at = (s: Span) => source.slice(s.start, s.end);
const stmt = (s: Stmt | undefined): Statement => {
  expect(s?.kind).toBe("statement");
  return s as Statement;
};

describe("the AST of a representative file", () => {
  it("parses without diagnostics", () => {
    expect(parsed.diagnostics).toEqual([]);
  });

  it("has its top-level items in order, each spanning its text", () => {
    expect(ast.kind).toBe("file");
    expect(ast.span).toEqual({ file: "rep.dnn", start: 0, end: source.length });
    expect(ast.items.map((i) => i.kind)).toEqual(["import", "block", "model", "train"]);
    expect(at(ast.items[0]!.span)).toBe('import "lib/blocks.dnn"');
    expect(ast.items[0]).toMatchObject({ kind: "import", path: "lib/blocks.dnn" });
    for (const item of ast.items.slice(1)) {
      expect(at(item.span)).toMatch(/^(block|model|train) .*}$/s);
      expect(item.span.file).toBe("rep.dnn");
    }
  });

  it("keeps comments with their text and spans", () => {
    expect(ast.comments.map((c) => c.text)).toEqual(["# A representative file.", "# the window is k×k"]);
    for (const c of ast.comments) expect(at(c.span)).toBe(c.text);
  });

  it("blocks: name, parameters with and without defaults, body", () => {
    const b = ast.items[1] as BlockDecl;
    expect(at(b.name.span)).toBe("conv_pool");
    expect(b.params.map((p) => [p.name.name, p.default?.kind])).toEqual([
      ["n", undefined],
      ["k", "number"],
    ]);
    expect(at(b.params[1]!.span)).toBe("k = 5");
    expect(b.body.map((s) => at(s.span))).toEqual(["conv n filters k relu", "pool max 2x2"]);
  });

  it("statements: target, head, arguments of every kind, each with its span", () => {
    const m = ast.items[2] as ModelDecl;
    expect(m.name).toMatchObject({ kind: "ident", name: "Net" });
    expect(at(m.name.span)).toBe("Net");
    expect(m.body.map((s) => s.kind)).toEqual(["statement", "statement", "statement", "repeat", "statement", "statement", "statement", "statement"]);

    const input = stmt(m.body[0]);
    expect(input.target).toBeUndefined();
    expect(input.head.name).toBe("input");
    expect(input.args).toMatchObject([
      { kind: "name", name: "image" },
      { kind: "dims", values: [1, 28, 28], text: "1x28x28" },
    ]);

    const skip = stmt(m.body[2]);
    expect(skip.target?.name).toBe("skip");
    expect(at(skip.target!.span)).toBe("skip");
    expect(at(skip.span)).toBe("skip = conv 20 filters 3×3 padding same");
    expect(skip.args.map((a) => at(a.span))).toEqual(["20", "filters", "3×3", "padding", "same"]);
    expect(skip.args[2]).toMatchObject({ kind: "dims", values: [3, 3] });

    const dense = stmt(m.body[6]);
    expect(dense.args.map((a) => [a.kind, at(a.span)])).toEqual([
      ["number", "100"],
      ["name", "relu"],
      ["name", "init"],
      ["name", "constant"],
      ["number", "0.1"],
    ]);
    expect((dense.args[4] as Extract<Arg, { kind: "number" }>).value).toBe(0.1);
  });

  it("repeat: a count and a body", () => {
    const m = ast.items[2] as ModelDecl;
    const rep = m.body[3]!;
    expect(rep.kind).toBe("repeat");
    if (rep.kind !== "repeat") return;
    expect(at(rep.span)).toBe("repeat 2 { relu }");
    expect(rep.count).toMatchObject({ kind: "number", value: 2 });
    expect(rep.body.map((s) => at(s.span))).toEqual(["relu"]);
  });

  it("strings (with escapes), expressions and lists", () => {
    const t = ast.items[3] as TrainDecl;
    expect(at(t.model.span)).toBe("Net");
    const data = stmt(t.body[0]);
    expect(data.args[1]).toMatchObject({ kind: "string", value: 'data/train "v2".csv' });
    expect(at(data.args[1]!.span)).toBe('"data/train \\"v2\\".csv"');
    const lr = stmt(t.body[2]).args[2]!;
    expect(lr).toMatchObject({ kind: "binary", op: "/", left: { kind: "number", value: 1 }, right: { kind: "number", value: 32 } });
    expect(at(lr.span)).toBe("1/32");
    const sweep = stmt(t.body[3]);
    expect(sweep.args[2]).toMatchObject({ kind: "list", items: [{ kind: "number", value: 0.01 }, { kind: "number", value: 0.03 }] });
    expect(at(sweep.args[2]!.span)).toBe("[0.01, 0.03]");
  });

  it("checks cleanly once its import exists", () => {
    const r = check(source, "rep.dnn", { "lib/blocks.dnn": "# nothing here yet\n" });
    expect(r.diagnostics, r.text).toEqual([]);
    const m = r.value.checked!.models[0]!;
    // conv_pool 20 with the default k = 5: 28 → 24 → pool 12; the 3x3 same conv keeps 12.
    expect(m.nodes.map((n) => n.head)).toEqual(["input", "conv", "pool", "conv", "relu", "relu", "add", "flatten", "dense", "dense"]);
    expect(m.nodes[2]!.via.map(at)).toEqual(["conv_pool 20"]);
    expect(m.nodes[2]!.blocks).toEqual(["conv_pool"]);
  });
});

describe("separators", () => {
  const shapes = (src: string) => {
    const r = check(src);
    expect(r.diagnostics, r.text).toEqual([]);
    return r.value.checked!.models[0]!.nodes.map((n) => n.head);
  };
  it("`->`, `→` and `;` separate statements like line breaks", () => {
    expect(shapes("model M { input vector 784 -> dense 100 relu -> dense 10 softmax }\n")).toEqual(["input", "dense", "dense"]);
    expect(shapes("model M { input vector 784 → dense 100 relu → dense 10 softmax }\n")).toEqual(["input", "dense", "dense"]);
    expect(shapes("model M { input vector 784; dense 100 relu; dense 10 softmax }\n")).toEqual(["input", "dense", "dense"]);
    expect(shapes("model M {\n  input vector 784 ->\n  dense 10 softmax;\n}\n")).toEqual(["input", "dense"]);
  });
  it("Windows line endings", () => {
    expect(shapes("model M {\r\n  input vector 784\r\n  dense 10 softmax\r\n}\r\n")).toEqual(["input", "dense"]);
  });
  it("two statements run together on one line are one statement with too many arguments", () => {
    expect(codes(check("model M {\n  input vector 784 dense 10\n}\n").diagnostics)).toContain("E102");
  });
});

describe("parser recovery", () => {
  const broken = `model A {
  input vector 784
  dense 100 relu
  oops ( = ]
  dense 10 softmax
}

model B {
  input vector 784
  dense 10 softmax
}

model C { input image 1x28x28 -> flatten -> dense 10 softmax }
`;
  it("a broken line in the middle still yields the models after it", () => {
    const r = parseSource("broken.dnn", broken);
    expect(r.diagnostics.length).toBeGreaterThan(0);
    expect(r.diagnostics.every((d) => d.code === "E002")).toBe(true);
    expect(r.diagnostics[0]!.message).toBe("expected a number, a name or `(`, found `=`");
    expect(r.diagnostics[0]!.span.start).toBe(broken.indexOf("="));
    const names = r.value.items.filter((i): i is ModelDecl => i.kind === "model").map((m) => m.name.name);
    expect(names).toContain("B");
    expect(names).toContain("C");
  });

  it("the models after the broken one are checked in full", () => {
    const r = check(broken, "broken.dnn");
    const models = r.value.checked!.models;
    expect(models.find((m) => m.name === "B")?.complete).toBe(true);
    expect(models.find((m) => m.name === "C")?.complete).toBe(true);
  });

  it("one syntax error per broken line, at its first bad token", () => {
    const src = "model M {\n  input vector 784\n  dense ( ( ( ( (\n  dense 10 softmax\n}\n";
    const d = parseSource("open.dnn", src).diagnostics;
    expect(d.map((x) => x.message)).toEqual(["expected a number, a name or `(`, found the end of the line"]);
    expect(d[0]!.span.start).toBe(src.indexOf("\n  dense 10"));
  });

  it("an unclosed model reports the missing brace at the end of the file", () => {
    const src = "model M {\n  input vector 784\n";
    const d = parseSource("open.dnn", src).diagnostics;
    expect(d.map((x) => x.message)).toEqual(["expected `}`, found the end of the file"]);
    expect(d[0]!.span.end).toBe(src.length);
  });

  it("a misspelt keyword at the top level", () => {
    const d = parseSource("k.dnn", "modle M {\n  input vector 784\n}\n").diagnostics;
    expect(d[0]).toMatchObject({ code: "E002", hint: "did you mean `model`?", span: { start: 0, end: 5 } });
  });

  it("an import without a string names what it expected", () => {
    const d = parseSource("i.dnn", "import blocks\n").diagnostics;
    expect(d[0]!.message).toBe("expected a string, found `blocks`");
  });

  it("a stray closing brace", () => {
    const d = parseSource("s.dnn", "model M {\n  input vector 784\n}\n}\n").diagnostics;
    expect(d.map((x) => [x.message, x.hint])).toEqual([["expected the end of the file, found `}`", "this `}` has no matching `{`"]]);
  });

  it("a stray `]` or `)` is reported and dropped; the rest of the model still counts", () => {
    const src = "model M {\n  input vector 784\n  dense 100 relu]\n  dense 10 softmax)\n}\nmodel N {\n  input vector 3\n}\n";
    const r = check(src);
    expect(r.diagnostics.map((d) => [d.code, d.message, d.hint])).toEqual([
      ["E002", "unmatched `]`", "remove it, or add the `[` it should close"],
      ["E002", "unmatched `)`", "remove it, or add the `(` it should close"],
    ]);
    expect(r.diagnostics[0]!.span.start).toBe(src.indexOf("]"));
    expect(r.value.checked!.models.map((m) => [m.name, m.nodes.length])).toEqual([
      ["M", 3],
      ["N", 1],
    ]);
  });

  it("a closer of the wrong kind names the bracket still open", () => {
    const d = parseSource("w.dnn", "model M {\n  input vector 784\n  dense (2]\n}\n").diagnostics;
    expect(d.map((x) => [x.message, x.hint])).toEqual([["unmatched `]`", "the `(` before it is still open"]]);
  });

  it("nesting deeper than the limit is one error, not a stack overflow", () => {
    const d = parseSource("d.dnn", `model M {\n  input vector 4\n  dense ${"(".repeat(500)}1${")".repeat(500)}\n}\n`).diagnostics;
    expect(d.map((x) => x.message)).toEqual(["brackets and braces nest more than 100 levels deep"]);
  });

  it("an unexpected character is E001 and parsing carries on", () => {
    const r = check("model M {\n  input vector 784 @\n  dense 10 softmax\n}\n");
    expect(codes(r.diagnostics)).toEqual(["E001"]);
    expect(r.value.checked!.models[0]!.nodes.map((n) => n.head)).toEqual(["input", "dense"]);
  });
});

describe("imports", () => {
  const lib = "block dense_relu(n) {\n  dense n relu\n}\n";
  const main = 'import "lib/blocks.dnn"\n\nmodel M {\n  input vector 784\n  dense_relu 100\n  dense 10 softmax\n}\n';

  it("blocks come from imported files, resolved against the importing file", () => {
    const host = memoryHost({ "src/main.dnn": main.replace("lib/", "../lib/"), "lib/blocks.dnn": lib });
    const r = checkFile("src/main.dnn", host);
    expect(r.diagnostics).toEqual([]);
    expect(r.value.program!.imports.map((f) => f.path)).toEqual(["lib/blocks.dnn"]);
    expect(r.value.checked!.models[0]!.nodes.map((n) => n.head)).toEqual(["input", "dense", "dense"]);
  });

  it("a cycle of imports is followed once, without error", () => {
    const host = memoryHost({
      "main.dnn": main,
      "lib/blocks.dnn": `import "more.dnn"\n${lib}`,
      "lib/more.dnn": 'import "../main.dnn"\nimport "blocks.dnn"\nblock twice(n) {\n  dense_relu n\n  dense_relu n\n}\n',
    });
    const r = checkFile("main.dnn", host);
    expect(r.diagnostics).toEqual([]);
    expect(r.value.program!.imports.map((f) => f.path)).toEqual(["lib/blocks.dnn", "lib/more.dnn"]);
    expect([...r.value.program!.sources.keys()].sort()).toEqual(["lib/blocks.dnn", "lib/more.dnn", "main.dnn"]);
  });

  it("a missing import is E105 at the import, and checking goes on", () => {
    const r = check('import "nowhere.dnn"\nmodel M {\n  input vector 784\n  dense 10 softmax\n}\n', "m.dnn");
    expect(codes(r.diagnostics)).toEqual(["E105"]);
    expect(r.diagnostics[0]!.message).toBe('cannot import "nowhere.dnn": no such file');
    expect(r.diagnostics[0]!.span).toEqual({ file: "m.dnn", start: 0, end: 'import "nowhere.dnn"'.length });
    expect(r.value.checked!.models[0]!.complete).toBe(true);
  });

  it("a missing import inside an imported file points into that file", () => {
    const r = checkFile("main.dnn", memoryHost({ "main.dnn": main, "lib/blocks.dnn": `import "gone.dnn"\n${lib}` }));
    expect(codes(r.diagnostics)).toEqual(["E105"]);
    expect(r.diagnostics[0]!.span.file).toBe("lib/blocks.dnn");
    expect(r.diagnostics[0]!.message).toContain('"lib/gone.dnn"');
  });

  it("errors inside an imported block point into the imported file, labelled with the use", () => {
    const r = checkFile("main.dnn", memoryHost({ "main.dnn": main, "lib/blocks.dnn": "block dense_relu(n) {\n  dense n relu strid\n}\n" }));
    expect(codes(r.diagnostics)).toEqual(["E102"]);
    const d = r.diagnostics[0]!;
    expect(d.span.file).toBe("lib/blocks.dnn");
    expect(d.labels.map((l) => [l.span.file, l.message])).toEqual([["main.dnn", "in this use of block `dense_relu`"]]);
  });

  it("an entry file that cannot be read gives no program", () => {
    const r = checkFile("absent.dnn", memoryHost({}));
    expect(r.value.program).toBeUndefined();
  });
});

describe("blocks", () => {
  const blocks = "block conv_pool(n, k = 5) {\n  conv n filters k relu\n  pool max 2x2\n}\n";
  const shapeAfter = (use: string) => {
    const r = check(`${blocks}model M {\n  input image 1x28x28\n  ${use}\n}\n`);
    return { r, shape: r.value.checked!.models[0]!.nodes.at(-1)?.shape };
  };

  it("a default fills a parameter left out", () => {
    // k = 5: 28 − 5 + 1 = 24, pooled to 12.
    expect(shapeAfter("conv_pool 20").shape).toEqual({ kind: "image", c: 20, h: 12, w: 12 });
  });
  it("a positional argument overrides the default", () => {
    // k = 3: 28 − 3 + 1 = 26, pooled to 13.
    expect(shapeAfter("conv_pool 20 3").shape).toEqual({ kind: "image", c: 20, h: 13, w: 13 });
  });
  it("so does a named one", () => {
    expect(shapeAfter("conv_pool 8 k 1").shape).toEqual({ kind: "image", c: 8, h: 14, w: 14 });
  });
  it("a parameter without a default is required", () => {
    const { r } = shapeAfter("conv_pool");
    expect(codes(r.diagnostics)).toEqual(["E201"]);
    expect(r.diagnostics[0]!.message).toBe("`conv_pool` needs its n");
  });
  it("block parameters can be computed: `c*2`", () => {
    const r = check("block wide(c) {\n  dense c*2 relu\n}\nmodel M {\n  input vector 10\n  wide 8\n}\n");
    expect(r.diagnostics, r.text).toEqual([]);
    expect(r.value.checked!.models[0]!.nodes.at(-1)!.shape).toEqual({ kind: "vector", n: 16 });
  });
  it("a block that uses itself is E106, directly or through another", () => {
    const direct = check("block a(n) {\n  dense n\n  a n\n}\nmodel M {\n  input vector 10\n  a 3\n}\n");
    expect(codes(direct.diagnostics)).toEqual(["E106"]);
    expect(direct.diagnostics[0]!.message).toBe("block `a` uses itself (a → a)");
    const indirect = check("block a(n) {\n  b n\n}\nblock b(n) {\n  a n\n}\nmodel M {\n  input vector 10\n  a 3\n}\n");
    expect(codes(indirect.diagnostics)).toEqual(["E106"]);
    expect(indirect.diagnostics[0]!.message).toBe("block `a` uses itself (a → b → a)");
  });
  it("a block may not take a built-in layer's name", () => {
    expect(codes(check("block relu(n) {\n  dense n\n}\n").diagnostics)).toEqual(["E107"]);
  });
});

describe("repeat", () => {
  const heads = (body: string) => {
    const r = check(`model M {\n  input vector 10\n  ${body}\n}\n`);
    return { r, heads: r.value.checked!.models[0]!.nodes.map((n) => n.head) };
  };
  it("stacks its body N times", () => {
    expect(heads("repeat 3 { dense 10 relu }").heads).toEqual(["input", "dense", "dense", "dense"]);
    expect(heads("repeat 2 {\n    dense 10\n    relu\n  }").heads).toEqual(["input", "dense", "relu", "dense", "relu"]);
  });
  it("nests, multiplying", () => {
    expect(heads("repeat 2 { repeat 3 { relu } }").heads).toHaveLength(1 + 6);
  });
  it("names defined inside one round are that round's own", () => {
    const { r, heads: h } = heads("repeat 2 {\n    s = identity\n    dense 10\n    add s\n  }");
    expect(r.diagnostics, r.text).toEqual([]);
    expect(h).toEqual(["input", "identity", "dense", "add", "identity", "dense", "add"]);
  });
  it("needs a whole count of at least 1", () => {
    expect(codes(heads("repeat 0 { relu }").r.diagnostics)).toEqual(["E202"]);
    expect(codes(heads("repeat 1.5 { relu }").r.diagnostics)).toEqual(["E202"]);
    expect(codes(heads("repeat 20000 { relu }").r.diagnostics)).toEqual(["E203"]);
  });
  it("is not allowed in `train`", () => {
    const r = check("model M {\n  input vector 784\n  dense 10 softmax\n}\ntrain M {\n  repeat 2 { epochs 1 }\n  data mnist\n  loss log_likelihood\n  optimizer sgd lr 0.1\n  batch 10\n  epochs 1\n}\n");
    expect(codes(r.diagnostics)).toEqual(["E107"]);
  });
});
