/** `dnnc fmt` as a user runs it: rewriting files, `--check`, and its exit codes. */
import { describe, expect, it } from "vitest";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dnnc, root } from "../cli/run.js";

/** A temporary directory holding `files`; the CLI runs from the repository root (where tsx resolves), so paths are absolute. */
function scratch(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "dnnc-fmt-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const messy = "model A{input vector 4;dense 2}\n";
const tidy = "model A { input vector 4; dense 2 }\n";
const broken = "model B {\n  input vector 4\n  dense 2 %\n}\n";

describe.concurrent("dnnc fmt", () => {
  it("--check: every example is formatted, exit 0, nothing printed", async () => {
    const r = await dnnc(["fmt", "--check", "examples"]);
    expect(r).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("--check: an unformatted file is named, exit 1, and left as it was", async () => {
    const dir = scratch({ "a.dnn": messy, "b.dnn": tidy });
    const r = await dnnc(["fmt", "--check", join(dir, "a.dnn"), join(dir, "b.dnn")]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(`would reformat ${join(dir, "a.dnn")}\n`);
    expect(r.stderr).toBe("");
    expect(readFileSync(join(dir, "a.dnn"), "utf8")).toBe(messy);
  });

  it("rewrites an unformatted file and names it, exit 0; a second run has nothing to do", async () => {
    const dir = scratch({ "a.dnn": messy, "b.dnn": tidy });
    const r = await dnnc(["fmt", dir]);
    expect(r).toEqual({ code: 0, stdout: `formatted ${join(dir, "a.dnn")}\n`, stderr: "" });
    expect(readFileSync(join(dir, "a.dnn"), "utf8")).toBe(tidy);
    expect(readFileSync(join(dir, "b.dnn"), "utf8")).toBe(tidy);
    expect(await dnnc(["fmt", "--check", dir])).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("a file with a syntax error: the diagnostic as `dnnc check` renders it, exit 1, the file untouched, the others formatted", async () => {
    const dir = scratch({ "a.dnn": messy, "bad.dnn": broken });
    const bad = join(dir, "bad.dnn");
    const r = await dnnc(["fmt", join(dir, "a.dnn"), bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(`formatted ${join(dir, "a.dnn")}\n`);
    expect(r.stderr).toContain(`error[E001]: unexpected character \`%\`\n --> ${bad}:3:11\n`);
    expect(r.stderr).toContain("3 |   dense 2 %\n  |           ^\n");
    expect(r.stderr.trimEnd().endsWith("1 error")).toBe(true);
    expect(r.stderr).not.toMatch(/^\s+at .+[:(]/m);
    expect(readFileSync(bad, "utf8")).toBe(broken);
    const check = await dnnc(["check", bad]);
    expect(r.stderr).toBe(check.stderr);
  });

  it("a file that cannot be read: one line, exit 1", async () => {
    const r = await dnnc(["fmt", "--check", "no-such-file.dnn"]);
    expect(r).toEqual({ code: 1, stdout: "", stderr: 'error: cannot read "no-such-file.dnn": no such file\n' });
  });

  it("keeps every comment of an example through a rewrite", async () => {
    const dir = scratch({});
    copyFileSync(join(root, "examples/classic/lenet5.dnn"), join(dir, "lenet5.dnn"));
    const original = readFileSync(join(dir, "lenet5.dnn"), "utf8");
    // Undo the layout: no indentation, single spaces before the comments.
    writeFileSync(join(dir, "lenet5.dnn"), original.replace(/^ +/gm, "").replace(/ +#/g, " #"));
    const r = await dnnc(["fmt", join(dir, "lenet5.dnn")]);
    expect(r.code).toBe(0);
    const out = readFileSync(join(dir, "lenet5.dnn"), "utf8");
    expect(out.match(/#.*$/gm)).toEqual(original.match(/#.*$/gm));
    expect(out.replace(/ +#/g, " #")).toBe(original.replace(/ +#/g, " #"));
  });

  it("help: what it does, --check, exit codes, examples", async () => {
    const r = await dnnc(["help", "fmt"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: dnnc fmt [options] <files...>");
    expect(r.stdout).toContain("--check");
    expect(r.stdout).toContain("Exit code 0");
    expect(r.stdout).toContain("$ dnnc fmt --check examples");
  });
});
