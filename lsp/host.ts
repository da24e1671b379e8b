/** The compiler's view of files from the server: open documents as the editor holds them, others from disk. */
import { readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { SourceHost } from "../compiler/load.js";

/** A `file:` URI as a filesystem path; any other URI (`untitled:…`) stays as it is. */
export function uriToPath(uri: string): string {
  return uri.startsWith("file:") ? fileURLToPath(uri) : uri;
}

export function pathToUri(path: string): string {
  return isAbsolute(path) ? pathToFileURL(path).href : path;
}

/** Reads `open(path)` first (unsaved edits), then the disk. */
export function overlayHost(open: (path: string) => string | undefined): SourceHost {
  return {
    read(path) {
      const text = open(path);
      if (text !== undefined) return { text };
      try {
        if (statSync(path).isDirectory()) return { error: "it is a directory" };
        return { text: readFileSync(path, "utf8") };
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        return { error: code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : (e as Error).message };
      }
    },
    resolve: (from, rel) => (isAbsolute(rel) ? rel : resolve(dirname(from), rel)),
  };
}
