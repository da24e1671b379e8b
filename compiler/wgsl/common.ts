/**
 * Shared pieces of the op renderers: WGSL literals, the 1-D (or folded 2-D) dispatch every
 * elementwise-style kernel uses, and `makeKernel`, which wraps a body with its header comment,
 * bindings, constants and entry point so each renderer holds only the arithmetic that differs.
 */
import type { IrGraph, IrOp, IrTensor, WindowGeometry } from "../ir/graph.js";
import type { ActivationFn } from "../layers/index.js";
import { activationFunctions } from "./activation-fn.js";
import type { Binding, BufferName, Kernel, OpKernels, Phase, RenderContext } from "./kernel.js";
import { CHUNK_STRIDE, wgslStepUniforms } from "./kernel.js";

/** Element type a storage binding is declared with. */
export type ElementType = "f32" | "vec4<f32>" | "u32";

/** One storage binding: the WGSL variable `name` bound to `buffer`. */
export interface StorageVar {
  readonly name: string;
  readonly buffer: BufferName;
  readonly access: "read" | "read_write";
  readonly type?: ElementType;
}

/**
 * A uniform view of part of a buffer: `var<uniform> name: array<vec4<f32>, vec4s>` over the bytes
 * from one offset (a multiple of CHUNK_STRIDE) for every dispatch, or from offsets[j] in chunk j of a
 * chunked kernel. CPU adapters load a uniform buffer with vector gathers and a storage buffer lane
 * by lane, so operands that fit one are much cheaper to read there.
 */
export interface UniformVar {
  readonly name: string;
  readonly buffer: BufferName;
  readonly uniform: { readonly vec4s: number; readonly offsets: readonly number[] };
}

/** Byte offsets `first`, `first + stride`, … for `count` chunks. */
export function chunkOffsets(count: number, stride: number, first = 0): number[] {
  return Array.from({ length: count }, (_, j) => first + j * stride);
}

/** A WGSL module-scope constant. */
export interface Constant {
  readonly name: string;
  readonly type: "u32" | "f32";
  readonly value: number;
  /** Why the constant exists, when its name does not say. */
  readonly note?: string;
}

/** What a renderer says about one kernel; `makeKernel` turns it into a complete Kernel. */
export interface KernelSpec {
  readonly name: string;
  /** The header's first line, after `// ` (default `name (origin)`). */
  readonly title?: string;
  readonly phase: Phase;
  readonly trainingOnly?: boolean;
  /** Comment lines after the name line: what the kernel computes, for people. */
  readonly about: readonly string[];
  readonly vars: readonly (StorageVar | UniformVar)[];
  /**
   * Dispatch once per chunk, `chunks` times (see Kernel.chunks): `invocations` is then per chunk and
   * the body reads its chunk's index as `chunk.x`.
   */
  readonly chunks?: number;
  /** Invocations per workgroup (default: workgroupSize(ctx)); a multiple of 8. */
  readonly workgroupSize?: number;
  /** Bind the StepUniforms as `u` (after the storage bindings). */
  readonly uniforms?: boolean;
  readonly constants?: readonly Constant[];
  /** Module-scope functions the body calls. */
  readonly helpers?: readonly string[];
  /** Invocations; the body runs with `i: u32` in [0, invocations). */
  readonly invocations: number;
  /** Statements of `main`, indented by two spaces, after `i` is known to be in range. */
  readonly body: string;
  readonly flops: number;
  readonly bytes: number;
  readonly fuses: readonly string[];
  readonly origin: string;
}

/** Invocations per workgroup of the 1-D kernels: a multiple of 8 (llvmpipe's 256-bit lanes). */
export const WORKGROUP = 64;

/** A u32 constant. */
export const u32c = (name: string, value: number, note?: string): Constant => ({ name, type: "u32", value, ...(note ? { note } : {}) });

/** A window op's sizes as constants: C, IH, IW, [F], OH, OW, KH, KW (the conv kernels' shared preamble). */
export function windowConstants(g: WindowGeometry, filters?: number): Constant[] {
  return [
    u32c("C", g.channels, "input channels"),
    u32c("IH", g.inH),
    u32c("IW", g.inW),
    ...(filters === undefined ? [] : [u32c("F", filters, "filters")]),
    u32c("OH", g.outH),
    u32c("OW", g.outW),
    u32c("KH", g.kernelH),
    u32c("KW", g.kernelW),
  ];
}
/** An f32 constant. */
export const f32c = (name: string, value: number, note?: string): Constant => ({ name, type: "f32", value, ...(note ? { note } : {}) });

