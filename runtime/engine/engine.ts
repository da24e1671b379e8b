/**
 * The generic executor of a compiled model. At start-up it creates every buffer, compiles every
 * pipeline (in parallel) and every bind group once; a training step is then three writeBuffer calls
 * (uniforms, input batch, labels) and ONE command buffer holding every dispatch, submitted once.
 * Loss and accuracy accumulate on the GPU in the `metrics` buffer and are read back only when asked.
 */

import { RuntimeFailure } from '../errors.js';
import { bindGroups, boundAsUniform, CHUNK_STRIDE, chunkIndices, encodeKernel, layoutEntries } from './bind.js';
import { initialState } from './init.js';
import { type CompiledModel, type Manifest, type ManifestKernel, METRICS_WORDS, UNIFORM_BYTES } from './manifest.js';
import { packUniforms, type StepValues } from './uniforms.js';

/** A kernel failed to compile or the compiled model does not fit the device. */
export class KernelError extends RuntimeFailure {
  readonly code = 'kernel';
}

/** Sums the loss kernel accumulated since the last read: loss over examples, correct ones, examples. */
export interface MetricSums {
  readonly lossSum: number;
  readonly correct: number;
  readonly examples: number;
}

/** Mean loss and accuracy from sums (NaN when no example was counted). */
export function meanMetrics(m: MetricSums): { loss: number; accuracy: number } {
  return { loss: m.lossSum / m.examples, accuracy: m.correct / m.examples };
}

interface Dispatch {
  readonly kernel: ManifestKernel;
  readonly pipeline: GPUComputePipeline;
  /** One per dispatch: a chunked kernel has one per chunk. */
  readonly bindGroups: readonly GPUBindGroup[];
}

/** Labelled examples to evaluate: `count` rows of `input.size` floats and their class indices. */
export interface Examples {
  readonly count: number;
  readonly images: Float32Array;
  readonly labels: Uint8Array | Uint32Array;
}

/** The result of an evaluation pass. */
export interface Evaluation extends MetricSums {
  /** count × classes model outputs (logits before a fused activation), when asked for. */
  readonly outputs?: Float32Array;
}

/** Submits between waits for the queue to drain, so queued uploads stay bounded. */
const IN_FLIGHT = 16;

/** A compiled model resident on one device. */
export class Engine {
  private readonly uniformBytes = new ArrayBuffer(UNIFORM_BYTES);
  private readonly inputRows: Float32Array<ArrayBuffer>;
  private readonly labelRows: Uint32Array<ArrayBuffer>;
  private submitted = 0;
  private readonly queue: GPUQueue;

  private constructor(
    readonly device: GPUDevice,
    readonly manifest: Manifest,
    private readonly buffers: ReadonlyMap<string, GPUBuffer>,
    private readonly trainSteps: readonly Dispatch[],
    private readonly evalSteps: readonly Dispatch[],
  ) {
    this.inputRows = new Float32Array(manifest.batch * manifest.input.size);
    this.labelRows = new Uint32Array(manifest.batch);
    this.queue = device.queue;
  }

