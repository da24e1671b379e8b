#!/usr/bin/env node
/** The `dnnc` command line. Exit codes: 0 ok, 1 errors in the input, 2 internal error. */
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { readFileSync } from "node:fs";
import { checkCommand, summaryCommand, type CommandResult, type OutputFormat } from "./commands.js";

/** The package version, found by walking up from this file (works from cli/ and dist/cli/). */
function version(): string {
  for (const up of ["../package.json", "../../package.json"]) {
    try {
      const p = JSON.parse(readFileSync(new URL(up, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (p.name === "dnnc" && p.version) return p.version;
    } catch {
      // not at this level
    }
  }
  return "unknown";
}

function emit(r: CommandResult): void {
  if (r.stdout) process.stdout.write(r.stdout);
  if (r.stderr) process.stderr.write(r.stderr);
  process.exitCode = r.code;
}

function format(v: string): OutputFormat {
  if (v !== "text" && v !== "json") throw new InvalidArgumentError("use `text` or `json`");
  return v;
}
function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a whole number ≥ 1");
  return n;
}

/** Build the commander program (exported for tests). */
export function program(): Command {
  const p = new Command("dnnc")
    .description("Compile .dnn descriptions of neural networks and their training into WebGPU trainers.")
    .version(version(), "-v, --version", "print the version")
    .showSuggestionAfterError(true)
    .addHelpText(
      "after",
      `
Examples:
  $ dnnc check examples/mnist/*.dnn          check files; every mistake, with line:col and a caret
  $ dnnc summary examples/mnist/3-two-conv-pool.dnn
                                             layers, output shapes, parameters, FLOPs, memory
  $ dnnc check model.dnn --format json       diagnostics as JSON, for editors and scripts

Language reference: docs/language.md`,
    );
  p.command("check")
    .description("check .dnn files: syntax, names, arguments, shapes and training settings")
    .argument("<files...>", ".dnn files to check (a directory means every .dnn file below it)")
    .option("--format <format>", "text or json", format, "text")
    .addHelpText("after", "\nExit code 0 when every file is free of errors, 1 otherwise.\n\nExample:\n  $ dnnc check examples/mnist/*.dnn")
    .action((files: string[], o: { format: OutputFormat }) => emit(checkCommand(files, o.format)));
  p.command("summary")
    .description("print each model's layers with output shapes, parameters and FLOPs, plus totals and training memory")
    .argument("<file>", "a .dnn file")
    .option("-m, --model <name>", "only this model")
    .option("-b, --batch <n>", "batch size for the memory estimate (default: the file's `batch`, else 64)", positiveInt)
    .option("--format <format>", "text or json", format, "text")
    .addHelpText("after", "\nExample:\n  $ dnnc summary examples/classic/lenet5.dnn --batch 128")
    .action((file: string, o: { model?: string; batch?: number; format: OutputFormat }) => emit(summaryCommand(file, o)));
  p.exitOverride();
  return p;
}

/** Run the CLI; internal failures print one line (a stack only with DNNC_DEBUG=1) and exit 2. */
export async function main(argv: readonly string[]): Promise<void> {
  try {
    await program().parseAsync(argv as string[]);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : 1;
      return;
    }
    process.stderr.write(`dnnc: internal error: ${(e as Error).message ?? String(e)}\nThis is a bug in dnnc; please report it with the input file.${process.env["DNNC_DEBUG"] ? `\n${(e as Error).stack}` : " (set DNNC_DEBUG=1 for details)"}\n`);
    process.exitCode = 2;
  }
}

await main(process.argv);
