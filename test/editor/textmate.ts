/** Loading grammar/dnn.tmLanguage.json with vscode-textmate on the Oniguruma WASM build, as VS Code does. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import * as vsctm from "vscode-textmate";
import * as oniguruma from "vscode-oniguruma";
import { root } from "./sources.js";

export interface ScopedToken {
  /** 0-based line, and [start, end) in UTF-16 code units within it. */
  readonly line: number;
  readonly start: number;
  readonly end: number;
  readonly scopes: readonly string[];
}

let loaded: Promise<vsctm.IGrammar> | undefined;

export function loadGrammar(): Promise<vsctm.IGrammar> {
  loaded ??= (async () => {
    const require = createRequire(import.meta.url);
    const wasm = readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new vsctm.Registry({
      onigLib: Promise.resolve({ createOnigScanner: (p: string[]) => new oniguruma.OnigScanner(p), createOnigString: (s: string) => new oniguruma.OnigString(s) }),
      loadGrammar: async (scope: string) => (scope === "source.dnn" ? vsctm.parseRawGrammar(readFileSync(join(root, "grammar/dnn.tmLanguage.json"), "utf8"), "dnn.tmLanguage.json") : null),
    });
    const g = await registry.loadGrammar("source.dnn");
    if (!g) throw new Error("grammar source.dnn did not load");
    return g;
  })();
  return loaded;
}

/** Tokenize a whole text line by line (lines split at \n, a trailing \r kept out). */
export function tokenize(grammar: vsctm.IGrammar, text: string): ScopedToken[] {
  const out: ScopedToken[] = [];
  let stack = vsctm.INITIAL;
  text.split("\n").forEach((raw, line) => {
    const src = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    const r = grammar.tokenizeLine(src, stack);
    for (const t of r.tokens) out.push({ line, start: t.startIndex, end: Math.min(t.endIndex, src.length), scopes: t.scopes });
    stack = r.ruleStack;
  });
  return out;
}
