/** Loading a file and everything it imports, through a host that knows how to read files. */
import type { DnnFile, Span } from "../grammar/ast.js";
import { parseSource } from "../grammar/parse.js";
import type { Diagnostic, Result } from "./diagnostics.js";
import { msg } from "./messages.js";

/** How the compiler reaches files; the CLI gives a filesystem host, tests an in-memory one. */
export interface SourceHost {
  /** The file's text, or an error message saying why it cannot be read. */
  read(path: string): { text: string } | { error: string };
  /** Resolve `relative` against the file that imports it. */
  resolve(from: string, relative: string): string;
}

export interface Program {
  readonly entry: DnnFile;
  /** Imported files, in the order they were first reached. */
  readonly imports: readonly DnnFile[];
  /** Text of every file read, by path (for rendering diagnostics). */
  readonly sources: ReadonlyMap<string, string>;
}

/** Parse `path` and, transitively, its imports; cycles are followed once. */
export function loadProgram(path: string, host: SourceHost): Result<Program | undefined> {
  const diagnostics: Diagnostic[] = [];
  const sources = new Map<string, string>();
  const files = new Map<string, DnnFile>();
  const read = (p: string, from: Span | undefined): DnnFile | undefined => {
    if (files.has(p)) return files.get(p);
    const r = host.read(p);
    if ("error" in r) {
      if (from) diagnostics.push(msg.importFailed(from, p, r.error));
      return undefined;
    }
    sources.set(p, r.text);
    const parsed = parseSource(p, r.text);
    diagnostics.push(...parsed.diagnostics);
    files.set(p, parsed.value);
    for (const item of parsed.value.items) if (item.kind === "import") read(host.resolve(p, item.path), item.span);
    return parsed.value;
  };
  const entryRead = host.read(path);
  if ("error" in entryRead) return { value: undefined, diagnostics: [] };
  const entry = read(path, undefined)!;
  const imports = [...files.values()].filter((f) => f !== entry);
  return { value: { entry, imports, sources }, diagnostics };
}

/** A host over an in-memory map of files (tests, the browser, the language server). */
export function memoryHost(files: ReadonlyMap<string, string> | Record<string, string>): SourceHost {
  const map = files instanceof Map ? files : new Map(Object.entries(files));
  return {
    read: (p) => (map.has(p) ? { text: map.get(p)! } : { error: "no such file" }),
    resolve: (from, rel) => {
      const dir = from.includes("/") ? from.slice(0, from.lastIndexOf("/") + 1) : "";
      const parts: string[] = [];
      for (const seg of (rel.startsWith("/") ? rel : dir + rel).split("/")) {
        if (seg === "..") parts.pop();
        else if (seg !== "." && seg !== "") parts.push(seg);
      }
      return (rel.startsWith("/") ? "/" : "") + parts.join("/");
    },
  };
}
