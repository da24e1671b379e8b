/**
 * A small GPU harness for the op-kernel tests: lower a .dnn model, make every buffer a kernel may
 * bind (by BufferName), upload, run kernels in one command buffer, read back. Pipelines use explicit
 * layouts built from each Kernel's bindings (so a binding's declared access must match the WGSL),
 * and every shader must compile without errors or warnings.
 */
import { expect } from "vitest";
import { checkFile, memoryHost } from "../../../compiler/index.js";
import type { IrGraph, IrOp } from "../../../compiler/ir/graph.js";
import { lowerModel } from "../../../compiler/ir/lower.js";
import type { Loss } from "../../../compiler/train/spec.js";
import type { ForwardArgs } from "../../reference/ops/index.js";
import { packStepUniforms, type AuxBuffer, type BufferName, type Kernel, type RenderContext, type StepUniforms } from "../../../compiler/wgsl/kernel.js";
import { openAdapterDevice, type GpuHandle } from "../../../runtime/device.js";

/** A lowered test model and a render context for it. */
export interface TestGraph {
  readonly graph: IrGraph;
  readonly ctx: RenderContext;
}

/** Check and lower `model M { …lines }` at compiled batch `batch`; fails the test on any error. */
export function lower(lines: readonly string[], batch: number, loss: Loss = "quadratic", target: RenderContext["target"] = "cpu"): TestGraph {
  const source = `model M {\n${lines.map((l) => `  ${l}`).join("\n")}\n}\n`;
  const r = checkFile("t.dnn", memoryHost({ "t.dnn": source }));
  expect(r.diagnostics.filter((d) => d.severity !== "warning").map((d) => `${d.code}: ${d.message}`)).toEqual([]);
  const model = r.value.checked!.models[0]!;
  const out = model.nodes[model.output]!.shape;
  const graph = lowerModel(model, loss, out.kind === "vector" ? out.n : 1);
  const line = (offset: number) => source.slice(0, offset).split("\n").length;
  return { graph, ctx: { batch, target, maxWorkgroupSize: 256, maxWorkgroupsPerDimension: 65535, maxUniformBytes: 65536, where: (op) => `${op.origin.file}:${line(op.origin.start)}` } };
}

/** The op named `name` of kind K. */
export function opNamed<K extends IrOp["kind"]>(g: IrGraph, name: string, kind: K): Extract<IrOp, { kind: K }> {
  const op = g.ops.find((o) => o.name === name);
  if (!op || op.kind !== kind) throw new Error(`no ${kind} op ${name} in ${g.ops.map((o) => o.name).join(", ")}`);
  return op as Extract<IrOp, { kind: K }>;
}

/** Uniforms of a training step with `rows` examples; override any field. */
export function uniforms(rows: number, over: Partial<StepUniforms> = {}): StepUniforms {
  return { step: 1, seed: 1234, rows, training: 1, lr: 0.1, l1: 0, l2: 0, bias1: 1, bias2: 1, ...over };
}

/** Seeded uniform numbers in [lo, hi) (mulberry32). */
export function random(seed: number, lo = -1, hi = 1): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
  };
}

/** `n` float32 values from `next`. */
export function floats(n: number, next: () => number): Float32Array<ArrayBuffer> {
  return Float32Array.from({ length: n }, next);
}

/** Float64 copy of a float32 array's first `n` values (what the reference reads). */
export function f64(a: ArrayLike<number>, n = a.length): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => a[i]!);
}

/**
 * Each element within `rel` of the reference, measured against the larger of |expected| and 1e-3 of
 * the array's largest |expected| (values that cancel to near 0 are judged on the array's scale).
 */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, rel = 1e-4): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!(Math.abs(a - e) <= rel * Math.max(Math.abs(e), 1e-3 * scale, 1e-30))) expect.fail(`${what}[${i}]: kernel ${a}, reference ${e} (largest |reference| ${scale})`);
  }
}

/** Buffer sizes (floats) for a graph: every tensor's act and grad, the arenas, labels, metrics and aux. */
export interface Layout {
  readonly graph: IrGraph;
  readonly batch: number;
  readonly aux: readonly AuxBuffer[];
  /** Arena-sized optimizer slots. */
  readonly optSlots?: number;
}

const USAGE = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

