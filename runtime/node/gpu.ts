/**
 * Node-only: a GPUDevice from Dawn (the `webgpu` package). A real GPU through the platform's
 * default backend (Vulkan on Linux) comes first; without one, Mesa's llvmpipe through OpenGL ES
 * at the compatibility feature level, which needs no display (EGL_PLATFORM=surfaceless).
 *
 * Dawn prints a few native warnings straight to stderr (e.g. "Couldn't load Vulkan" when
 * libvulkan is absent, "maxDynamicUniformBuffersPerPipelineLayout artificially reduced"); they come
 * from C++ logging with no switch in dawn.node, so they cannot be silenced from JavaScript.
 */

import { existsSync, readdirSync } from 'node:fs';
import { type DeviceOptions, type GpuHandle, noAdapterError, openAdapterDevice } from '../device.js';
import type { KernelTarget } from '../engine/manifest.js';
import { InvalidArgumentError } from '../errors.js';

/** Which Dawn backend to use; 'auto' tries the platform default, then OpenGL ES. */
export type NodeBackend = 'auto' | 'vulkan' | 'metal' | 'd3d12' | 'd3d11' | 'opengl' | 'opengles' | 'null';

/** Options for a device in Node. */
export interface NodeDeviceOptions extends DeviceOptions {
  /** Default: the DAWNNODE_BACKEND environment variable when set, else 'auto'. */
  readonly backend?: NodeBackend;
  /** Dawn toggles to turn on, e.g. 'disable_workgroup_init' (see Dawn's Toggles.cpp). */
  readonly enableToggles?: readonly string[];
  /** Dawn toggles to turn off. */
  readonly disableToggles?: readonly string[];
}

/**
 * The kernel target named by DNNC_TARGET ('cpu' or 'gpu'), or undefined when it is unset or empty;
 * any other value is an InvalidArgumentError that says what it takes.
 */
export function kernelTargetFromEnv(env: NodeJS.ProcessEnv = process.env): KernelTarget | undefined {
  const value = env.DNNC_TARGET?.trim();
  if (!value) return undefined;
  if (value === 'cpu' || value === 'gpu') return value;
  throw new InvalidArgumentError(`DNNC_TARGET is "${value}"; it takes cpu (kernels for software adapters) or gpu (workgroup-tiled kernels), or leave it unset to follow the adapter`);
}

/** The backend dawn.node uses when none is named. */
function platformBackend(): NodeBackend {
  return process.platform === 'darwin' ? 'metal' : process.platform === 'win32' ? 'd3d12' : 'vulkan';
}

/**
 * Whether a hardware Vulkan driver may be present: a driver named in the environment, or a GPU
 * device node. Without one the Vulkan attempt can only find Mesa's software rasteriser
 * (lavapipe), which Dawn rejects after printing native warnings, so it is skipped.
 */
export function mayHaveVulkanGpu(env: NodeJS.ProcessEnv = process.env, exists: (path: string) => boolean = existsSync, list: (dir: string) => string[] = safeList): boolean {
  if (env.VK_ICD_FILENAMES || env.VK_DRIVER_FILES) return true;
  if (exists('/dev/nvidia0') || exists('/dev/dxg')) return true;
  return list('/dev/dri').some((f) => f.startsWith('renderD'));
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Opens a WebGPU device in Node: the real GPU when there is one, else llvmpipe; rejects with
 * NoAdapterError naming the packages that provide a software adapter. Also defines WebGPU's
 * global constant tables (GPUBufferUsage, GPUShaderStage, …) when absent, as a browser has them.
 */
export async function requestNodeDevice(options: NodeDeviceOptions = {}): Promise<GpuHandle> {
  const kernelTarget = options.kernelTarget ?? kernelTargetFromEnv();
  const { create, globals } = await import('webgpu');
  for (const [name, value] of Object.entries(globals as Record<string, unknown>)) {
    if (!(name in globalThis)) Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  }
  const flags: string[] = [];
  if (options.enableToggles?.length) flags.push(`enable-dawn-features=${options.enableToggles.join(',')}`);
  if (options.disableToggles?.length) flags.push(`disable-dawn-features=${options.disableToggles.join(',')}`);

  const requested = options.backend ?? (process.env.DAWNNODE_BACKEND as NodeBackend | undefined) ?? 'auto';
  const native = platformBackend();
  const order: NodeBackend[] = requested !== 'auto' ? [requested] : native === 'vulkan' && !mayHaveVulkanGpu() ? ['opengles'] : [native, 'opengles'];
  for (const backend of order) {
    const gl = backend === 'opengles' || backend === 'opengl';
    // Headless Mesa needs EGL's surfaceless platform; a value the user chose is kept.
    if (gl) process.env.EGL_PLATFORM ??= 'surfaceless';
    const gpu = create([`backend=${backend}`, ...flags]);
    const adapter = await gpu.requestAdapter(
      gl ? { featureLevel: 'compatibility' } : { powerPreference: 'high-performance' },
    );
    if (adapter) return openAdapterDevice(adapter, backend, { ...options, ...(kernelTarget ? { kernelTarget } : {}) }, gpu);
  }
  throw noAdapterError(order);
}
