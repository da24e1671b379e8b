import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CompileError } from "../../compiler/emit/compile.js";
import { checkSource, compileChecked } from "../../web/src/check.js";

const path = "examples/mnist/1-fc100-sigmoid.dnn";
const fc100 = readFileSync(path, "utf8");

describe("the page's checker", () => {
  it("summarises a clean file like `dnnc summary` and compiles it for any adapter", () => {
    const r = checkSource(fc100, path);
    expect(r.diagnostics).toEqual([]);
    const s = r.summaries[0]!;
    // 784·100 + 100 and 100·10 + 10 (README).
    expect(s.trainableParams).toBe(79_510);
    expect(s.rows.map((row) => [row.line, row.output])).toEqual([[5, "1×28×28"], [6, "784"], [7, "100"], [8, "10"]]);
    const c = compileChecked(r);
    expect(c.manifest.model).toBe("FC100");
    expect(c.manifest.source.sha256).toBe(createHash("sha256").update(fc100).digest("hex"));
    expect(c.code.size).toBe(c.manifest.kernels.length);
  });

  it("locates each diagnostic at its line and column, with the CLI's rendering", () => {
    const text = fc100.replace("  flatten\n", "  dense 100 relu\n  flatten\n  dense 10 fizz\n");
    const r = checkSource(text, path);
    expect(r.errors).toBe(2);
    expect(r.diagnostics.map((d) => [d.code, d.line, d.col])).toEqual([["E301", 6, 3], ["E102", 8, 12]]);
    const first = r.diagnostics[0]!;
    expect(text.slice(first.start, first.end)).toBe("dense 100 relu");
    expect(first.rendered).toContain(`--> ${path}:6:3`);
    expect(() => compileChecked(r)).toThrow(CompileError);
    expect(() => compileChecked(r)).toThrow(`${path} has 2 errors; fix them to train`);
  });

  it("resolves imports among the bundled files", () => {
    const lib = new Map([["lib/blocks.dnn", "block twice(n) {\n  dense n relu\n  dense n relu\n}\n"]]);
    const text = 'import "../lib/blocks.dnn"\nmodel M {\n  input vector 4\n  twice(8)\n  dense 2 softmax\n}\n';
    const r = checkSource(text, "models/m.dnn", lib);
    expect(r.diagnostics).toEqual([]);
    expect(r.summaries[0]!.trainableParams).toBe(4 * 8 + 8 + 8 * 8 + 8 + 8 * 2 + 2);
  });
});
