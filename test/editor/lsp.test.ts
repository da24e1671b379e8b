/**
 * The language server over stdio, driven by a real JSON-RPC client: diagnostics as documents open
 * and change, hover with shapes, parameters and FLOPs (worked out by hand from docs/language.md's
 * formulas), completion, go to definition across imports, and formatting.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LspClient, uriOf } from "./lsp-client.js";
import { root } from "./sources.js";
import { formatDnn } from "../../format/index.js";

/** 0-based line and character of the first occurrence of `needle` (after `after`, if given). */
function at(text: string, needle: string, after = ""): { line: number; character: number } {
  const offset = text.indexOf(needle, after ? text.indexOf(after) : 0);
  if (offset < 0) throw new Error(`\`${needle}\` not in the text`);
  const lines = text.slice(0, offset).split("\n");
  return { line: lines.length - 1, character: lines[lines.length - 1]!.length };
}

type Hover = { contents: { kind: string; value: string }; range: unknown } | null;
type Item = { label: string };
type Loc = { uri: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } } | null;

let client: LspClient;
let capabilities: Record<string, unknown>;
beforeAll(async () => {
  ({ client, capabilities } = await LspClient.start());
});
afterAll(async () => {
  await client?.stop();
});

const ensemblePath = "examples/mnist/8-ensemble.dnn";
const ensemble = readFileSync(join(root, ensemblePath), "utf8");

