/** The `fmt` command: rewrite .dnn files in the canonical style, or (`--check`) list those not in it. */
import { writeFileSync } from "node:fs";
import { renderDiagnostics } from "../compiler/render.js";
import { sortDiagnostics } from "../compiler/diagnostics.js";
import { formatSource } from "../format/index.js";
import { expandDirectories, type CommandResult } from "./commands.js";
import { fsHost } from "./host.js";

/**
 * `dnnc fmt [--check] FILE…`. Without `--check`, rewrites each file that is not formatted and names
 * it ("formatted FILE"). With `--check`, writes nothing and names each file that would change
 * ("would reformat FILE"). Files with syntax errors are left alone; their diagnostics go to stderr.
 * Exit code 1 when a file has syntax errors, cannot be read, or (with `--check`) is not formatted.
 */
export async function fmtCommand(paths: readonly string[], opts: { check?: boolean }): Promise<CommandResult> {
  const out: string[] = [];
  const err: string[] = [];
  let failed = false;
  const host = fsHost();
  for (const path of expandDirectories(paths)) {
    const read = host.read(path);
    if ("error" in read) {
      err.push(`error: cannot read "${path}": ${read.error}`);
      failed = true;
      continue;
    }
    const r = await formatSource(path, read.text);
    if (r.text === undefined) {
      err.push(renderDiagnostics(sortDiagnostics(r.diagnostics), new Map([[path, read.text]])));
      failed = true;
      continue;
    }
    if (r.text === read.text) continue;
    if (opts.check) {
      out.push(`would reformat ${path}`);
      failed = true;
    } else {
      writeFileSync(path, r.text);
      out.push(`formatted ${path}`);
    }
  }
  return { stdout: out.map((l) => l + "\n").join(""), stderr: err.length ? err.join("\n\n") + "\n" : "", code: failed ? 1 : 0 };
}
