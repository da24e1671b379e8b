/**
 * A small GPU harness for kernel tests: buffers for an IR graph's tensors and arenas, explicit bind
 * group layouts from each Kernel's bindings, one command buffer per run, readback by buffer name.
 * Every shader module must compile with no messages (errors or warnings).
 */
import { expect } from "vitest";
import { checkFile, memoryHost } from "../../../compiler/index.js";
import type { IrGraph } from "../../../compiler/ir/graph.js";
import { lowerModel } from "../../../compiler/ir/lower.js";
import { packStepUniforms, type AuxBuffer, type BufferName, type Kernel, type RenderContext, type StepUniforms } from "../../../compiler/wgsl/kernel.js";
import type { GpuHandle } from "../../../runtime/device.js";
import { requestNodeDevice } from "../../../runtime/node/gpu.js";
import { bindGroups, boundAsUniform, CHUNK_STRIDE, chunkIndices, encodeKernel, layoutEntries, maxChunks, rangedBytes } from "../../../runtime/engine/bind.js";

/** Check one model's source and lower it (quadratic loss); fails the test on any error. */
export function lowerSource(source: string): IrGraph {
  const r = checkFile("t.dnn", memoryHost({ "t.dnn": source }));
  expect(r.diagnostics.filter((d) => d.severity !== "warning").map((d) => `${d.code}: ${d.message}`)).toEqual([]);
  const model = r.value.checked!.models[0]!;
  const out = model.nodes[model.output]!.shape;
  return lowerModel(model, "quadratic", out.kind === "vector" ? out.n : 0);
}

/** A model `M` from its body lines. */
export const model = (...lines: string[]): string => `model M {\n${lines.map((l) => `  ${l}`).join("\n")}\n}\n`;

/** A render context for tests (compat-level limits unless overridden); `source` gives `where` its line numbers. */
export function testContext(batch: number, target: "cpu" | "gpu" = "cpu", source = "", limits: Partial<Pick<RenderContext, "maxWorkgroupSize" | "maxWorkgroupsPerDimension" | "maxUniformBytes">> = {}): RenderContext {
  const line = (offset: number) => source.slice(0, offset).split("\n").length;
  return { batch, target, maxWorkgroupSize: 128, maxWorkgroupsPerDimension: 65535, maxUniformBytes: 65536, ...limits, where: (op) => `${op.origin.file}:${line(op.origin.start)}` };
}

/** Uniforms with `rows` examples in a training step. */
export const uniformsFor = (rows: number): StepUniforms => ({ step: 1, seed: 7, rows, training: 1, lr: 0.1, l1: 0, l2: 0, bias1: 1, bias2: 1 });

/** Seeded uniform numbers in [lo, hi) (mulberry32). */
export function seeded(seed: number, lo = -1, hi = 1): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
  };
}

/** n seeded float32 values. */
export const randomF32 = (n: number, next: () => number): Float32Array<ArrayBuffer> => Float32Array.from({ length: n }, next);

/**
 * Every element within `rel` of the expected value, relative to the larger of |expected| and the
 * mean |expected| (sums that cancel to near 0 are judged against the array's scale).
 */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, rel = 1e-4): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let mean = 0;
  for (let i = 0; i < expected.length; i++) mean += Math.abs(expected[i]!) / expected.length;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!(Math.abs(a - e) <= rel * Math.max(Math.abs(e), mean, 1e-6))) expect.fail(`${what}[${i}]: kernel ${a}, reference ${e} (mean |ref| ${mean})`);
  }
}

/** Floats in the buffer `name` for a graph at batch `batch` (its data; a buffer bound in ranges may be longer, see allocation). */
export function bufferFloats(name: BufferName, g: IrGraph, batch: number, aux: readonly AuxBuffer[], kernels: readonly Kernel[] = []): number {
  if (name === "params" || name === "grads") return g.paramCount;
  if (name === "uniforms") return 12;
  if (name === "chunks") return (maxChunks(kernels) * CHUNK_STRIDE) / 4;
  const [kind, rest] = name.split(":") as [string, string];
  if (kind === "act" || kind === "grad") return batch * g.tensors[Number(rest)]!.size;
  if (kind === "aux") {
    const a = aux.find((x) => x.name === rest);
    if (!a) throw new Error(`kernel binds ${name}, which no OpKernels.aux declares`);
    return a.floats;
  }
  throw new Error(`the harness has no buffer ${name}`);
}

/**
 * A buffer for `name` as the engine makes it: `floats` of data, longer where a kernel binds it in
 * ranges, uniform usage where one binds it as a uniform buffer; `chunks` holds the chunk indices.
 */
function createBuffer(device: GPUDevice, name: BufferName, floats: number, kernels: readonly Kernel[]): GPUBuffer {
  const uniformOnly = name === "uniforms" || name === "chunks";
  const usage = uniformOnly
    ? GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST
    : GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST | (boundAsUniform(kernels, name) ? GPUBufferUsage.UNIFORM : 0);
  const bytes = Math.max(16, floats * 4, rangedBytes(kernels, name));
  const b = device.createBuffer({ label: name, size: Math.ceil(bytes / 4) * 4, usage });
  if (name === "chunks") device.queue.writeBuffer(b, 0, chunkIndices(bytes / CHUNK_STRIDE));
  return b;
}

/** One device for a test file, with a pipeline cache and compile checks. */
export class GpuHarness {
  private readonly pipelines = new Map<string, { pipeline: GPUComputePipeline; layout: GPUBindGroupLayout }>();
  readonly errors: string[] = [];
  private gpu!: GpuHandle;

