/**
 * The shipped examples are already in the canonical style, and formatting keeps the tree and the
 * comments of every example and every ```dnn block of the documentation (fragments are checked
 * inside a model or train block, as test/docs/docs.test.ts wraps them).
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { exampleFiles, root } from "../compiler/helpers.js";
import { parseSource } from "../../grammar/parse.js";
import { formatAndCheck } from "./helpers.js";

describe("examples", () => {
  const files = exampleFiles();
  it("there are examples to format", () => expect(files.length).toBeGreaterThanOrEqual(11));
  for (const f of files) {
    it(`${f} is formatted already, and formatting keeps its tree and comments`, async () => {
      const text = readFileSync(join(root, f), "utf8");
      expect(await formatAndCheck(text)).toBe(text);
    });
  }
});

interface Block {
  readonly where: string;
  /** The line of prose before the block. */
  readonly before: string;
  readonly info: string;
  readonly text: string;
}

/** Every ```dnn block of the docs, fragments wrapped so that they form a file. */
function docBlocks(): Block[] {
  const out: Block[] = [];
  for (const doc of ["docs/language.md", "docs/diagnostics.md"]) {
    const lines = readFileSync(join(root, doc), "utf8").split("\n");
    for (let i = 0; i < lines.length; i++) {
      const open = /^```dnn(.*)$/.exec(lines[i]!);
      if (!open) continue;
      let j = i + 1;
      while (j < lines.length && lines[j] !== "```") j++;
      const body = lines.slice(i + 1, j);
      const info = open[1]!.trim();
      const indented = body.map((l) => (l === "" ? "" : `  ${l}`)).join("\n");
      const text = info.startsWith("fragment train") ? `train Example {\n${indented}\n}\n` : info.startsWith("fragment") ? `model Example {\n${indented}\n}\n` : body.join("\n") + "\n";
      const before = lines.slice(0, i).reverse().find((l) => l.trim() !== "") ?? "";
      out.push({ where: `${doc}:${i + 1}`, before, info, text });
      i = j;
    }
  }
  return out;
}

describe("documentation examples", () => {
  const blocks = docBlocks();
  const parsing = blocks.filter((b) => parseSource("doc.dnn", b.text).diagnostics.length === 0);
  it("most blocks parse (those that do not show syntax errors on purpose)", () => {
    expect(blocks.length).toBeGreaterThan(100);
    const failing = blocks.filter((b) => !parsing.includes(b));
    for (const b of failing) expect(b.info, `${b.where} does not parse`).toMatch(/error E00[12]/);
  });
  it('a block introduced by "becomes" is what formatting the block before it gives', async () => {
    const pairs = blocks.flatMap((b, i) => (b.before === "becomes" && i > 0 ? [[blocks[i - 1]!, b] as const] : []));
    expect(pairs.length).toBeGreaterThanOrEqual(1);
    for (const [from, to] of pairs) {
      expect(from.text, from.where).not.toBe(to.text);
      expect(await formatAndCheck(from.text), from.where).toBe(to.text);
    }
  });
  for (const b of parsing) {
    it(`${b.where} ${b.info}: formatting keeps its tree and comments and is idempotent`, async () => {
      await formatAndCheck(b.text);
    });
  }
});
