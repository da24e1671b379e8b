/**
 * The TextMate grammar against the real lexer: every token of every example file and every ```dnn
 * block of the docs gets the scope its token type (or, for words, its role) calls for; and every
 * word of the checker's tables gets its scope in a statement of its own.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { IGrammar } from "vscode-textmate";
import { expectedTokens, wordScopes } from "./roles.js";
import { loadGrammar, tokenize, type ScopedToken } from "./textmate.js";
import { samples } from "./sources.js";
import { keywords, layerHeads, settingHeads, flagWords, unitWords, valueWords } from "../../lsp/vocabulary.js";
import { allTokens } from "../../grammar/tokens.js";
import { byTokenType } from "./roles.js";

let grammar: IGrammar;
beforeAll(async () => {
  grammar = await loadGrammar();
});

/** Each lexer token whose characters do not all carry the expected scope, as a readable line. */
function mismatches(text: string): string[] {
  const scoped = tokenize(grammar, text);
  const out: string[] = [];
  for (const t of expectedTokens(text)) {
    const covering = scoped.filter((s: ScopedToken) => s.line === t.line && s.start < t.end && s.end > t.start);
    const ok = covering.length > 0 && covering.every((s) => (t.scope ? s.scopes.includes(t.scope) : s.scopes.length > 1));
    if (!ok) out.push(`${t.line + 1}:${t.start + 1} ${t.tokenType} \`${t.image}\`: expected ${t.scope ?? "a scope"}, got ${covering.map((s) => s.scopes.slice(1).join(" ") || "(none)").join(" | ")}`);
  }
  return out;
}

describe("TextMate grammar", () => {
  it("has an expected scope for every token type of the lexer", () => {
    const untested = allTokens.map((t) => t.name).filter((n) => !(n in byTokenType) && !["Identifier", "WhiteSpace", "Newline"].includes(n));
    expect(untested).toEqual([]);
  });

  const all = samples();
  it("finds the examples and the docs' blocks", () => {
    expect(all.filter((s) => s.name.startsWith("examples/")).length).toBeGreaterThanOrEqual(12);
    expect(all.filter((s) => s.name.startsWith("docs/")).length).toBeGreaterThan(50);
  });

  for (const s of all) {
    it(`scopes every token of ${s.name}`, () => {
      expect(mismatches(s.text)).toEqual([]);
    });
  }

  it("scopes comments to the end of the line, whatever they hold", () => {
    const text = 'model M { # model "x" -> 5x5 }\n  input vector 784\n}';
    const comment = tokenize(grammar, text).filter((t) => t.line === 0 && t.start >= 10);
    expect(comment.every((t) => t.scopes.includes("comment.line.number-sign.dnn"))).toBe(true);
    expect(mismatches(text)).toEqual([]);
  });

  it("scopes strings with escapes, and ends an unterminated string at the line's end", () => {
    const text = 'import "a \\"b\\".dnn"\nimport "open\nmodel M { input vector 4 }';
    const escapes = tokenize(grammar, text).filter((t) => t.scopes.includes("constant.character.escape.dnn"));
    expect(escapes.map((t) => [t.line, t.start, t.end])).toEqual([[0, 10, 12], [0, 13, 15]]);
    const third = tokenize(grammar, text).filter((t) => t.line === 2);
    expect(third.some((t) => t.scopes.includes("storage.type.model.dnn"))).toBe(true);
  });

  it("tells sizes from numbers and names the way the lexer does", () => {
    expect(mismatches("model M {\n  input 1x28x28 -> conv 5 x 5 5X5 -1.5e-3 .5 2×2 1.\n}\n")).toEqual([]);
  });

  it("scopes the keywords, and words that merely contain them as names", () => {
    expect(mismatches("model models { input vector 4; model_x = relu; repeat 2 { repeats } }\nimport \"x.dnn\"\nblock b() { relu }\ntrain models { }\n")).toEqual([]);
  });

  describe("every word of the checker's tables", () => {
    const model = (line: string) => `model M {\n  input vector 784\n  ${line}\n}\n`;
    const train = (line: string) => `train M {\n  ${line}\n}\n`;
    const sample = (type: { describe: string }, words: string[]) => (words[0] ? words[0] : type.describe.includes("list") ? "[1, 2]" : type.describe.includes("string") ? '"x"' : "1");
    for (const h of [...layerHeads, ...settingHeads]) {
      const wrap = h.kind === "layer" ? model : train;
      it(`${h.kind} \`${h.word}\`: head, options, flags, units`, () => {
        const lines = [h.word, `out = ${h.word}`];
        for (const [o, t] of Object.entries(h.args.options)) {
          lines.push(`${h.word} ${o} ${sample(t, valueWords(t))}`);
          for (const v of valueWords(t)) lines.push(`${h.word} ${o} ${v}`);
        }
        for (const f of flagWords(h.args)) lines.push(`${h.word} ${f}`);
        for (const u of unitWords(h.args)) lines.push(`${h.word} 2 ${u}`);
        const bad = lines.flatMap((l) => mismatches(wrap(l)).map((m) => `${l}: ${m}`));
        expect(bad).toEqual([]);
        // The head itself has the head scope (not only "some scope").
        const head = tokenize(grammar, wrap(h.word)).find((t) => t.line === (h.kind === "layer" ? 2 : 1) && t.start === 2);
        expect(head?.scopes).toContain(h.kind === "layer" ? wordScopes.layer : wordScopes.setting);
      });
    }
    it("the structural keywords", () => {
      for (const k of keywords) expect(tokenize(grammar, `${k} `).find((t) => t.start === 0)?.scopes.some((s) => s.startsWith("storage.type.") || s.startsWith("keyword.control."))).toBe(true);
    });
  });
});
