/**
 * The documentation is a test suite: every ```dnn block of docs/language.md and docs/diagnostics.md
 * is checked as its info string says.
 *
 *   ```dnn                    a complete file; it must check with no diagnostic at all.
 *   ```dnn fragment           statements of a model, checked as
 *                               model Example {
 *                                 input image 1x28x28     (left out when the fragment's first
 *                                 <the fragment>           statement is an `input`, named or not)
 *                               }
 *   ```dnn fragment train     settings of a training specification, checked as
 *                               model Example { input image 1x28x28; flatten; dense 10 softmax }
 *                               train Example {
 *                                 <the fragment>
 *                                 data mnist · loss log_likelihood · optimizer sgd lr 0.1 ·
 *                                 batch 10 · epochs 1   (each only when the fragment leaves it out)
 *                               }
 *   ```dnn file lib/x.dnn     a complete file stored as lib/x.dnn, so later blocks can import it.
 *   … error E302              (after any of the above) E302 must be reported, as an error.
 *   … warning W502            W502 must be reported, as a warning, and no error.
 *
 * Every example is checked as `example.dnn` in the repository root, next to the real files under
 * examples/ (so `import "examples/blocks/conv-pool.dnn"` works) and the `file` blocks before it.
 *
 * A trailing comment `# → 20×24×24` or `# → 20×24×24, 520 params` asserts the output shape (and
 * the parameter count) of the value that line produces (for a line that uses a block or a repeat:
 * the last value it produces).
 *
 * In docs/diagnostics.md, the ```text block right after each error or warning example is what
 * `dnnc check example.dnn` prints for it. Regenerate those after changing a message with
 *   DNNC_UPDATE_DOCS=1 npx vitest run test/docs
 *
 * Coverage: every layer head word (compiler/layers/index.ts), every training setting
 * (compiler/train/settings.ts) and every diagnostic code (compiler/messages.ts) must appear in an
 * example; every file of examples/mnist must be named in the language reference.
 */
import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { checkFile, memoryHost, renderDiagnostics, type Diagnostic } from "../../compiler/index.js";
import type { Stmt, DnnFile } from "../../grammar/ast.js";
import { layerDefs } from "../../compiler/layers/index.js";
import { settings } from "../../compiler/train/settings.js";
import { catalogue } from "../../compiler/messages.js";
import { formatShape } from "../../compiler/shape.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const update = process.env["DNNC_UPDATE_DOCS"] === "1";
const EXAMPLE = "example.dnn";

/** One fenced block of a markdown file: its info string, its lines, where its body starts (0-based). */
interface Fence {
  readonly info: string;
  readonly body: string;
  readonly bodyStart: number;
  readonly bodyEnd: number;
  /** 1-based line of the opening fence, for test names. */
  readonly line: number;
}

function fences(markdown: string): Fence[] {
  const lines = markdown.split("\n");
  const out: Fence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(.*)$/.exec(lines[i]!);
    if (!open) continue;
    let j = i + 1;
    while (j < lines.length && lines[j] !== "```") j++;
    out.push({ info: open[1]!.trim(), body: lines.slice(i + 1, j).join("\n"), bodyStart: i + 1, bodyEnd: j, line: i + 1 });
    i = j;
  }
  return out;
}

/** What an info string asks for. */
interface Marker {
  readonly form: "file" | "fragment" | "train" | "library";
  readonly path: string;
  readonly expect: { readonly severity: "error" | "warning"; readonly code: string } | undefined;
}

function parseMarker(info: string): Marker {
  const words = info.split(/\s+/).slice(1);
  let form: Marker["form"] = "file";
  let path = EXAMPLE;
  let expect: Marker["expect"];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === "fragment") {
      form = words[i + 1] === "train" ? "train" : "fragment";
      if (form === "train") i++;
    } else if (w === "file") {
      form = "library";
      path = words[++i] ?? "";
      if (!path.endsWith(".dnn")) throw new Error(`\`file\` needs a path ending in .dnn: ${info}`);
    } else if (w === "error" || w === "warning") {
      const code = words[++i] ?? "";
      if (!(code in catalogue)) throw new Error(`unknown diagnostic code in \`${info}\``);
      expect = { severity: w, code };
    } else throw new Error(`unknown word \`${w}\` in the info string \`${info}\``);
  }
  return { form, path, expect };
}

const requiredTraining: readonly [string, string][] = [
  ["data", "data mnist"],
  ["loss", "loss log_likelihood"],
  ["optimizer", "optimizer sgd lr 0.1"],
  ["batch", "batch 10"],
  ["epochs", "epochs 1"],
];

