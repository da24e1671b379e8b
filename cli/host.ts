/** The filesystem host the CLI gives the compiler. */
import { readFileSync, statSync } from "node:fs";
import { dirname, resolve, relative, isAbsolute } from "node:path";
import type { SourceHost } from "../compiler/load.js";

/** Reads files from disk; paths are shown relative to the working directory. */
export function fsHost(): SourceHost {
  return {
    read(path) {
      try {
        if (statSync(path).isDirectory()) return { error: "it is a directory" };
        return { text: readFileSync(path, "utf8") };
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        return { error: code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : String((e as Error).message) };
      }
    },
    resolve(from, rel) {
      const abs = isAbsolute(rel) ? rel : resolve(dirname(from), rel);
      const r = relative(process.cwd(), abs);
      return r.startsWith("..") ? abs : r;
    },
  };
}
