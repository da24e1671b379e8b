/** The .dnn texts the editor tests run over: every file of examples/ and every ```dnn block of docs/*.md. */
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("../../", import.meta.url));

export interface Sample {
  /** Where it comes from: `examples/mnist/1-fc100-sigmoid.dnn` or `docs/language.md:123`. */
  readonly name: string;
  readonly text: string;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith(".dnn") ? [join(dir, e.name)] : []));
}

/** A fragment is wrapped the way docs.test.ts checks it, so that its words have their meaning. */
function wrap(info: string, body: string): string {
  const words = info.split(/\s+/);
  if (words.includes("fragment") && words.includes("train")) return `model Example { input image 1x28x28; flatten; dense 10 softmax }\ntrain Example {\n${body}\n}\n`;
  if (words.includes("fragment")) return `model Example {\n  input image 1x28x28\n${body}\n}\n`;
  return body;
}

export function samples(): Sample[] {
  const out: Sample[] = walk(join(root, "examples")).map((p) => ({ name: relative(root, p), text: readFileSync(p, "utf8") }));
  for (const doc of readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md"))) {
    const lines = readFileSync(join(root, "docs", doc), "utf8").split("\n");
    for (let i = 0; i < lines.length; i++) {
      const open = /^```(dnn\b.*)$/.exec(lines[i]!);
      if (!open) continue;
      let j = i + 1;
      while (j < lines.length && !lines[j]!.startsWith("```")) j++;
      out.push({ name: `docs/${doc}:${i + 1}`, text: wrap(open[1]!.trim(), lines.slice(i + 1, j).join("\n")) });
      i = j;
    }
  }
  return out;
}