/** The file text an example is checked as; `offset`: lines before the example's first line; `from`/`to`: its characters. */
function wrap(body: string, marker: Marker): { text: string; offset: number; from: number; to: number } {
  const around = (prefix: string[], suffix: string[]) => {
    const head = prefix.map((l) => l + "\n").join("");
    return { text: head + body + "\n" + suffix.map((l) => l + "\n").join(""), offset: prefix.length, from: head.length, to: head.length + body.length };
  };
  if (marker.form === "fragment") {
    const first =
      body
        .split("\n")
        .find((l) => l.trim() !== "" && !l.trim().startsWith("#"))
        ?.trim() ?? "";
    return around(/^(\w+\s*=\s*)?input\b/.test(first) ? ["model Example {"] : ["model Example {", "  input image 1x28x28"], ["}"]);
  }
  if (marker.form === "train") {
    const heads = new Set(body.split(/[\n;]/).map((l) => l.trim().split(/\s+/)[0]));
    const added = requiredTraining.filter(([k]) => !heads.has(k)).map(([, line]) => `  ${line}`);
    return around(["model Example { input image 1x28x28; flatten; dense 10 softmax }", "train Example {"], [...added, "}"]);
  }
  return around([], []);
}

/** Every .dnn file under examples/, by its path from the repository root. */
function exampleFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".dnn")) files.set(relative(root, p).split("\\").join("/"), readFileSync(p, "utf8"));
    }
  };
  walk(join(root, "examples"));
  return files;
}

interface Example {
  readonly doc: string;
  readonly fence: Fence;
  readonly marker: Marker;
  readonly text: string;
  readonly offset: number;
  readonly diagnostics: readonly Diagnostic[];
  readonly rendered: string;
  readonly file: DnnFile | undefined;
  /** The characters of `text` that are the example itself (not the wrapping). */
  readonly from: number;
  readonly to: number;
  /** Shape (and parameters) per 1-based line of the checked text, from the last value each line produced. */
  readonly lines: ReadonlyMap<number, { shape: string; params: number }>;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Check every ```dnn block of one document, in order (a `file` block is visible to the blocks after it). */
function checkDocument(doc: string): { markdown: string; examples: Example[] } {
  const markdown = readFileSync(join(root, "docs", doc), "utf8");
  const files = exampleFiles();
  const examples: Example[] = [];
  for (const fence of fences(markdown)) {
    if (fence.info !== "dnn" && !fence.info.startsWith("dnn ")) continue;
    const marker = parseMarker(fence.info);
    const { text, offset, from, to } = wrap(fence.body, marker);
    const host = memoryHost(new Map([...files, [marker.path, text]]));
    const r = checkFile(marker.path, host);
    const sources = r.value.program?.sources ?? new Map([[marker.path, text]]);
    const lines = new Map<number, { shape: string; params: number }>();
    for (const model of r.value.checked?.models ?? []) {
      for (const n of model.nodes) {
        const at = n.via[0] ?? n.span;
        if (at.file !== marker.path) continue;
        lines.set(lineOf(text, at.start), { shape: formatShape(n.shape), params: n.params.weights + n.params.biases });
      }
    }
    examples.push({ doc, fence, marker, text, offset, diagnostics: r.diagnostics, rendered: renderDiagnostics(r.diagnostics, sources), file: r.value.program?.entry, from, to, lines });
    if (marker.form === "library") files.set(marker.path, text);
  }
  return { markdown, examples };
}

function describeDiagnostics(ds: readonly Diagnostic[]): string {
  return ds.map((d) => `${d.severity}[${d.code}] ${d.message}`).join("\n") || "(none)";
}

/** Statement heads an example itself uses (not its wrapping), split by where they stand. */
function heads(ex: Example): { layers: Set<string>; settings: Set<string> } {
  const layers = new Set<string>();
  const train = new Set<string>();
  const walk = (body: readonly Stmt[], into: Set<string>) => {
    for (const s of body) {
      if (s.kind === "repeat") walk(s.body, into);
      else if (s.span.start >= ex.from && s.span.end <= ex.to) into.add(s.head.name);
    }
  };
  for (const item of ex.file?.items ?? []) {
    if (item.kind === "model" || item.kind === "block") walk(item.body, layers);
    if (item.kind === "train") walk(item.body, train);
  }
  return { layers, settings: train };
}

const docs = ["language.md", "diagnostics.md"] as const;
const checked = Object.fromEntries(docs.map((d) => [d, checkDocument(d)])) as Record<(typeof docs)[number], ReturnType<typeof checkDocument>>;

for (const doc of docs) {
  describe(`docs/${doc} examples`, () => {
    const { examples } = checked[doc];
    it("has examples", () => expect(examples.length).toBeGreaterThan(0));
    for (const ex of examples) {
      it(`line ${ex.fence.line}: \`\`\`${ex.fence.info}`, () => {
        const errors = ex.diagnostics.filter((d) => d.severity !== "warning");
        const want = ex.marker.expect;
        if (!want) {
          expect(describeDiagnostics(ex.diagnostics), `the example at docs/${doc}:${ex.fence.line} should check cleanly:\n${ex.rendered}`).toBe("(none)");
        } else if (want.severity === "error") {
          const hit = ex.diagnostics.some((d) => d.code === want.code && d.severity === "error");
          expect(hit, `docs/${doc}:${ex.fence.line} should report ${want.code}; it reports:\n${describeDiagnostics(ex.diagnostics)}`).toBe(true);
        } else {
          const hit = ex.diagnostics.some((d) => d.code === want.code && d.severity === "warning");
          expect(hit, `docs/${doc}:${ex.fence.line} should warn ${want.code}; it reports:\n${describeDiagnostics(ex.diagnostics)}`).toBe(true);
          expect(describeDiagnostics(errors), `docs/${doc}:${ex.fence.line} should have no errors`).toBe("(none)");
        }
        // `# → SHAPE[, N params]` assertions.
        const lines = ex.text.split("\n");
        lines.forEach((l, i) => {
          const m = /#\s*→\s*([0-9×]+)(?:\s*,\s*([0-9,]+)\s*params?)?\s*$/.exec(l);
          if (!m) return;
          const got = ex.lines.get(i + 1);
          const where = `docs/${doc}:${ex.fence.bodyStart + i - ex.offset + 1}`;
          expect(got?.shape, `${where}: output shape of \`${l.trim()}\``).toBe(m[1]);
          if (m[2] !== undefined) expect(got?.params, `${where}: parameters of \`${l.trim()}\``).toBe(Number(m[2].replace(/,/g, "")));
        });
      });
    }
  });
}

