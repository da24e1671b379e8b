/** `dnnc compile FILE`: write out/<Model>/ (kernels, manifest.json, trainer.ts); `--explain` prints the plan. */
import type { KernelTarget } from "../runtime/engine/manifest.js";
import { checkFile, hasErrors } from "../compiler/index.js";
import { renderDiagnostics } from "../compiler/render.js";
import type { Program } from "../compiler/load.js";
import { compileModel, CompileError, portableTarget, type CompiledModel, type TargetOptions } from "../compiler/emit/compile.js";
import { emitModel } from "./emit.js";
import { deviceTarget } from "../compiler/emit/target.js";
import { explain, type ConvPathLine, type Explanation, type SequenceExplanation } from "../compiler/explain.js";
import { MissingRendererError } from "../compiler/schedule/plan.js";
import { RuntimeFailure } from "../runtime/errors.js";
import type { CommandResult } from "./commands.js";
import { fsHost } from "./host.js";
import { bytes, si, table } from "./table.js";

/** A failure to report as one line with exit code 1 (never a stack). */
export class CommandFailure extends Error {
  constructor(
    message: string,
    readonly stderr = `error: ${message}\n`,
  ) {
    super(message);
  }
}

/** Runs a command body; expected failures become `error: …` on stderr with exit code 1. */
export async function guarded(body: () => Promise<CommandResult>): Promise<CommandResult> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof CommandFailure) return { stdout: "", stderr: e.stderr, code: 1 };
    if (e instanceof RuntimeFailure || e instanceof CompileError || e instanceof MissingRendererError) return { stdout: "", stderr: `error: ${e.message}\n`, code: 1 };
    throw e;
  }
}

export { deviceTarget };

/** Loads, checks and compiles one model of `path`; diagnostics or a reason become a CommandFailure. */
export function loadCompiled(path: string, options: { model?: string; target?: TargetOptions; version?: string; batch?: number }): { program: Program; compiled: CompiledModel } {
  const r = checkFile(path, fsHost());
  const program = r.value.program;
  if (!program) throw new CommandFailure(`cannot read "${path}"`);
  if (hasErrors(r.diagnostics) || !r.value.checked) throw new CommandFailure("the file has errors", renderDiagnostics(r.diagnostics, program.sources) + "\n");
  const compiled = compileModel(program, r.value.checked, path, { ...(options.target ?? portableTarget), ...(options.model ? { model: options.model } : {}), ...(options.version ? { version: options.version } : {}), ...(options.batch ? { batch: options.batch } : {}) });
  return { program, compiled };
}

export interface CompileCommandOptions {
  readonly out: string;
  readonly model?: string;
  readonly explain?: boolean;
  readonly target?: KernelTarget;
  readonly version?: string;
}

/** `dnnc compile FILE [-o out/] [--model NAME] [--explain] [--target cpu|gpu]`. */
export function compileCommand(path: string, o: CompileCommandOptions): Promise<CommandResult> {
  return guarded(async () => {
    const target = { ...portableTarget, ...(o.target ? { target: o.target } : {}) };
    const { program, compiled } = loadCompiled(path, { target, ...(o.model ? { model: o.model } : {}), ...(o.version ? { version: o.version } : {}) });
    const files = await emitModel(program, compiled, o.out);
    const kernels = compiled.manifest.kernels.length;
    const lines = [`wrote ${o.out.replace(/\/$/, "")}/${compiled.manifest.model}/: ${kernels} kernels, manifest.json, trainer.ts (${files.length} files)`];
    if (o.explain) lines.unshift(renderExplanation(explain(compiled.manifest, compiled.plan)), "");
    return { stdout: lines.join("\n") + "\n", stderr: "", code: 0 };
  });
}

function sequenceTable(s: SequenceExplanation, batch: number): string {
  const rows = s.kernels.map((k) => [String(k.index), k.name, k.phase, k.fuses.join(", "), `${k.chunks > 1 ? `${k.chunks} × ` : ""}${k.workgroups.join("×")}`, String(k.storageBindings), si(k.flops), bytes(k.bytes), k.origin]);
  rows.push(["", "total", "", "", "", "", si(s.flops), bytes(s.bytes), `${si(s.flops / batch)} FLOPs per example`]);
  return table(["#", "kernel", "phase", "fuses", "workgroups", "bufs", "FLOPs", "bytes", "from"], rows, [true, false, false, false, true, true, true, true, false]);
}

function convolutionTable(lines: readonly ConvPathLine[]): string {
  const rows = lines.map((l) => [l.layer, l.pass, l.path, l.reason]);
  return ["convolution paths (params: filter gradient dW, input: data gradient dX)", table(["layer", "pass", "path", "why"], rows, [false, false, false, false])].join("\n");
}

/** The text of `dnnc compile --explain`. */
export function renderExplanation(e: Explanation): string {
  const memory = Object.entries(e.memory)
    .map(([role, n]) => `${role} ${bytes(n)}`)
    .join(", ");
  return [
    `model ${e.model} (${e.source}), batch ${e.batch}, kernels for ${e.target === "cpu" ? "CPU adapters" : "GPUs"}`,
    "",
    `training step: ${e.train.kernels.length} kernels in one command buffer`,
    sequenceTable(e.train, e.batch),
    "",
    ...(e.convolutions.length === 0 ? [] : [convolutionTable(e.convolutions), ""]),
    `evaluation batch: ${e.evaluate.kernels.length} kernels`,
    sequenceTable(e.evaluate, e.batch),
    "",
    `GPU memory: ${bytes(e.totalBytes)} in ${e.buffers} buffers (${memory})`,
  ].join("\n");
}
