/**
 * Hover: for a statement of a model, the value it produces (output shape, parameters, FLOPs) from the
 * checked program; for a block use, the output and totals of its layers; for a statement inside a
 * block or a repeat, one line per distinct expansion; for a model's name, the model's totals; for
 * a setting, what it does.
 */
import type { Hover } from "vscode-languageserver";
import type { LayerNode } from "../compiler/checked.js";
import type { ModelDecl, Span, Statement } from "../grammar/ast.js";
import { formatShape } from "../compiler/shape.js";
import type { Analysis } from "./analysis.js";
import { flatStatements } from "./analysis.js";
import { contains } from "./positions.js";
import { headOf } from "./vocabulary.js";

const count = (n: number) => n.toLocaleString("en-US");
const trainable = (nodes: readonly LayerNode[]) => nodes.reduce((s, n) => s + n.params.weights + n.params.biases, 0);
const flops = (nodes: readonly LayerNode[]) => nodes.reduce((s, n) => s + n.flops, 0);

/** `→ 20×24×24 · 520 params · 599,040 FLOPs` for the value of a group of layers (its last one's output). */
function valueLine(nodes: readonly LayerNode[]): string {
  return `→ \`${formatShape(nodes[nodes.length - 1]!.shape)}\` · ${count(trainable(nodes))} params · ${count(flops(nodes))} FLOPs`;
}

/** The same line for every repeat of a statement reads once, with how often. */
function counted(lines: readonly string[]): string[] {
  const k = new Map<string, number>();
  for (const l of lines) k.set(l, (k.get(l) ?? 0) + 1);
  return [...k].map(([l, n]) => (n > 1 ? `${l} (×${n})` : l));
}

/** Split the layers of a block use into its expansions: each starts again at the block's first layer. */
function expansions(nodes: readonly LayerNode[]): LayerNode[][] {
  const groups: LayerNode[][] = [];
  const first = nodes[0]?.span;
  for (const n of nodes) {
    if (groups.length === 0 || (n.span.file === first!.file && n.span.start === first!.start)) groups.push([]);
    groups[groups.length - 1]!.push(n);
  }
  return groups;
}

function statementAt(a: Analysis, offset: number): Statement | undefined {
  for (const item of a.file.items) {
    if (item.kind === "import" || !contains(item.span, offset)) continue;
    const stmt = flatStatements(item.body).find((s) => contains(s.span, offset));
    if (stmt) return stmt;
  }
  return undefined;
}

function modelHover(a: Analysis, m: ModelDecl): string | undefined {
  const checked = a.checked?.models.find((c) => c.span.start === m.span.start && c.span.file === a.path);
  if (!checked || checked.nodes.length === 0) return undefined;
  const fixed = checked.nodes.reduce((s, n) => s + n.params.nonTrainable, 0);
  const out = checked.nodes[checked.output];
  return [
    `**model ${checked.name}**${out ? ` → \`${formatShape(out.shape)}\`` : ""}`,
    `${count(trainable(checked.nodes))} trainable params${fixed ? ` · ${count(fixed)} non-trainable` : ""} · ${count(flops(checked.nodes))} FLOPs per example (forward)`,
  ].join("\n\n");
}

/** What a statement produced, one line per distinct expansion. */
function valueLines(a: Analysis, stmt: Statement): string[] {
  const same = (s: Span) => s.file === a.path && s.start === stmt.span.start;
  const lines: string[] = [];
  for (const m of a.checked?.models ?? []) {
    const used = m.nodes.filter((n) => n.via.some(same));
    if (used.length) lines.push(...expansions(used).map(valueLine));
    else lines.push(...m.nodes.filter((n) => same(n.span)).map((n) => valueLine([n])));
  }
  return counted(lines);
}

export function hover(a: Analysis, offset: number): Hover | undefined {
  const model = a.file.items.find((i): i is ModelDecl => i.kind === "model" && contains(i.name.span, offset));
  if (model) {
    const text = modelHover(a, model);
    return text ? { contents: { kind: "markdown", value: text }, range: a.index.range(model.name.span) } : undefined;
  }
  const stmt = statementAt(a, offset);
  if (!stmt) return undefined;
  const head = headOf(stmt.head.name);
  const title = `**${stmt.target ? `${stmt.target.name} = ` : ""}${stmt.head.name}**`;
  const lines = head?.kind === "setting" ? [] : valueLines(a, stmt);
  if (lines.length === 0 && !head) return undefined;
  const doc = head ? [head.doc, "```\n" + head.usage + "\n```"] : [];
  const value = lines.length === 1 ? [`${title} ${lines[0]}`] : [title, ...lines];
  return { contents: { kind: "markdown", value: [...value, ...doc].join("\n\n") }, range: a.index.range(stmt.span) };
}
