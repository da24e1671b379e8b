/**
 * Code generation for one model of a checked program: lower → plan (render + schedule) → manifest.
 * The result is what `dnnc compile` writes to disk and what `dnnc train` runs in memory.
 */
import type { KernelTarget } from "../../runtime/engine/manifest.js";
import type { CheckedModel, CheckedProgram } from "../checked.js";
import type { Program } from "../load.js";
import { lowerModel } from "../ir/lower.js";
import type { IrGraph } from "../ir/graph.js";
import { lineStarts, positionAt } from "../source.js";
import { suggest } from "../suggest.js";
import { builtinData, type TrainingSpec } from "../train/spec.js";
import type { RenderContext } from "../wgsl/kernel.js";
import { renderers as defaultRenderers, type Renderers } from "../wgsl/index.js";
import { planModel, type Plan } from "../schedule/plan.js";
import { defaultLimits, verifyPlan, type PlanLimits } from "../schedule/verify.js";
import { buildManifest, type Manifest } from "./manifest.js";
import { sha256 } from "./sha256.js";

export { sha256 };

/** Where the kernels will run and what the adapter allows. */
export interface TargetOptions {
  readonly target: KernelTarget;
  readonly maxWorkgroupSize: number;
  readonly maxWorkgroupsPerDimension: number;
  readonly limits: PlanLimits;
}

/** A target any WebGPU adapter satisfies (the spec's guaranteed limits). */
export const portableTarget: TargetOptions = { target: "gpu", maxWorkgroupSize: 256, maxWorkgroupsPerDimension: 65_535, limits: defaultLimits };

export interface CompileOptions extends Partial<TargetOptions> {
  /** Which model (default: the only model with a `train` block, else the only model). */
  readonly model?: string;
  /** Override the spec's batch size (the compiled batch). */
  readonly batch?: number;
  /** The dnnc version recorded in the manifest. */
  readonly version?: string;
  /** Renderer registry (tests substitute stubs). */
  readonly renderers?: Renderers;
}

/** One model compiled: its IR, plan, manifest and WGSL by kernel name. */
export interface CompiledModel {
  readonly model: CheckedModel;
  readonly spec: TrainingSpec;
  readonly graph: IrGraph;
  readonly plan: Plan;
  readonly manifest: Manifest;
  readonly code: ReadonlyMap<string, string>;
}

/** A user-facing reason the model cannot be compiled (one line). */
export class CompileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CompileError";
  }
}

/** The model to compile and its training spec, or a one-line reason. */
export function selectModel(checked: CheckedProgram, path: string, name: string | undefined): { model: CheckedModel; spec: TrainingSpec } {
  const names = checked.models.map((m) => m.name);
  let model: CheckedModel | undefined;
  if (name !== undefined) {
    model = checked.models.find((m) => m.name === name);
    if (!model) {
      const s = suggest(name, names);
      throw new CompileError(`${path} has no model named \`${name}\`${s ? ` — did you mean \`${s}\`?` : ""} (models: ${names.join(", ") || "none"})`);
    }
  } else {
    const trained = checked.models.filter((m) => checked.trainings.some((t) => t.model === m.name));
    const candidates = trained.length > 0 ? trained : checked.models;
    if (candidates.length !== 1) {
      throw new CompileError(candidates.length === 0 ? `${path} defines no model` : `${path} has several models (${candidates.map((m) => m.name).join(", ")}); choose one with --model`);
    }
    model = candidates[0]!;
  }
  const spec = checked.trainings.find((t) => t.model === model.name);
  if (!spec) throw new CompileError(`model \`${model.name}\` has no \`train ${model.name} { … }\` block in ${path}; add one to say how to train it`);
  if (!model.complete) throw new CompileError(`model \`${model.name}\` has errors; run \`dnnc check ${path}\``);
  return { model, spec };
}

/** Classes the data set has. */
export function classesOf(spec: TrainingSpec): number {
  return spec.data.kind === "mnist" || spec.data.kind === "fashion_mnist" ? builtinData[spec.data.kind].classes : spec.data.classes;
}

/** Lower, plan and describe one model of a checked program; throws CompileError or MissingRendererError. */
export function compileModel(program: Program, checked: CheckedProgram, path: string, options: CompileOptions = {}): CompiledModel {
  const { model, spec: fileSpec } = selectModel(checked, path, options.model);
  const spec: TrainingSpec = options.batch ? { ...fileSpec, batch: options.batch } : fileSpec;
  const graph = lowerModel(model, spec.loss, classesOf(spec));
  const target = { ...portableTarget, ...options };
  const starts = new Map<string, number[]>();
  const ctx: RenderContext = {
    batch: spec.batch,
    target: target.target,
    maxWorkgroupSize: target.maxWorkgroupSize,
    maxWorkgroupsPerDimension: target.maxWorkgroupsPerDimension,
    maxUniformBytes: target.limits.maxUniformBufferBindingSize,
    where(op) {
      const file = op.origin.file;
      let s = starts.get(file);
      if (!s) starts.set(file, (s = lineStarts(program.sources.get(file) ?? "")));
      return `${file}:${positionAt(s, op.origin.start).line}`;
    },
  };
  const plan = planModel(graph, spec, ctx, options.renderers ?? defaultRenderers);
  const problems = verifyPlan(plan, target.limits);
  if (problems.length > 0) throw new Error(`bug: the kernel plan of ${model.name} is unsound:\n  ${problems.join("\n  ")}`);
  const source = { path, sha256: sha256(program.sources.get(path) ?? "") };
  const manifest = buildManifest(plan, source, options.version ?? "0.0.0");
  return { model, spec, graph, plan, manifest, code: new Map(plan.kernels.map((k) => [k.name, k.code])) };
}