describe("docs/diagnostics.md", () => {
  const { markdown, examples } = checked["diagnostics.md"];
  const all = fences(markdown);

  it("shows the rendered output after every error and warning example", () => {
    const lines = markdown.split("\n");
    const stale: string[] = [];
    // Walk backwards so that rewriting one block does not move the ones before it.
    for (const ex of [...examples].reverse()) {
      if (!ex.marker.expect) continue;
      const next = all.find((f) => f.line > ex.fence.line);
      const want = ex.rendered;
      if (next && next.info === "text" && next.bodyStart === ex.fence.bodyEnd + 3) {
        if (next.body === want) continue;
        stale.push(`line ${next.line}`);
        lines.splice(next.bodyStart, next.bodyEnd - next.bodyStart, ...want.split("\n"));
      } else {
        stale.push(`after line ${ex.fence.line} (missing)`);
        lines.splice(ex.fence.bodyEnd + 1, 0, "", "```text", ...want.split("\n"), "```");
      }
    }
    if (update && stale.length > 0) writeFileSync(join(root, "docs", "diagnostics.md"), lines.join("\n"));
    expect(stale, "rendered outputs out of date; run DNNC_UPDATE_DOCS=1 npx vitest run test/docs").toEqual(update ? stale : []);
  });

  it("documents every code of the catalogue, each with an example", () => {
    const headings = new Set([...markdown.matchAll(/^## ([EWB]\d{3})\b/gm)].map((m) => m[1]!));
    const shown = new Set(examples.flatMap((e) => (e.marker.expect ? [e.marker.expect.code] : [])));
    for (const code of Object.keys(catalogue)) {
      expect(headings.has(code), `docs/diagnostics.md has no section \`## ${code}\``).toBe(true);
      expect(shown.has(code), `docs/diagnostics.md has no example marked with ${code}`).toBe(true);
    }
    for (const code of headings) expect(code in catalogue, `docs/diagnostics.md documents ${code}, which the catalogue does not have`).toBe(true);
    // The overview table repeats the catalogue's one-line meanings word for word.
    const rows = new Map([...markdown.matchAll(/^\| \[([EWB]\d{3})\]\(#[a-z0-9]+\) \| (.*) \|$/gm)].map((m) => [m[1]!, m[2]!]));
    expect(Object.fromEntries(rows), "the overview table of docs/diagnostics.md").toEqual({ ...catalogue });
  });
});

describe("docs/language.md coverage", () => {
  const { markdown, examples } = checked["language.md"];
  const clean = examples.filter((e) => !e.marker.expect);
  const used = clean.map(heads);

  it.each([...layerDefs.keys()])("layer `%s` has a checked example", (word) => {
    expect(used.some((u) => u.layers.has(word))).toBe(true);
  });
  it.each(Object.keys(settings))("training setting `%s` has a checked example", (word) => {
    expect(used.some((u) => u.settings.has(word))).toBe(true);
  });
  it("maps every examples/mnist file", () => {
    for (const path of exampleFiles().keys()) if (path.startsWith("examples/mnist/")) expect(markdown.includes(path), `${path} is not mentioned`).toBe(true);
  });
  it("mentions every diagnostic code it shows", () => {
    for (const e of examples) if (e.marker.expect) expect(markdown.includes(e.marker.expect.code)).toBe(true);
  });
});

describe("links inside the docs", () => {
  /** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
  const slug = (heading: string) =>
    heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
  it.each(docs)("every #anchor of docs/%s names a heading", (doc) => {
    const markdown = checked[doc].markdown.replace(/^```[\s\S]*?^```$/gm, "");
    const anchors = new Set([...markdown.matchAll(/^#+ (.*)$/gm)].map((m) => slug(m[1]!)));
    for (const m of markdown.matchAll(/\]\(#([^)]+)\)/g)) expect(anchors.has(m[1]!), `docs/${doc}: no heading for #${m[1]}`).toBe(true);
  });
});