/** One device per test file, with a pipeline cache and compile checks. */
export class OpsHarness {
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly buffers = new Map<string, GPUBuffer>();
  private readonly uniformBuffer: GPUBuffer;

  private constructor(
    private readonly gpu: GpuHandle,
    /** The `GPU` object from dawn.node's create(); see open(). */
    readonly instance: GPU,
  ) {
    this.uniformBuffer = gpu.device.createBuffer({ size: 48, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  }

  /**
   * Open a device as runtime/node/gpu.ts does (the platform's backend, then OpenGL ES for llvmpipe),
   * but keep the `GPU` object create() returns reachable: once it is garbage-collected, Dawn's
   * instance is freed under the live device and the next event poll aborts the process
   * (std::system_error in dawn::native::InstanceBase::ProcessEvents) or hangs.
   */
  static async open(): Promise<OpsHarness> {
    const { create, globals } = await import("webgpu");
    for (const [name, value] of Object.entries(globals as Record<string, unknown>)) {
      if (!(name in globalThis)) Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
    }
    const preferred = process.env.DAWNNODE_BACKEND;
    const order = preferred ? [preferred] : [process.platform === "darwin" ? "metal" : process.platform === "win32" ? "d3d12" : "vulkan", "opengles"];
    for (const backend of order) {
      const gl = backend === "opengles" || backend === "opengl";
      if (gl) process.env.EGL_PLATFORM ??= "surfaceless";
      const instance = create([`backend=${backend}`]);
      const adapter = await instance.requestAdapter(gl ? { featureLevel: "compatibility" } : { powerPreference: "high-performance" });
      if (adapter) return new OpsHarness(await openAdapterDevice(adapter, backend), instance);
    }
    throw new Error(`no WebGPU adapter (tried ${order.join(", ")})`);
  }

  get device(): GPUDevice {
    return this.gpu.device;
  }

  /** Fresh zeroed buffers for everything `layout` can bind; earlier buffers are destroyed. */
  allocate(layout: Layout): void {
    for (const b of this.buffers.values()) b.destroy();
    this.buffers.clear();
    const { graph: g, batch } = layout;
    const sizes = new Map<string, number>([
      ["params", g.paramCount],
      ["grads", g.paramCount],
      ["opt", (layout.optSlots ?? 0) * g.paramCount],
      ["state", g.stateCount],
      ["labels", batch],
      ["metrics", 3],
    ]);
    for (const t of g.tensors) {
      sizes.set(`act:${t.id}`, batch * t.size);
      sizes.set(`grad:${t.id}`, batch * t.size);
    }
    for (const a of layout.aux) sizes.set(`aux:${a.name}`, a.floats);
    for (const [name, floats] of sizes) this.buffers.set(name, this.device.createBuffer({ size: Math.max(16, Math.ceil((floats * 4) / 16) * 16), usage: USAGE() }));
  }

  private buffer(name: BufferName): GPUBuffer {
    const b = this.buffers.get(name);
    if (!b) throw new Error(`no buffer ${name}`);
    return b;
  }

  /** Upload `data` to the start of buffer `name`. */
  write(name: BufferName, data: Float32Array<ArrayBuffer> | Uint32Array<ArrayBuffer>): void {
    this.device.queue.writeBuffer(this.buffer(name), 0, data);
  }

  /** The first `floats` values of buffer `name` (all of it by default). */
  async read(name: BufferName, floats?: number): Promise<Float32Array> {
    const src = this.buffer(name);
    const size = floats === undefined ? src.size : Math.ceil((floats * 4) / 4) * 4;
    const staging = this.device.createBuffer({ size: Math.max(4, size), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const enc = this.device.createCommandEncoder();
    enc.copyBufferToBuffer(src, 0, staging, 0, size);
    this.device.queue.submit([enc.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const out = new Float32Array(staging.getMappedRange().slice(0));
    staging.unmap();
    staging.destroy();
    return floats === undefined ? out : out.subarray(0, floats);
  }

  /** A pipeline for `k` with an explicit layout, compiled once; throws on any compilation message. */
  async pipeline(k: Kernel): Promise<GPUComputePipeline> {
    const cached = this.pipelines.get(k.code);
    if (cached) return cached;
    const module = this.device.createShaderModule({ label: k.name, code: k.code });
    const info = await module.getCompilationInfo();
    const messages = info.messages.map((m) => `${k.name}: ${m.type}: ${m.message} (line ${m.lineNum})`);
    if (messages.length > 0) throw new Error(`${messages.join("\n")}\n${k.code}`);
    const entries: GPUBindGroupLayoutEntry[] = k.bindings.map((b, binding) => ({
      binding,
      visibility: GPUShaderStage.COMPUTE,
      buffer: { type: b.access === "uniform" ? "uniform" : b.access === "read" ? "read-only-storage" : "storage" },
    }));
    this.device.pushErrorScope("validation");
    const layout = this.device.createPipelineLayout({ bindGroupLayouts: [this.device.createBindGroupLayout({ entries })] });
    // Synchronous creation: Dawn's OpenGL ES backend has crashed on concurrent async creations.
    const pipeline = this.device.createComputePipeline({ layout, compute: { module, entryPoint: "main" } });
    const error = await this.device.popErrorScope();
    if (error) throw new Error(`${k.name}: ${error.message}\n${k.code}`);
    this.pipelines.set(k.code, pipeline);
    return pipeline;
  }

  /** Run `kernels` in order in one command buffer with `u` as the step uniforms; waits for the GPU. */
  async run(kernels: readonly Kernel[], u: StepUniforms): Promise<void> {
    const ranged = kernels.find((k) => k.chunks !== undefined || k.bindings.some((b) => b.range));
    if (ranged) throw new Error(`${ranged.name} binds uniform ranges or runs in chunks; this harness binds whole buffers (use test/wgsl/gemm/harness.ts)`);
    const pipelines: GPUComputePipeline[] = [];
    for (const k of kernels) pipelines.push(await this.pipeline(k));
    this.device.queue.writeBuffer(this.uniformBuffer, 0, packStepUniforms(u));
    this.device.pushErrorScope("validation");
    const enc = this.device.createCommandEncoder();
    const pass = enc.beginComputePass();
    kernels.forEach((k, i) => {
      const pipeline = pipelines[i]!;
      const entries = k.bindings.map((b, binding) => ({ binding, resource: { buffer: b.buffer === "uniforms" ? this.uniformBuffer : this.buffer(b.buffer) } }));
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries }));
      pass.dispatchWorkgroups(...k.workgroups);
    });
    pass.end();
    this.device.queue.submit([enc.finish()]);
    const error = await this.device.popErrorScope();
    if (error) throw new Error(`run ${kernels.map((k) => k.name).join(", ")}: ${error.message}`);
    await this.device.queue.onSubmittedWorkDone();
  }

  /** Release the device. */
  async destroy(): Promise<void> {
    for (const b of this.buffers.values()) b.destroy();
    await this.gpu.destroy();
  }
}

/** Every kernel follows the contract: named after its op, a header citing the .dnn line, limits respected, no barriers. */
export function expectWellFormed(kernels: readonly Kernel[], ctx: RenderContext, prefix: string): void {
  for (const k of kernels) {
    expect(k.name.startsWith(prefix), k.name).toBe(true);
    expect(k.code.startsWith(`// ${k.name} (`), k.name).toBe(true);
    expect(k.code).toContain(k.origin);
    expect(k.code).not.toMatch(/workgroupBarrier|var<workgroup>|atomic/);
    expect(k.bindings.filter((b) => b.access !== "uniform").length).toBeLessThanOrEqual(8);
    for (const n of k.workgroups) expect(n).toBeLessThanOrEqual(ctx.maxWorkgroupsPerDimension);
  }
}

/** Arguments for an op reference: the operands' values, the arenas, and the step. */
export function refArgs(g: IrGraph, xs: readonly Float64Array[], rows: number, o: { params?: ArrayLike<number>; state?: ArrayLike<number>; training?: boolean; seed?: number; step?: number } = {}): ForwardArgs {
  const params = f64(o.params ?? new Float64Array(g.paramCount));
  return {
    xs,
    param: (id) => {
      const p = g.params[id]!;
      return params.subarray(p.offset, p.offset + p.size);
    },
    state: f64(o.state ?? new Float64Array(g.stateCount)),
    rows,
    training: o.training ?? true,
    seed: o.seed ?? 1234,
    step: o.step ?? 1,
  };
}