/** A WGSL f32 literal for a finite number (`0.5`, `1.0`, `1e-5`). */
export function f32(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`bug: non-finite WGSL literal ${x}`);
  const s = String(x);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/** A WGSL u32 literal. */
export function u32(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`bug: not a u32: ${n}`);
  return `${n}u`;
}

/** Workgroups for `invocations` 1-D invocations, folded into y when x would exceed the limit. */
export function dispatch1d(invocations: number, ctx: RenderContext, size = workgroupSize(ctx)): { workgroups: [number, number, number]; rowStride: number } {
  const groups = Math.max(1, Math.ceil(invocations / size));
  const x = Math.min(groups, ctx.maxWorkgroupsPerDimension);
  const y = Math.ceil(groups / x);
  if (y > ctx.maxWorkgroupsPerDimension) throw new Error(`bug: ${invocations} invocations exceed the dispatch limits`);
  return { workgroups: [x, y, 1], rowStride: x * size };
}

/** Workgroup size of the 1-D kernels under this context's limit. */
export function workgroupSize(ctx: RenderContext): number {
  return Math.min(WORKGROUP, ctx.maxWorkgroupSize);
}

/** Bytes one f32 takes. */
export const F32 = 4;

/** A complete Kernel from a spec: header comment, declarations, the guarded entry point. */
export function makeKernel(spec: KernelSpec, ctx: RenderContext): Kernel {
  const size = spec.workgroupSize ?? workgroupSize(ctx);
  const { workgroups, rowStride } = dispatch1d(spec.invocations, ctx, size);
  const bindings: Binding[] = spec.vars.map((v) =>
    "uniform" in v ? { buffer: v.buffer, access: "uniform", range: { size: 16 * v.uniform.vec4s, offsets: v.uniform.offsets } } : { buffer: v.buffer, access: v.access },
  );
  const decls = spec.vars.map((v, i) =>
    "uniform" in v
      ? `@group(0) @binding(${i}) var<uniform> ${v.name}: array<vec4<f32>, ${v.uniform.vec4s}>;  // ${v.buffer}, ${rangeText(v.uniform)}`
      : `@group(0) @binding(${i}) var<storage, ${v.access}> ${v.name}: array<${v.type ?? "f32"}>;  // ${v.buffer}`,
  );
  if (spec.chunks !== undefined) {
    decls.push(`@group(0) @binding(${bindings.length}) var<uniform> chunk: vec4<u32>;  // chunks: this dispatch's chunk index is chunk.x`);
    bindings.push({ buffer: "chunks", access: "uniform", range: { size: 16, offsets: chunkOffsets(spec.chunks, CHUNK_STRIDE) } });
  }
  if (spec.uniforms) {
    decls.push(`@group(0) @binding(${bindings.length}) var<uniform> u: StepUniforms;`);
    bindings.push({ buffer: "uniforms", access: "uniform" });
  }
  const constants = [u32c("INVOCATIONS", spec.invocations), ...(spec.constants ?? [])].map(
    (c) => `const ${c.name}: ${c.type} = ${c.type === "u32" ? u32(c.value) : f32(c.value)};${c.note ? `  // ${c.note}` : ""}`,
  );
  const index = workgroups[1] === 1 ? "gid.x" : `gid.x + gid.y * ${u32(rowStride)}`;
  const code = [
    `// ${spec.title ?? `${spec.name} (${spec.origin})`}`,
    ...spec.about.map((l) => `// ${l}`),
    "",
    ...(spec.uniforms ? [wgslStepUniforms, ""] : []),
    ...decls,
    "",
    ...constants,
    "",
    ...(spec.helpers ?? []).flatMap((h) => [h.trimEnd(), ""]),
    `@compute @workgroup_size(${size})`,
    "fn main(@builtin(global_invocation_id) gid: vec3u) {",
    `  let i = ${index};`,
    "  if (i >= INVOCATIONS) { return; }",
    spec.body.replace(/^\n+|\s+$/g, ""),
    "}",
    "",
  ].join("\n");
  return {
    name: spec.name,
    phase: spec.phase,
    code,
    bindings,
    workgroups,
    ...(spec.chunks !== undefined ? { chunks: spec.chunks } : {}),
    trainingOnly: spec.trainingOnly ?? (spec.phase === "backward" || spec.phase === "update"),
    flops: spec.flops,
    bytes: spec.bytes,
    fuses: spec.fuses,
    origin: spec.origin,
  };
}

