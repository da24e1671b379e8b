/**
 * Emit: the files of a compiled model's directory — one .wgsl file per kernel under kernels/,
 * manifest.json, and trainer.ts (formatted) that runs it with the runtime alone. Pure: the CLI
 * writes them (cli/emit.ts), a browser can offer them for download.
 */
import type { Program } from "../load.js";
import type { CompiledModel } from "./compile.js";
import { formatTypeScript, trainerSource } from "./trainer.js";

export { compileModel, CompileError, portableTarget, type CompiledModel, type CompileOptions, type TargetOptions } from "./compile.js";

/** The .dnn text of the compiled model's block (for the trainer's header). */
export function modelText(program: Program, c: CompiledModel): string {
  const span = c.model.span;
  return (program.sources.get(span.file) ?? "").slice(span.start, span.end).trim();
}

/** The model directory's files by relative path; `runtime` is the module trainer.ts imports the runtime from. */
export async function modelFiles(program: Program, c: CompiledModel, runtime: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const k of c.manifest.kernels) files.set(k.file, c.code.get(k.name)!);
  files.set("manifest.json", JSON.stringify(c.manifest, null, 2) + "\n");
  files.set("trainer.ts", await formatTypeScript(trainerSource(c.manifest, { runtime, modelText: modelText(program, c) })));
  return files;
}
