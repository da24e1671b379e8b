/**
 * `npm run package:vscode`: the .vsix holds the manifest, the language configuration, the grammar
 * and two bundles, and the bundled server works on its own, copied away from node_modules.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packageExtension } from "../../editors/vscode/package.js";
import { zipEntries } from "./zip.js";
import { LspClient } from "./lsp-client.js";
import { root } from "./sources.js";

let packaged: { vsix: string; files: string[] };
let alone: string;
beforeAll(async () => {
  const vsix = await packageExtension();
  packaged = { vsix, files: zipEntries(readFileSync(vsix)) };
  alone = mkdtempSync(join(tmpdir(), "dnnc-server-"));
  copyFileSync(join(root, "editors/vscode/dist/server.mjs"), join(alone, "server.mjs"));
}, 120_000);
afterAll(() => rmSync(alone, { recursive: true, force: true }));

describe("VS Code extension package", () => {
  it("writes dnnc-<version>.vsix with the manifest's files", () => {
    const manifest = JSON.parse(readFileSync(join(root, "editors/vscode/package.json"), "utf8")) as { version: string; main: string; contributes: { grammars: { path: string }[]; languages: { configuration: string }[] } };
    expect(packaged.vsix).toBe(join(root, `editors/vscode/dnnc-${manifest.version}.vsix`));
    expect(statSync(packaged.vsix).size).toBeGreaterThan(100_000);
    const inside = (p: string) => `extension/${p.replace(/^\.\//, "")}`;
    expect(packaged.files).toEqual(
      expect.arrayContaining([inside(manifest.main), inside(manifest.contributes.grammars[0]!.path), inside(manifest.contributes.languages[0]!.configuration), "extension/dist/server.mjs", "extension/package.json"]),
    );
    expect(packaged.files.filter((f) => f.includes("node_modules") || f.endsWith(".ts"))).toEqual([]);
    expect(readFileSync(join(root, "editors/vscode/dist/dnn.tmLanguage.json"), "utf8")).toBe(readFileSync(join(root, "grammar/dnn.tmLanguage.json"), "utf8"));
  });

  it("bundles a server that checks and hovers without node_modules", async () => {
    const { client } = await LspClient.start([join(alone, "server.mjs")]);
    try {
      const uri = "untitled:Untitled-1";
      const published = client.diagnostics(uri);
      await client.open(uri, "model M {\n  input image 1x28x28\n  conv 20 filters 5x5 relu\n  dense 10\n}\n");
      expect((await published).diagnostics.map((d) => [d.code, d.range.start.line])).toEqual([["E301", 3]]);
      const h = (await client.request<{ contents: { value: string } }>("textDocument/hover", uri, 2, 3)).contents.value;
      expect(h).toContain("`20×24×24` · 520 params");
      const edits = await client.rpc.sendRequest("textDocument/formatting", { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
      expect(edits).toEqual([]);
      expect(client.errors).toEqual([]);
    } finally {
      await client.stop();
    }
  });
});