/** `bytes 40192…80192`, or `16 bytes at 0, 256, 512 … in chunks 0, 1, 2 …` for a uniform view. */
function rangeText(u: UniformVar["uniform"]): string {
  const size = 16 * u.vec4s;
  if (u.offsets.length === 1) return `bytes ${u.offsets[0]}…${u.offsets[0]! + size}`;
  const shown = u.offsets.length > 4 ? [...u.offsets.slice(0, 3), "…", u.offsets.at(-1)] : u.offsets;
  return `${size} bytes at ${shown.join(", ")} in chunks 0…${u.offsets.length - 1}`;
}

/** `20×24×24` for a tensor's per-example dims. */
export function dimsText(t: IrTensor): string {
  return t.dims.join("×");
}

/** The tensor with id `id`, or a bug. */
export function tensorOf(g: IrGraph, id: number): IrTensor {
  const t = g.tensors[id];
  if (!t) throw new Error(`bug: no tensor ${id}`);
  return t;
}

/** Statement writing `value` to `target[index]`, or adding it when `accumulate`. */
export function store(target: string, index: string, value: string, accumulate: boolean): string {
  return accumulate ? `${target}[${index}] = ${target}[${index}] + ${value};` : `${target}[${index}] = ${value};`;
}

/** `OpKernels.input` of an op with one input: `gradient(accumulate)` for input 0; any other index is a bug. */
export function singleInput(op: { readonly name: string }, gradient: (accumulate: boolean) => readonly Kernel[]): OpKernels["input"] {
  return (index, accumulate) => {
    if (index !== 0) throw new Error(`bug: ${op.name} has one input, asked for input ${index}`);
    return gradient(accumulate);
  };
}

/** What a renderer says about a kernel of singleInputKernels: a KernelSpec less the name, phase, fuses and origin, which come from the op. */
export type OpKernelSpec = Omit<KernelSpec, "name" | "phase" | "fuses" | "origin">;

/**
 * The kernels of a parameter-free op with one input and no scratch: `<op>_forward`, and
 * `<op>_grad_input` writing dX (or, with `accumulate`, adding to it); each fuses the op alone.
 */
export function singleInputKernels(op: IrOp, ctx: RenderContext, forward: OpKernelSpec, gradient: (accumulate: boolean) => OpKernelSpec): OpKernels {
  const label = { fuses: [op.name], origin: ctx.where(op) };
  return {
    forward: [makeKernel({ ...forward, name: `${op.name}_forward`, phase: "forward", ...label }, ctx)],
    params: [],
    input: singleInput(op, (accumulate) => [makeKernel({ ...gradient(accumulate), name: gradInputName(op, 0, false), phase: "backward", ...label }, ctx)]),
    aux: [],
  };
}

/** Kernel-name suffix of an input gradient: `grad_input`, or `grad_input1` for operand 1 of a join. */
export function gradInputName(op: { readonly name: string }, index: number, many: boolean): string {
  return `${op.name}_grad_input${many ? index : ""}`;
}

/**
 * WGSL functions `act(z)` and `act_grad(y)` (the derivative from the output) of an elementwise
 * activation, for f32 or, lane by lane, for vec4<f32>; see activation-fn.ts.
 */
export function activationHelpers(fn: ActivationFn, slope: number, t: "f32" | "vec4<f32>"): string[] {
  if (t === "f32") return [activationFunctions(fn, slope, "act")];
  const lanes = (f: string, v: string) => `vec4<f32>(${f}(${v}.x), ${f}(${v}.y), ${f}(${v}.z), ${f}(${v}.w))`;
  return [
    activationFunctions(fn, slope, "act1"),
    `fn act(z: vec4<f32>) -> vec4<f32> { return ${lanes("act1", "z")}; }\nfn act_grad(y: vec4<f32>) -> vec4<f32> { return ${lanes("act1_grad", "y")}; }`,
  ];
}
