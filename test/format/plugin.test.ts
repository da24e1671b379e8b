/** The Prettier plugin on its own, and the API around it. */
import { describe, expect, it } from "vitest";
import { format, getSupportInfo } from "prettier";
import { dnnPlugin, DnnSyntaxError, FormatError, formatDnn, formatSource } from "../../format/index.js";

describe("Prettier plugin", () => {
  it("Prettier picks it for .dnn files by their extension", async () => {
    const info = await getSupportInfo({ plugins: [dnnPlugin] });
    expect(info.languages.find((l) => l.name === "dnn")?.extensions).toEqual([".dnn"]);
    expect(await format("model A{input vector 4;dense 2}", { filepath: "models/a.dnn", plugins: [dnnPlugin] })).toBe("model A { input vector 4; dense 2 }\n");
  });

  it("prints 100 columns wide by default, and honours printWidth", async () => {
    const text = "model A { input vector 784; dense 100 relu; dense 10 softmax }";
    expect(await format(text, { parser: "dnn", plugins: [dnnPlugin] })).toBe(text + "\n");
    expect(await format(text, { parser: "dnn", plugins: [dnnPlugin], printWidth: 40 })).toBe("model A {\n  input vector 784\n  dense 100 relu\n  dense 10 softmax\n}\n");
  });

  it("a syntax error is a DnnSyntaxError with the line and column Prettier shows", async () => {
    const e = await format("model A {\n  dense 2 %\n}\n", { parser: "dnn", plugins: [dnnPlugin] }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DnnSyntaxError);
    expect((e as DnnSyntaxError).message).toContain("unexpected character `%` (E001)");
    expect((e as DnnSyntaxError).loc.start).toEqual({ line: 2, column: 11 });
  });
});

describe("formatDnn and formatSource", () => {
  it("formatDnn throws a FormatError carrying every syntax error", async () => {
    const e = await formatDnn("model A {\n  dense 2 %\n  conv @\n}\n").catch((x: unknown) => x);
    expect(e).toBeInstanceOf(FormatError);
    expect((e as FormatError).diagnostics.map((d) => d.code)).toEqual(["E001", "E001"]);
  });

  it("formatSource returns the diagnostics, with spans in the named file", async () => {
    const r = await formatSource("m.dnn", "model {}\n");
    expect(r.text).toBeUndefined();
    expect(r.diagnostics[0]?.code).toBe("E002");
    expect(r.diagnostics[0]?.span.file).toBe("m.dnn");
  });

  it("formatSource returns the text when the source parses, whatever the checker would say of it", async () => {
    expect(await formatSource("m.dnn", "model A {\n  desne 10\n}\n")).toEqual({ text: "model A {\n  desne 10\n}\n", diagnostics: [] });
  });
});
