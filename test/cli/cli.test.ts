/** The `dnnc` command line, run as a child process the way a user runs it. */
import { describe, expect, it } from "vitest";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { dnnc, root } from "./run.js";

const examples = (readdirSync(join(root, "examples"), { recursive: true, encoding: "utf8" }) as string[])
  .filter((f) => f.endsWith(".dnn"))
  .map((f) => `examples/${f.split("\\").join("/")}`)
  .sort();

/** A stack trace line, e.g. "    at main (cli/main.ts:80:5)". */
const stackLine = /^\s+at .+[:(]/m;

// The processes are independent, so the tests run side by side.
describe.concurrent("dnnc", () => {
  it("check: every example is clean, one ok line each, exit 0", async () => {
    expect(examples.length).toBeGreaterThanOrEqual(11);
    const r = await dnnc(["check", ...examples]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(examples.length);
    for (const [i, f] of examples.entries()) expect(lines[i]).toMatch(new RegExp(`^ok ${f.replace(/[.]/g, "\\.")}: \\d+ models?, \\d+ training specs?$`));
  });

  it("check: a bad file exits 1 with the rendered error on stderr", async () => {
    const r = await dnnc(["check", "test/fixtures/diagnostics/E301.dnn"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("error[E301]: `dense` expects a vector but receives an image 20×24×24 (C×H×W)");
    expect(r.stderr).toContain(" --> test/fixtures/diagnostics/E301.dnn:5:3\n");
    expect(r.stderr).toContain("5 |   dense 10 softmax\n  |   ^^^^^^^^^^^^^^^^\n");
    expect(r.stderr.trimEnd().endsWith("1 error")).toBe(true);
  });

  it("check: good and bad files together report both and exit 1", async () => {
    const r = await dnnc(["check", "examples/classic/lenet5.dnn", "test/fixtures/diagnostics/E203.dnn"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("ok examples/classic/lenet5.dnn");
    expect(r.stderr).toContain("error[E203]");
  });

  it("check: warnings alone do not fail", async () => {
    const r = await dnnc(["check", "test/fixtures/diagnostics/W501.dnn"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("warning[W501]");
    expect(r.stdout).toContain("ok test/fixtures/diagnostics/W501.dnn");
  });

  it("summary: prints the table, totals and the regularisation sentence", async () => {
    const r = await dnnc(["summary", "examples/mnist/4-relu-l2.dnn"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const out = r.stdout;
    expect(out).toContain("model ReluL2 (examples/mnist/4-relu-l2.dnn)");
    expect(out).toMatch(/line\s+layer\s+output\s+params\s+FLOPs/);
    // Rows by hand: 20·1·25 + 20 = 520; 40·20·25 + 40 = 20,040; 640·100 + 100 = 64,100; 100·10 + 10 = 1,010.
    expect(out).toMatch(/^\s*9\s+conv\s+20×24×24\s+520\s+599,040\s*$/m);
    expect(out).toMatch(/^\s*11\s+conv\s+40×8×8\s+20,040\s/m);
    expect(out).toMatch(/^\s*14\s+dense\s+100\s+64,100\s+128,200\s*$/m);
    expect(out).toMatch(/^\s*15\s+dense\s+10\s+1,010\s/m);
    expect(out).toContain("parameters: 85,670 trainable");
    expect(out).toContain("λ/n = 0.000002 times every weight");
  });

  it("summary: LeNet-5 totals 61,706 parameters", async () => {
    const r = await dnnc(["summary", "examples/classic/lenet5.dnn"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("parameters: 61,706 trainable");
  });

  it("summary: an unknown --model names the models there are", async () => {
    const r = await dnnc(["summary", "examples/classic/lenet5.dnn", "--model", "LeNet"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no model named `LeNet`");
    expect(r.stderr).toContain("LeNet5");
  });

  it("--help describes the commands and shows examples", async () => {
    const r = await dnnc(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: dnnc");
    expect(r.stdout).toContain("check");
    expect(r.stdout).toContain("summary");
    expect(r.stdout).toContain("Examples:");
    expect(r.stdout).toContain("$ dnnc check examples/mnist/*.dnn");
  });

  it("check --help has an example too", async () => {
    const r = await dnnc(["check", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("$ dnnc check");
  });

  it("--version prints the package version", async () => {
    const r = await dnnc(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("a missing file: one clear first line naming it, exit 1, no stack trace", async () => {
    const r = await dnnc(["check", "no/such/file.dnn"]);
    expect(r.code).toBe(1);
    expect(r.stderr.split("\n")[0]).toMatch(/no\/such\/file\.dnn/);
    expect(r.stderr.split("\n")[0]).toMatch(/cannot read|no such file/);
    expect(r.stderr).not.toMatch(stackLine);
    expect(r.stderr).not.toContain("internal error");
  });

  it("summary of a missing file fails the same way", async () => {
    const r = await dnnc(["summary", "no/such/file.dnn"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no\/such\/file\.dnn/);
    expect(r.stderr).not.toMatch(stackLine);
  });

  it("an unknown command exits non-zero and suggests the right one", async () => {
    const r = await dnnc(["chek", "examples/classic/lenet5.dnn"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("unknown command 'chek'");
    expect(r.stderr).toContain("check");
    expect(r.stderr).not.toMatch(stackLine);
  });

  it("a bad option value is refused with a reason", async () => {
    const r = await dnnc(["check", "--format", "yaml", "examples/classic/lenet5.dnn"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("text");
    expect(r.stderr).toContain("json");
  });
});

describe("directories and unreadable files", () => {
  it("a directory argument checks every .dnn file below it", async () => {
    const r = await dnnc(["check", "examples"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("ok examples/mnist/8-ensemble.dnn");
    expect(r.stdout).toContain("ok examples/classic/lenet5.dnn");
  });

  it("a missing file is one line with the reason, and JSON lists it", async () => {
    const r = await dnnc(["check", "no/such/file.dnn"]);
    expect(r.stderr.trim()).toBe('error: cannot read "no/such/file.dnn": no such file');
    const j = await dnnc(["check", "--format", "json", "no/such/file.dnn"]);
    expect(j.code).toBe(1);
    expect(JSON.parse(j.stdout).unreadable).toEqual([{ file: "no/such/file.dnn", reason: "no such file" }]);
  });
});
