// Needs a WebGPU adapter: a GPU, or Mesa's llvmpipe (apt-get install libegl1 libgles2 libegl-mesa0 libgl1-mesa-dri).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuHandle } from '../../runtime/device.js';
import type { UncapturedGpuError } from '../../runtime/errors.js';
import { requestNodeDevice } from '../../runtime/node/gpu.js';

const ADD = /* wgsl */ `
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u) {
  if (id.x < arrayLength(&c)) { c[id.x] = a[id.x] + b[id.x]; }
}`;

describe('WebGPU device (Node)', () => {
  let gpu: GpuHandle;
  const errors: UncapturedGpuError[] = [];

  beforeAll(async () => {
    gpu = await requestNodeDevice({ onUncapturedError: (e) => errors.push(e) });
  }, 30_000);

  afterAll(async () => {
    await gpu?.destroy();
  });

  it('describes the adapter and grants the trainer limits', () => {
    expect(gpu.adapterDescription).toMatch(/^\w+: \S/);
    expect(gpu.adapterDescription).not.toContain('\n');
    expect(gpu.device.limits.maxStorageBuffersPerShaderStage).toBeGreaterThanOrEqual(8);
    expect(gpu.device.limits.maxComputeInvocationsPerWorkgroup).toBeGreaterThanOrEqual(128);
    if (gpu.adapterDescription.includes('llvmpipe')) expect(gpu.isCpuAdapter).toBe(true);
  });

  it('adds two arrays exactly in a compute shader', async () => {
    const { device } = gpu;
    const n = 1000;
    const a = Float32Array.from({ length: n }, (_, i) => i * 0.5);
    const b = Float32Array.from({ length: n }, (_, i) => 1000 - i);
    const storage = (data: Float32Array<ArrayBuffer> | null, usage: number) => {
      const buf = device.createBuffer({ size: n * 4, usage: GPUBufferUsage.STORAGE | usage });
      if (data) device.queue.writeBuffer(buf, 0, data);
      return buf;
    };
    const bufA = storage(a, GPUBufferUsage.COPY_DST);
    const bufB = storage(b, GPUBufferUsage.COPY_DST);
    const bufC = storage(null, GPUBufferUsage.COPY_SRC);
    const read = device.createBuffer({ size: n * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const pipeline = device.createComputePipeline({
      layout: 'auto',
      compute: { module: device.createShaderModule({ code: ADD }), entryPoint: 'main' },
    });
    const bind = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [bufA, bufB, bufC].map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(Math.ceil(n / 64));
    pass.end();
    enc.copyBufferToBuffer(bufC, 0, read, 0, n * 4);
    device.queue.submit([enc.finish()]);
    await read.mapAsync(GPUMapMode.READ);
    const c = new Float32Array(read.getMappedRange().slice(0));
    read.unmap();
    // Every sum is exactly representable: i/2 + (1000 − i) has at most one fractional bit.
    expect(Array.from(c)).toEqual(Array.from({ length: n }, (_, i) => i * 0.5 + 1000 - i));
    expect(errors).toEqual([]);
  });

  it('reports uncaptured validation errors as typed values', async () => {
    gpu.device.createBuffer({ size: 16, usage: 0 });
    await gpu.device.queue.onSubmittedWorkDone();
    await new Promise((r) => setTimeout(r, 20));
    expect(errors.length).toBe(1);
    expect(errors[0]!.kind).toBe('validation');
    expect(errors[0]!.message).toMatch(/^GPU validation error: .*usage/i);
    expect(errors[0]!.message).not.toContain('\n');
    errors.length = 0;
  });
});

describe('device lifetime', () => {
  it('destroy() resolves once the device is lost with reason "destroyed"', async () => {
    const lostErrors: unknown[] = [];
    const gpu = await requestNodeDevice({ onLost: (e) => lostErrors.push(e) });
    const lost = gpu.device.lost;
    await gpu.destroy();
    expect((await lost).reason).toBe('destroyed');
    expect(lostErrors).toEqual([]);
  }, 30_000);
});
