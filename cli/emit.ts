/** Writing a compiled model's directory `<out>/<Model>/` (the files come from compiler/emit). */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { Program } from "../compiler/load.js";
import { modelFiles, type CompiledModel } from "../compiler/emit/index.js";

export interface EmitOptions {
  /** Module the trainer imports the runtime from; default: a relative path to this checkout's runtime. */
  readonly runtime?: string;
}

/** The runtime's trainer entry in this installation (runtime/train/node.ts beside cli/). */
const runtimeEntry = fileURLToPath(new URL("../runtime/train/node.js", import.meta.url));

/** A relative import specifier from `dir` to this installation's runtime. */
export function relativeRuntime(dir: string): string {
  const rel = relative(dir, runtimeEntry).split("\\").join("/");
  return rel.startsWith(".") ? rel : `./${rel}`;
}

/** Writes the model's directory (replacing its kernels/); returns the paths written, relative to `out`. */
export async function emitModel(program: Program, c: CompiledModel, out: string, options: EmitOptions = {}): Promise<string[]> {
  const dir = join(out, c.manifest.model);
  rmSync(join(dir, "kernels"), { recursive: true, force: true });
  const files = await modelFiles(program, c, options.runtime ?? relativeRuntime(dir));
  for (const [name, text] of files) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  return [...files.keys()].map((f) => join(c.manifest.model, f));
}
