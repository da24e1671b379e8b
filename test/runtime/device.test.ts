import { describe, expect, it } from 'vitest';
import { describeAdapter, isCpuAdapterInfo, openDevice, requestBrowserDevice } from '../../runtime/device.js';
import { NoAdapterError, UncapturedGpuError } from '../../runtime/errors.js';

const info = (fields: Partial<Record<'vendor' | 'architecture' | 'device' | 'description', string>> & { isFallbackAdapter?: boolean }) =>
  ({ vendor: '', architecture: '', device: '', description: '', isFallbackAdapter: false, ...fields }) as unknown as GPUAdapterInfo;

describe('adapter description', () => {
  it('names backend, device and driver on one line', () => {
    // The fields Dawn reports for Mesa llvmpipe through OpenGL ES on this machine.
    const llvmpipe = info({ device: 'llvmpipe-llvm-15-0-6-256-bits-', description: 'OpenGL version OpenGL ES 3.2 Mesa 22.3.6' });
    expect(describeAdapter(llvmpipe, 'opengles')).toBe(
      'opengles: llvmpipe-llvm-15-0-6-256-bits (OpenGL version OpenGL ES 3.2 Mesa 22.3.6)',
    );
    expect(describeAdapter(info({ vendor: 'apple', architecture: 'metal-3' }), 'webgpu')).toBe('webgpu: apple metal-3');
    expect(describeAdapter(info({}), 'webgpu')).toBe('webgpu: unknown adapter');
  });

  it('recognises CPU adapters', () => {
    expect(isCpuAdapterInfo(info({ device: 'llvmpipe-llvm-15-0-6-256-bits-' }))).toBe(true);
    expect(isCpuAdapterInfo(info({ device: 'SwiftShader Device (Subzero)' }))).toBe(true);
    expect(isCpuAdapterInfo(info({ isFallbackAdapter: true }))).toBe(true);
    expect(isCpuAdapterInfo(info({ device: 'NVIDIA H100 80GB HBM3', vendor: 'nvidia' }))).toBe(false);
  });
});

describe('no adapter', () => {
  it('rejects with a one-line NoAdapterError that says what to install', async () => {
    const empty = { requestAdapter: async () => null } as unknown as GPU;
    const err = await openDevice([{ gpu: empty, backend: 'vulkan' }, { gpu: empty, backend: 'opengles' }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoAdapterError);
    const message = (err as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toContain('tried vulkan, opengles');
    expect(message).toContain('apt-get install -y libegl1 libgles2 libegl-mesa0 libgl1-mesa-dri');
  });

  it('a browser-less environment has no navigator.gpu', async () => {
    if ((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu) return;
    await expect(requestBrowserDevice()).rejects.toThrow(NoAdapterError);
  });
});

describe('UncapturedGpuError', () => {
  it('keeps the first non-empty line as its message and the rest as detail', () => {
    const e = new UncapturedGpuError('validation', '\nBuffer usages must not be 0.\n - While calling CreateBuffer.');
    expect(e.message).toBe('GPU validation error: Buffer usages must not be 0.');
    expect(e.detail).toContain('While calling');
    expect(e.name).toBe('UncapturedGpuError');
  });
});