  /** Creates buffers, compiles all pipelines concurrently, binds them; parameters start at zero. */
  static async create(device: GPUDevice, model: CompiledModel): Promise<Engine> {
    const { manifest } = model;
    checkFits(device, manifest);
    const buffers = new Map<string, GPUBuffer>();
    for (const b of manifest.buffers) {
      const usage =
        b.role === 'uniforms' || b.role === 'chunks'
          ? GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST
          : GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC | (boundAsUniform(manifest.kernels, b.name) ? GPUBufferUsage.UNIFORM : 0);
      buffers.set(b.name, device.createBuffer({ label: b.name, size: Math.max(1, b.words) * 4, usage }));
    }
    const chunks = buffers.get('chunks');
    if (chunks) device.queue.writeBuffer(chunks, 0, chunkIndices(chunks.size / CHUNK_STRIDE));
    const used = new Set([...manifest.steps.train, ...manifest.steps.evaluate]);
    const kernels = manifest.kernels.filter((k) => used.has(k.name));
    const dispatches = new Map<string, Dispatch>();
    await Promise.all(
      kernels.map(async (kernel) => {
        const { pipeline, layout } = await compileKernel(device, kernel, model.code.get(kernel.name));
        dispatches.set(kernel.name, { kernel, pipeline, bindGroups: bindGroups(device, layout, kernel, (name) => buffers.get(name)!) });
      }),
    );
    const steps = (names: readonly string[]) => names.map((n) => dispatches.get(n)!);
    const engine = new Engine(device, manifest, buffers, steps(manifest.steps.train), steps(manifest.steps.evaluate));
    engine.writeParams(new Float32Array(engine.words('params')));
    engine.writeState(initialState(manifest));
    engine.resetOptimizer();
    return engine;
  }

  /** Kernels of a training step and of an evaluation batch, in dispatch order. */
  get kernels(): { readonly train: readonly ManifestKernel[]; readonly evaluate: readonly ManifestKernel[] } {
    return { train: this.trainSteps.map((d) => d.kernel), evaluate: this.evalSteps.map((d) => d.kernel) };
  }

  private buffer(name: string): GPUBuffer {
    const b = this.buffers.get(name);
    if (!b) throw new KernelError(`the compiled model has no buffer ${name}`);
    return b;
  }

  private write(name: string, data: Float32Array<ArrayBuffer> | Uint32Array<ArrayBuffer>, words: number): void {
    if (data.length !== words) throw new KernelError(`buffer ${name} holds ${words} values, got ${data.length}`);
    this.queue.writeBuffer(this.buffer(name), 0, data);
  }

  private words(name: string): number {
    return Math.max(1, this.manifest.buffers.find((b) => b.name === name)?.words ?? 0);
  }

  /** Replaces the parameter arena. */
  writeParams(params: Float32Array<ArrayBuffer>): void {
    this.write('params', params, this.words('params'));
  }

  /** Replaces the non-trainable state (running statistics). */
  writeState(state: Float32Array<ArrayBuffer>): void {
    if (this.buffers.has('state')) this.write('state', state, this.words('state'));
  }

  /** Replaces the optimizer state (every slot back to back). */
  writeOptimizer(opt: Float32Array<ArrayBuffer>): void {
    if (this.buffers.has('opt')) this.write('opt', opt, this.words('opt'));
  }

  /** Zeroes the optimizer state and the metric sums. */
  resetOptimizer(): void {
    if (this.buffers.has('opt')) this.writeOptimizer(new Float32Array(this.words('opt')));
    this.write('metrics', new Float32Array(METRICS_WORDS), this.words('metrics'));
  }

  /** Reads the parameter arena back. */
  readParams(): Promise<Float32Array<ArrayBuffer>> {
    return this.readFloats('params');
  }

  /** Reads the state arena back (empty when the model has none). */
  readState(): Promise<Float32Array<ArrayBuffer>> {
    return this.buffers.has('state') ? this.readFloats('state') : Promise.resolve(new Float32Array(0));
  }

  /** Reads the optimizer state back (empty for plain SGD). */
  readOptimizer(): Promise<Float32Array<ArrayBuffer>> {
    return this.buffers.has('opt') ? this.readFloats('opt') : Promise.resolve(new Float32Array(0));
  }