describe("language server", () => {
  it("announces what it does", () => {
    expect(capabilities).toMatchObject({ hoverProvider: true, definitionProvider: true, documentFormattingProvider: true, completionProvider: {} });
  });

  it("publishes a diagnostic at the mistake's range when a document opens, and clears it when fixed", async () => {
    const uri = uriOf("scratch/typo.dnn");
    const text = "model M {\n  input vector 784\n  desne 10 softmax\n}\n";
    const published = client.diagnostics(uri);
    await client.open(uri, text);
    const p = await published;
    expect(p.diagnostics).toHaveLength(1);
    const d = p.diagnostics[0]!;
    expect(d.code).toBe("E101");
    expect(d.severity).toBe(1);
    expect(d.message).toContain("`desne`");
    expect(d.message).toContain("help: did you mean `dense`?");
    expect(d.range).toEqual({ start: { line: 2, character: 2 }, end: { line: 2, character: 7 } });

    const fixed = client.diagnostics(uri);
    await client.replace(uri, text.replace("desne", "dense"));
    expect((await fixed).diagnostics).toEqual([]);
  });

  it("puts a statement-wide error on the whole statement, in UTF-16 characters after a non-ASCII line", async () => {
    const uri = uriOf("scratch/rank.dnn");
    const text = "model M {\n  input image 1x28x28   # → 1×28×28\n  conv 20 filters 5×5 relu\n  dense 100 relu\n}\n";
    const published = client.diagnostics(uri);
    await client.open(uri, text);
    const d = (await published).diagnostics.find((x) => x.code === "E301");
    expect(d?.range).toEqual({ start: { line: 3, character: 2 }, end: { line: 3, character: 16 } });
  });

  it("checks imports relative to the document, through unsaved edits of open files", async () => {
    const uri = uriOf(ensemblePath);
    const clean = client.diagnostics(uri);
    await client.open(uri, ensemble);
    expect((await clean).diagnostics).toEqual([]);
    // Rename the block in the (unsaved) imported file: the ensemble's uses no longer resolve.
    const blocksUri = uriOf("examples/blocks/conv-pool.dnn");
    const broken = client.diagnostics(uri, (p) => p.diagnostics.length > 0);
    await client.open(blocksUri, readFileSync(join(root, "examples/blocks/conv-pool.dnn"), "utf8").replace("block conv_pool(", "block conv_pool2("));
    const ds = (await broken).diagnostics;
    expect(ds.map((d) => d.code)).toEqual(["E101", "E101"]);
    expect(ds[0]!.range.start).toEqual(at(ensemble, "conv_pool 20"));
    const restored = client.diagnostics(uri, (p) => p.diagnostics.length === 0);
    await client.replace(blocksUri, readFileSync(join(root, "examples/blocks/conv-pool.dnn"), "utf8"));
    await restored;
  });

  it("hovers a conv layer with its output shape, parameters and FLOPs", async () => {
    const uri = uriOf("scratch/hover.dnn");
    const text = "model M {\n  input image 1x28x28\n  conv 20 filters 5x5 relu\n  pool max 2x2\n  flatten\n  dense 10 softmax\n}\n";
    await client.open(uri, text);
    const h = await client.request<Hover>("textDocument/hover", uri, 2, 4);
    // 20 filters of 1×5×5 plus biases: 520; 2·1·25·(20·24·24) + 11,520 (bias) + 11,520 (relu) = 599,040.
    expect(h?.contents.value).toContain("**conv** → `20×24×24` · 520 params · 599,040 FLOPs");
    expect(h?.range).toEqual({ start: { line: 2, character: 2 }, end: { line: 2, character: 26 } });
    const dense = await client.request<Hover>("textDocument/hover", uri, 5, 3);
    // 2880·10 + 10 = 28,810 params; 2·2880·10 + 10 + 3·10 (softmax) = 57,640 FLOPs.
    expect(dense?.contents.value).toContain("→ `10` · 28,810 params · 57,640 FLOPs");
    const model = await client.request<Hover>("textDocument/hover", uri, 0, 6);
    expect(model?.contents.value).toContain("29,330 trainable params");
  });

  it("hovers a block use with its output and totals, and a repeated one once with a count", async () => {
    const uri = uriOf(ensemblePath);
    const h = await client.request<Hover>("textDocument/hover", uri, at(ensemble, "conv_pool 20").line, 4);
    // conv 20 5x5 relu: 520 params, 599,040 FLOPs; pool max 2x2 on 20×24×24 → 20×12×12: 4·2,880 = 11,520 FLOPs.
    expect(h?.contents.value).toContain("**conv_pool** → `20×12×12` · 520 params · 610,560 FLOPs");
    const resnet = readFileSync(join(root, "examples/residual/small-resnet.dnn"), "utf8");
    const rUri = uriOf("examples/residual/small-resnet.dnn");
    await client.open(rUri, resnet);
    const r = await client.request<Hover>("textDocument/hover", rUri, at(resnet, "residual 16").line, at(resnet, "residual 16").character + 1);
    // Two convs of 16·16·9 + 16 = 2,320 each and two batchnorms of 2·16 = 32: 4,704 per use.
    expect(r?.contents.value).toContain("→ `16×28×28` · 4,704 params");
    expect(r?.contents.value).toContain("(×2)");
  });

  it("completes heads by where the cursor stands, and a head's options and values", async () => {
    const uri = uriOf("scratch/complete.dnn");
    const text = 'import "../examples/blocks/conv-pool.dnn"\nmodel M {\n  input image 1x28x28\n  \n  pool \n  conv 8 3x3 padding \n}\ntrain M {\n  \n}\n';
    await client.open(uri, text);
    const labels = async (line: number, character: number) => (await client.request<Item[]>("textDocument/completion", uri, line, character)).map((i) => i.label);
    const heads = await labels(3, 2);
    expect(heads).toEqual(expect.arrayContaining(["conv", "dense", "pool", "relu", "conv_pool", "repeat"]));
    expect(heads).not.toContain("optimizer");
    expect(await labels(4, 7)).toEqual(expect.arrayContaining(["max", "average", "l2", "stride", "padding", "rounding"]));
    expect(await labels(5, 21)).toEqual(["valid", "same", "full"]);
    const settings = await labels(8, 2);
    expect(settings).toEqual(expect.arrayContaining(["data", "optimizer", "epochs", "sweep"]));
    expect(settings).not.toContain("conv");
    await client.replace(uri, text.replace("  \n  pool", "  x = relu\n  pool").replace("padding \n", "from \n"));
    expect(await labels(5, 18)).toEqual(["x"]);
  });

  it("goes to the definition of an imported block, a named value and a trained model", async () => {
    const def = await client.request<Loc>("textDocument/definition", uriOf(ensemblePath), at(ensemble, "conv_pool 40").line, 3);
    const blocks = readFileSync(join(root, "examples/blocks/conv-pool.dnn"), "utf8");
    const name = at(blocks, "conv_pool(");
    expect(def).toEqual({ uri: uriOf("examples/blocks/conv-pool.dnn"), range: { start: name, end: { line: name.line, character: name.character + "conv_pool".length } } });

    const resnet = readFileSync(join(root, "examples/residual/small-resnet.dnn"), "utf8");
    const use = at(resnet, "add skip");
    const skip = await client.request<Loc>("textDocument/definition", uriOf("examples/residual/small-resnet.dnn"), use.line, use.character + 5);
    expect(skip?.range.start).toEqual(at(resnet, "skip = identity"));

    const param = at(resnet, "conv c filters");
    const c = await client.request<Loc>("textDocument/definition", uriOf("examples/residual/small-resnet.dnn"), param.line, param.character + 5);
    expect(c?.range.start).toEqual(at(resnet, "c) {", "block residual"));

    const imported = await client.request<Loc>("textDocument/definition", uriOf(ensemblePath), at(ensemble, "import").line, 12);
    expect(imported?.uri).toBe(uriOf("examples/blocks/conv-pool.dnn"));

    const train = await client.request<Loc>("textDocument/definition", uriOf(ensemblePath), at(ensemble, "train Ensemble").line, 8);
    expect(train?.range.start).toEqual(at(ensemble, "Ensemble {"));
  });

  it("formats a document with the formatter, and leaves one with syntax errors alone", async () => {
    const uri = uriOf("scratch/format.dnn");
    const text = "model   M {input vector 784;dense 10   softmax}\n";
    await client.open(uri, text);
    const edits = (await client.rpc.sendRequest("textDocument/formatting", { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } })) as { newText: string; range: unknown }[];
    expect(edits).toEqual([{ range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } }, newText: await formatDnn(text) }]);
    expect(edits[0]!.newText).not.toBe(text);

    const bad = uriOf("scratch/format-bad.dnn");
    await client.open(bad, "model M {\n  input vector 784 +\n}\n");
    expect(await client.rpc.sendRequest("textDocument/formatting", { textDocument: { uri: bad }, options: { tabSize: 2, insertSpaces: true } })).toEqual([]);
  });

  it("logged no failures", () => {
    expect(client.errors).toEqual([]);
    expect(client.stderr).toBe("");
  });
});
