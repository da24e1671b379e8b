/**
 * Emit: write a compiled model to `<out>/<Model>/` — one .wgsl file per kernel under kernels/,
 * manifest.json, and trainer.ts (formatted) that runs it with the runtime alone.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { Program } from "../load.js";
import type { CompiledModel } from "./compile.js";
import { formatTypeScript, trainerSource } from "./trainer.js";

export { compileModel, CompileError, portableTarget, type CompiledModel, type CompileOptions, type TargetOptions } from "./compile.js";

export interface EmitOptions {
  /** Module the trainer imports the runtime from; default: a relative path to this checkout's runtime. */
  readonly runtime?: string;
}

/** The runtime's trainer entry in this installation (runtime/train/node.ts beside compiler/). */
const runtimeEntry = fileURLToPath(new URL("../../runtime/train/node.js", import.meta.url));

/** A relative import specifier from `dir` to this installation's runtime. */
export function relativeRuntime(dir: string): string {
  const rel = relative(dir, runtimeEntry).split("\\").join("/");
  return rel.startsWith(".") ? rel : `./${rel}`;
}

/** The .dnn text of the compiled model's block (for the trainer's header). */
export function modelText(program: Program, c: CompiledModel): string {
  const span = c.model.span;
  return (program.sources.get(span.file) ?? "").slice(span.start, span.end).trim();
}

/** Writes the model's directory; returns the paths written, relative to `out`. */
export async function emitModel(program: Program, c: CompiledModel, out: string, options: EmitOptions = {}): Promise<string[]> {
  const dir = join(out, c.manifest.model);
  rmSync(join(dir, "kernels"), { recursive: true, force: true });
  const files = new Map<string, string>();
  for (const k of c.manifest.kernels) files.set(k.file, c.code.get(k.name)!);
  files.set("manifest.json", JSON.stringify(c.manifest, null, 2) + "\n");
  const trainer = trainerSource(c.manifest, { runtime: options.runtime ?? relativeRuntime(dir), modelText: modelText(program, c) });
  files.set("trainer.ts", await formatTypeScript(trainer));
  for (const [name, text] of files) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  return [...files.keys()].map((f) => join(c.manifest.model, f));
}
