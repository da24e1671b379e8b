#!/usr/bin/env node
/** The `dnnc` command line. Exit codes: 0 ok, 1 errors in the input, 2 internal error. */
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { readFileSync } from "node:fs";
import type { KernelTarget } from "../runtime/engine/manifest.js";
import { checkCommand, summaryCommand, type CommandResult, type OutputFormat } from "./commands.js";
import { compileCommand } from "./compile.js";
import { evalCommand, predictCommand } from "./eval.js";
import { fmtCommand } from "./fmt.js";
import { trainCommand } from "./train.js";
import { vizCommand } from "./viz.js";

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
function wholeNumber(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("expected a whole number ≥ 0");
  return n;
}
function dataName(v: string): "mnist" | "fashion_mnist" {
  if (v !== "mnist" && v !== "fashion_mnist") throw new InvalidArgumentError("use `mnist` or `fashion_mnist`");
  return v;
}
function target(v: string): KernelTarget {
  if (v !== "cpu" && v !== "gpu") throw new InvalidArgumentError("use `cpu` or `gpu`");
  return v;
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
  $ dnnc compile examples/mnist/1-fc100-sigmoid.dnn --explain
                                             fused WGSL kernels, manifest.json and trainer.ts in out/
  $ dnnc train examples/mnist/1-fc100-sigmoid.dnn --limit 2000 --epochs 2
                                             a quick training run on the WebGPU adapter at hand
  $ dnnc eval runs/FC100                     test accuracy and confusion matrix of the trained weights
  $ dnnc fmt --check examples                lists the .dnn files not in the canonical style
  $ dnnc viz runs/FC100                      the first layer's filters and feature maps as PNG

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
  p.command("fmt")
    .description("format .dnn files in place in the canonical style, keeping every comment")
    .argument("<files...>", ".dnn files to format (a directory means every .dnn file below it)")
    .option("--check", "write nothing; list the files that are not formatted")
    .addHelpText(
      "after",
      "\nExit code 0 when every file is (or now is) formatted; 1 when a file has syntax errors (left as it is)\nor, with --check, is not formatted.\n\nExamples:\n  $ dnnc fmt model.dnn\n  $ dnnc fmt --check examples",
    )
    // Loaded on use: Prettier takes a while to load, and the other commands do not need it.
    .action(async (files: string[], o: { check?: boolean }) => emit(await fmtCommand(files, o)));
  p.command("compile")
    .description("compile a model and its training into fused WGSL kernels, manifest.json and a trainer.ts in OUT/<Model>/")
    .argument("<file>", "a .dnn file")
    .option("-o, --out <dir>", "output directory", "out")
    .option("-m, --model <name>", "the model to compile (default: the one with a train block)")
    .option("--explain", "print each kernel with the ops it fuses, its dispatch size, FLOPs and bytes per step, and the path each conv pass takes")
    .option("--target <target>", "kernel strategy: cpu (software adapters) or gpu", target, "gpu")
    .addHelpText("after", "\nExample:\n  $ dnnc compile examples/mnist/1-fc100-sigmoid.dnn --explain\n  $ npx tsx out/FC100/trainer.ts --epochs 1")
    .action(async (file: string, o: { out: string; model?: string; explain?: boolean; target: KernelTarget }) => emit(await compileCommand(file, { ...o, version: version() })));
  p.command("train")
    .description("train a model with its train block on the WebGPU adapter at hand (a GPU, or llvmpipe); a `sweep` trains once per trial and ranks them")
    .argument("<file>", "a .dnn file")
    .option("-m, --model <name>", "the model to train (default: the one with a train block)")
    .option("--epochs <n>", "override the number of epochs", positiveInt)
    .option("--limit <n>", "train on the first N examples only (validate on N/5), for quick runs", positiveInt)
    .option("--seed <n>", "override the seed", wholeNumber)
    .option("--out <dir>", "directory for runs; this run goes to OUT/<Model>/", "runs")
    .option("--resume", "continue from OUT/<Model>/checkpoint.safetensors")
    .option("--data <name>", "train on a built-in data set instead of the file's: mnist or fashion_mnist", dataName)
    .addHelpText(
      "after",
      "\nEnvironment:\n  DAWNNODE_BACKEND  Dawn's backend: vulkan, opengles, … (default: a GPU's, else llvmpipe through opengles)\n  DNNC_TARGET       the kernels: cpu (for software adapters) or gpu (workgroup-tiled); default: by the adapter\n\nExample:\n  $ dnnc train examples/mnist/1-fc100-sigmoid.dnn --limit 2000 --epochs 2\n  $ dnnc train examples/mnist/1-fc100-sigmoid.dnn --resume\n  $ dnnc train examples/mnist/3-two-conv-pool.dnn --data fashion_mnist --out runs-fashion",
    )
    .action(async (file: string, o: { model?: string; epochs?: number; limit?: number; seed?: number; out: string; resume?: boolean; data?: "mnist" | "fashion_mnist" }) => emit(await trainCommand(file, { ...o, version: version() })));
  p.command("eval")
    .description("test-set accuracy and confusion matrix of trained weights (a .safetensors file or a run directory)")
    .argument("<checkpoint>", "model.safetensors, checkpoint.safetensors, or a run directory such as runs/FC100")
    .option("--misclassified <file.png>", "draw every misclassified test image with its label and the prediction (label>prediction)")
    .addHelpText("after", "\nExamples:\n  $ dnnc eval runs/FC100\n  $ dnnc eval runs/Ensemble --misclassified wrong.png")
    .action(async (checkpoint: string, o: { misclassified?: string }) => emit(await evalCommand(checkpoint, { version: version(), ...o })));
  p.command("viz")
    .description("draw the first layer's filters and a test image's feature maps as PNG (written next to the weights)")
    .argument("<checkpoint>", "model.safetensors, checkpoint.safetensors, or a run directory")
    .option("--image <n>", "test-set image whose feature maps to draw", wholeNumber, 0)
    .option("--layer <name>", "only this layer's output (default: every layer with channels × height × width)")
    .option("--member <k>", "ensemble member to draw", wholeNumber, 0)
    .option("-o, --out <dir>", "directory for the PNG files (default: the checkpoint's directory)")
    .addHelpText("after", "\nWrites filters.png and maps-<image>-<layer>.png and prints each layer's value range.\n\nExamples:\n  $ dnnc viz runs/TwoConvPool\n  $ dnnc viz runs/TwoConvPool --image 7 --layer conv1 --out pictures")
    .action(async (checkpoint: string, o: { image: number; layer?: string; member: number; out?: string }) => emit(await vizCommand(checkpoint, { ...o, version: version() })));
  p.command("predict")
    .description("predict test-set images by index with trained weights")
    .argument("<checkpoint>", "model.safetensors, checkpoint.safetensors, or a run directory")
    .argument("<indices...>", "test-set image indices", (v: string, acc: number[] = []) => [...acc, wholeNumber(v)])
    .addHelpText("after", "\nExample:\n  $ dnnc predict runs/FC100 0 1 2")
    .action(async (checkpoint: string, indices: number[]) => emit(await predictCommand(checkpoint, indices, { version: version() })));
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