  /** Open the device (a GPU, else llvmpipe). */
  static async open(): Promise<GpuHarness> {
    const h = new GpuHarness();
    h.gpu = await requestNodeDevice({ onUncapturedError: (e) => h.errors.push(e.message) });
    return h;
  }

  get device(): GPUDevice {
    return this.gpu.device;
  }

  get description(): string {
    return this.gpu.adapterDescription;
  }

  async destroy(): Promise<void> {
    await this.gpu?.destroy();
  }

  /** Compile a kernel (once per distinct code), failing on any compilation message. */
  async pipeline(kernel: Kernel): Promise<{ pipeline: GPUComputePipeline; layout: GPUBindGroupLayout }> {
    const cached = this.pipelines.get(kernel.code);
    if (cached) return cached;
    const device = this.device;
    const module = device.createShaderModule({ label: kernel.name, code: kernel.code });
    const info = await module.getCompilationInfo();
    const messages = info.messages.map((m) => `${m.type} ${m.lineNum}:${m.linePos} ${m.message}`);
    expect(messages, `${kernel.name} compiles cleanly\n${kernel.code}`).toEqual([]);
    const layout = device.createBindGroupLayout({ label: kernel.name, entries: layoutEntries(kernel) });
    device.pushErrorScope("validation");
    const pipeline = device.createComputePipeline({
      label: kernel.name,
      layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: "main" },
    });
    const err = await device.popErrorScope();
    expect(err?.message, `${kernel.name} pipeline`).toBeUndefined();
    const entry = { pipeline, layout };
    this.pipelines.set(kernel.code, entry);
    return entry;
  }

  /**
   * Run `kernels` in order in one command buffer over buffers created for `g` at `batch` and filled
   * from `data` (zeros elsewhere), and read back the buffers in `read`.
   */
  async run(g: IrGraph, batch: number, aux: readonly AuxBuffer[], kernels: readonly Kernel[], data: ReadonlyMap<BufferName, Float32Array<ArrayBuffer>>, uniforms: StepUniforms, read: readonly BufferName[]): Promise<Map<BufferName, Float32Array>> {
    const device = this.device;
    const buffers = new Map<BufferName, GPUBuffer>();
    const bufferOf = (name: BufferName): GPUBuffer => {
      let b = buffers.get(name);
      if (b) return b;
      const floats = bufferFloats(name, g, batch, aux, kernels);
      b = createBuffer(device, name, floats, kernels);
      if (name === "uniforms") device.queue.writeBuffer(b, 0, packStepUniforms(uniforms));
      const init = data.get(name);
      if (init) {
        expect(init.length, `data for ${name}`).toBe(floats);
        device.queue.writeBuffer(b, 0, init);
      }
      buffers.set(name, b);
      return b;
    };
    const prepared: { k: Kernel; pipeline: GPUComputePipeline; layout: GPUBindGroupLayout }[] = [];
    for (const k of kernels) prepared.push({ k, ...(await this.pipeline(k)) });
    device.pushErrorScope("validation");
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    for (const { k, pipeline, layout } of prepared) encodeKernel(pass, pipeline, bindGroups(device, layout, k, (name) => bufferOf(name as BufferName)), k);
    pass.end();
    const staging = read.map((name) => {
      const src = bufferOf(name);
      const dst = device.createBuffer({ size: src.size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      enc.copyBufferToBuffer(src, 0, dst, 0, src.size);
      return { name, dst, floats: bufferFloats(name, g, batch, aux, kernels) };
    });
    device.queue.submit([enc.finish()]);
    const err = await device.popErrorScope();
    expect(err?.message, "dispatch").toBeUndefined();
    const out = new Map<BufferName, Float32Array>();
    for (const { name, dst, floats } of staging) {
      await dst.mapAsync(GPUMapMode.READ);
      out.set(name, new Float32Array(dst.getMappedRange().slice(0, floats * 4)));
      dst.unmap();
      dst.destroy();
    }
    for (const b of buffers.values()) b.destroy();
    expect(this.errors, "uncaptured GPU errors").toEqual([]);
    return out;
  }

  /** Seconds the fastest of `reps` runs of `kernels` takes (after one warm-up; the machine may be shared), buffers zero-filled. */
  async time(g: IrGraph, batch: number, aux: readonly AuxBuffer[], kernels: readonly Kernel[], reps: number): Promise<number> {
    const device = this.device;
    const buffers = new Map<BufferName, GPUBuffer>();
    const bufferOf = (name: BufferName): GPUBuffer => {
      let b = buffers.get(name);
      if (!b) {
        b = createBuffer(device, name, bufferFloats(name, g, batch, aux, kernels), kernels);
        if (name === "uniforms") device.queue.writeBuffer(b, 0, packStepUniforms(uniformsFor(batch)));
        buffers.set(name, b);
      }
      return b;
    };
    const prepared: { k: Kernel; pipeline: GPUComputePipeline; groups: GPUBindGroup[] }[] = [];
    for (const k of kernels) {
      const { pipeline, layout } = await this.pipeline(k);
      prepared.push({ k, pipeline, groups: bindGroups(device, layout, k, (name) => bufferOf(name as BufferName)) });
    }
    const once = async () => {
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass();
      for (const { k, pipeline, groups } of prepared) encodeKernel(pass, pipeline, groups, k);
      pass.end();
      device.queue.submit([enc.finish()]);
      await device.queue.onSubmittedWorkDone();
    };
    await once();
    let seconds = Infinity;
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      await once();
      seconds = Math.min(seconds, (performance.now() - t0) / 1000);
    }
    for (const b of buffers.values()) b.destroy();
    return seconds;
  }
}