  /** Copies a buffer to a mappable one and reads it as floats. */
  async readFloats(name: string): Promise<Float32Array<ArrayBuffer>> {
    const src = this.buffer(name);
    const staging = this.device.createBuffer({ size: src.size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const enc = this.device.createCommandEncoder();
    enc.copyBufferToBuffer(src, 0, staging, 0, src.size);
    this.queue.submit([enc.finish()]);
    return mapFloats(staging);
  }

  /**
   * Queues one training step: `rows` examples (images row-major, labels as class indices) gathered
   * into the compiled batch, the step's uniforms, and every kernel of the step in one command buffer.
   * Returns without waiting for the GPU, except every few steps so the queue stays short.
   */
  async trainStep(images: Float32Array, labels: ArrayLike<number>, values: StepValues): Promise<void> {
    this.upload(images, labels, values.rows, { ...values, training: 1 });
    this.submit(this.trainSteps);
    if (++this.submitted % IN_FLIGHT === 0) await this.queue.onSubmittedWorkDone();
  }

  /** Sums accumulated in `metrics` since the last read; the sums restart at zero. */
  async readMetrics(): Promise<MetricSums> {
    const metrics = this.buffer('metrics');
    const staging = this.device.createBuffer({ size: metrics.size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const enc = this.device.createCommandEncoder();
    enc.copyBufferToBuffer(metrics, 0, staging, 0, metrics.size);
    enc.clearBuffer(metrics);
    this.queue.submit([enc.finish()]);
    const m = await mapFloats(staging);
    return { lossSum: m[0]!, correct: m[1]!, examples: m[2]! };
  }

  /**
   * Runs the evaluation kernels over every example in batches of the compiled size (the last batch
   * has fewer rows), with dropout off and batch norm on its running statistics. Metric sums cover
   * exactly these examples; with `outputs` the model's outputs come back too.
   */
  async evaluate(examples: Examples, options: { outputs?: boolean; step?: number; seed?: number } = {}): Promise<Evaluation> {
    const { batch, input, output } = this.manifest;
    await this.readMetrics(); // discard anything a training step left
    const classes = output.classes;
    const outBuffer = this.buffer(output.buffer);
    const staging = options.outputs
      ? this.device.createBuffer({ size: Math.max(4, examples.count * classes * 4), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST })
      : undefined;
    for (let start = 0, n = 0; start < examples.count; start += batch, n++) {
      const rows = Math.min(batch, examples.count - start);
      const images = examples.images.subarray(start * input.size, (start + rows) * input.size);
      const labels = examples.labels.subarray(start, start + rows);
      this.upload(images, labels, rows, { step: options.step ?? 0, seed: options.seed ?? 0, rows, training: 0, lr: 0, l1: 0, l2: 0, bias1: 1, bias2: 1 });
      const copy = staging ? (enc: GPUCommandEncoder) => enc.copyBufferToBuffer(outBuffer, 0, staging, start * classes * 4, rows * classes * 4) : undefined;
      this.submit(this.evalSteps, copy);
      if ((n + 1) % IN_FLIGHT === 0) await this.queue.onSubmittedWorkDone();
    }
    const sums = await this.readMetrics();
    if (!staging) return sums;
    return { ...sums, outputs: await mapFloats(staging) };
  }

  /**
   * Queues `repeats` dispatches of one kernel of the training step, alone, in one command buffer
   * (for profiling: it reads and writes whatever its buffers hold, so the model's state is not
   * meaningful afterwards). Time it with flush().
   */
  queueKernel(name: string, repeats = 1): void {
    const d = this.trainSteps.find((s) => s.kernel.name === name);
    if (!d) throw new KernelError(`the training step has no kernel ${name}`);
    this.submit(Array.from({ length: repeats }, () => d));
  }

  /** Waits until the GPU has finished everything queued so far. */
  async flush(): Promise<void> {
    await this.queue.onSubmittedWorkDone();
  }

  /** Frees every buffer (the device stays open). */
  destroy(): void {
    for (const b of this.buffers.values()) b.destroy();
  }

  private upload(images: Float32Array, labels: ArrayLike<number>, rows: number, values: StepValues): void {
    const { batch, input } = this.manifest;
    if (rows < 1 || rows > batch) throw new KernelError(`a batch holds 1…${batch} rows, got ${rows}`);
    if (images.length < rows * input.size) throw new KernelError(`${rows} rows need ${rows * input.size} input floats, got ${images.length}`);
    this.inputRows.set(images.subarray(0, rows * input.size));
    this.inputRows.fill(0, rows * input.size);
    for (let r = 0; r < batch; r++) this.labelRows[r] = r < rows ? labels[r]! : 0;
    const q = this.queue;
    q.writeBuffer(this.buffer('uniforms'), 0, packUniforms(values, this.uniformBytes));
    q.writeBuffer(this.buffer(input.buffer), 0, this.inputRows);
    q.writeBuffer(this.buffer('labels'), 0, this.labelRows);
  }

  private submit(steps: readonly Dispatch[], after?: (enc: GPUCommandEncoder) => void): void {
    const enc = this.device.createCommandEncoder();
    const pass = enc.beginComputePass();
    for (const d of steps) encodeKernel(pass, d.pipeline, d.bindGroups, d.kernel);
    pass.end();
    after?.(enc);
    this.queue.submit([enc.finish()]);
  }
}

async function mapFloats(staging: GPUBuffer): Promise<Float32Array<ArrayBuffer>> {
  await staging.mapAsync(GPUMapMode.READ);
  const out = new Float32Array(staging.getMappedRange().slice(0));
  staging.unmap();
  staging.destroy();
  return out;
}

/** Rejects a model whose kernels bind more buffers, or whose buffers are larger, than the device allows. */
function checkFits(device: GPUDevice, m: Manifest): void {
  const limits = device.limits;
  for (const k of m.kernels) {
    const storage = k.bindings.filter((b) => b.access !== 'uniform').length;
    if (storage > limits.maxStorageBuffersPerShaderStage) {
      throw new KernelError(`kernel ${k.name} binds ${storage} storage buffers; this device allows ${limits.maxStorageBuffersPerShaderStage}`);
    }
    for (const b of k.bindings) {
      if (b.range && b.range.size > limits.maxUniformBufferBindingSize) {
        throw new KernelError(`kernel ${k.name} binds ${b.range.size} bytes of ${b.buffer} as a uniform buffer; this device allows ${limits.maxUniformBufferBindingSize} (compile for this device)`);
      }
    }
    for (const [axis, n] of k.workgroups.entries()) {
      if (n > limits.maxComputeWorkgroupsPerDimension) throw new KernelError(`kernel ${k.name} dispatches ${n} workgroups along ${'xyz'[axis]}; this device allows ${limits.maxComputeWorkgroupsPerDimension}`);
    }
  }
  for (const b of m.buffers) {
    const bytes = b.words * 4;
    if (bytes > limits.maxStorageBufferBindingSize) {
      throw new KernelError(`buffer ${b.name} needs ${bytes} bytes; this device binds at most ${limits.maxStorageBufferBindingSize} (use a smaller batch)`);
    }
  }
}

/** Compiles one kernel with an explicit layout built from its declared bindings; WGSL errors name the kernel. */
async function compileKernel(device: GPUDevice, kernel: ManifestKernel, code: string | undefined): Promise<{ pipeline: GPUComputePipeline; layout: GPUBindGroupLayout }> {
  if (code === undefined) throw new KernelError(`no WGSL for kernel ${kernel.name} (${kernel.file})`);
  const module = device.createShaderModule({ label: kernel.name, code });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((msg) => msg.type === 'error');
  if (errors.length > 0) {
    const first = errors[0]!;
    throw new KernelError(`kernel ${kernel.name} (${kernel.origin}) does not compile: ${kernel.file}:${first.lineNum}:${first.linePos}: ${first.message}`);
  }
  const layout = device.createBindGroupLayout({ label: kernel.name, entries: layoutEntries(kernel) });
  try {
    const pipeline = await device.createComputePipelineAsync({
      label: kernel.name,
      layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: 'main' },
    });
    return { pipeline, layout };
  } catch (e) {
    throw new KernelError(`kernel ${kernel.name} (${kernel.origin}) cannot be built: ${(e as Error).message.split('\n')[0]}`);
  }
}
