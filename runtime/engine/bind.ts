/**
 * How a kernel's bindings become bind group layouts, bind groups and dispatches: one place for the
 * engine and the test harnesses. A binding names a whole buffer, or (for a uniform binding) a byte
 * range of it; a chunked kernel is dispatched `chunks` times, dispatch j binding each range at its
 * j-th offset, so each dispatch has its own bind group, all made once at start-up.
 */

import type { ManifestKernel } from './manifest.js';

/** Bytes between the chunk indices in the `chunks` buffer (WebGPU's largest uniform offset alignment). */
export const CHUNK_STRIDE = 256;

/** What this module needs of a kernel: the manifest's and the compiler's kernels both fit. */
export type BindableKernel = Pick<ManifestKernel, 'name' | 'bindings' | 'workgroups' | 'chunks'>;

/** Dispatches of a kernel: its chunk count, 1 when unchunked. */
export function chunkCount(k: BindableKernel): number {
  return k.chunks ?? 1;
}

/** The bind group layout entries of `k`: binding i is k.bindings[i]. */
export function layoutEntries(k: BindableKernel): GPUBindGroupLayoutEntry[] {
  return k.bindings.map((b, binding) => ({
    binding,
    visibility: GPUShaderStage.COMPUTE,
    buffer: { type: b.access === 'uniform' ? 'uniform' : b.access === 'read' ? 'read-only-storage' : 'storage' },
  }));
}

/** Bytes `buffer` needs so that every range of every kernel binding it stays inside (0 when none is ranged). */
export function rangedBytes(kernels: readonly BindableKernel[], buffer: string): number {
  let bytes = 0;
  for (const k of kernels) {
    for (const b of k.bindings) {
      if (b.buffer === buffer && b.range) bytes = Math.max(bytes, ...b.range.offsets.map((o) => o + b.range!.size));
    }
  }
  return bytes;
}

/** Whether some kernel binds (part of) `buffer` as a uniform buffer: it needs GPUBufferUsage.UNIFORM. */
export function boundAsUniform(kernels: readonly BindableKernel[], buffer: string): boolean {
  return kernels.some((k) => k.bindings.some((b) => b.buffer === buffer && b.access === 'uniform'));
}

/** Contents of the `chunks` buffer for up to `count` chunks: u32 j at byte CHUNK_STRIDE · j. */
export function chunkIndices(count: number): Uint32Array<ArrayBuffer> {
  const words = new Uint32Array((Math.max(1, count) * CHUNK_STRIDE) / 4);
  for (let j = 0; j < count; j++) words[(j * CHUNK_STRIDE) / 4] = j;
  return words;
}

/** The most chunks any kernel dispatches (0 when none is chunked). */
export function maxChunks(kernels: readonly BindableKernel[]): number {
  return Math.max(0, ...kernels.filter((k) => k.chunks !== undefined).map(chunkCount));
}

/** One bind group per dispatch of `k` (one per chunk), each binding range moved to its chunk. */
export function bindGroups(device: GPUDevice, layout: GPUBindGroupLayout, k: BindableKernel, bufferOf: (name: string) => GPUBuffer): GPUBindGroup[] {
  return Array.from({ length: chunkCount(k) }, (_, j) =>
    device.createBindGroup({
      label: chunkCount(k) > 1 ? `${k.name}[${j}]` : k.name,
      layout,
      entries: k.bindings.map((b, binding) => ({
        binding,
        resource: b.range ? { buffer: bufferOf(b.buffer), offset: rangeOffset(b.range, j), size: b.range.size } : { buffer: bufferOf(b.buffer) },
      })),
    }),
  );
}

/** Byte offset of a range in dispatch j: its one offset for every dispatch, or its j-th. */
export function rangeOffset(range: { readonly offsets: readonly number[] }, j: number): number {
  return range.offsets.length === 1 ? range.offsets[0]! : range.offsets[j]!;
}

/** Records the dispatches of `k`: one per bind group. */
export function encodeKernel(pass: GPUComputePassEncoder, pipeline: GPUComputePipeline, groups: readonly GPUBindGroup[], k: BindableKernel): void {
  pass.setPipeline(pipeline);
  for (const group of groups) {
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(k.workgroups[0], k.workgroups[1], k.workgroups[2]);
  }
}
