/**
 * Getting a GPUDevice from any `GPU` object (navigator.gpu in a browser; node/gpu.ts in Node):
 * request the adapter's maxima for the limits a trainer needs, describe the adapter in one line,
 * and surface uncaptured errors and device loss as typed values instead of console noise.
 */

import type { KernelTarget } from './engine/manifest.js';
import { DeviceError, NoAdapterError, UncapturedGpuError } from './errors.js';

/** Limits a generated trainer may rely on; each is requested at the adapter's maximum. */
export const TRAINER_LIMITS = [
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
  'maxComputeWorkgroupStorageSize',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
  'maxStorageBufferBindingSize',
  'maxUniformBufferBindingSize',
  'maxBufferSize',
] as const;

/** One of the limits in TRAINER_LIMITS. */
export type TrainerLimit = (typeof TRAINER_LIMITS)[number];

/** How to treat the device once it exists. */
export interface DeviceOptions {
  /** Called for each uncaptured GPU error; default: print its one-line message once to console.error. */
  readonly onUncapturedError?: (error: UncapturedGpuError) => void;
  /** Called if the device is lost for any reason other than destroy(); default: console.error. */
  readonly onLost?: (error: DeviceError) => void;
  /** Optional features to enable when the adapter has them (e.g. 'shader-f16'). */
  readonly features?: readonly GPUFeatureName[];
  /** The kernels to compile for instead of the adapter's kind (see GpuHandle.kernelTarget). */
  readonly kernelTarget?: KernelTarget;
}

/** A device ready for a trainer, with a one-line description of where it runs. */
export interface GpuHandle {
  readonly device: GPUDevice;
  /** Backend and adapter name, e.g. "vulkan: NVIDIA H100 80GB HBM3 (NVIDIA: 550.120)". */
  readonly adapterDescription: string;
  /** True for software rasterisers (llvmpipe, lavapipe, SwiftShader, WARP) and fallback adapters. */
  readonly isCpuAdapter: boolean;
  /**
   * The kernel strategy asked for instead of the one the adapter's kind implies (in Node the
   * DNNC_TARGET environment variable), e.g. the GPU kernels on SwiftShader to test the path real
   * GPUs take; undefined: CPU kernels on CPU adapters, GPU kernels elsewhere.
   */
  readonly kernelTarget?: KernelTarget;
  /**
   * What must stay reachable while the device lives: in Node, the object `create()` returned —
   * if it is garbage-collected Dawn frees its instance under the live device and the process
   * aborts, segfaults or hangs at the next event poll.
   */
  readonly owner: unknown;
  /** Destroys the device and resolves once it is gone, so the process can exit. */
  destroy(): Promise<void>;
}

/** Where to look for an adapter: a GPU object, a name for its backend, adapter options. */
export interface AdapterSource {
  readonly gpu: GPU;
  readonly backend: string;
  readonly adapterOptions?: GPURequestAdapterOptions;
}

const SOFTWARE_ADAPTER_HINT =
  "install a GPU driver, or Mesa's software one: apt-get install -y libegl1 libgles2 libegl-mesa0 libgl1-mesa-dri";

/** The NoAdapterError for a search that found nothing, naming what was tried and how to get an adapter. */
export function noAdapterError(tried: readonly string[], hint = SOFTWARE_ADAPTER_HINT): NoAdapterError {
  return new NoAdapterError(`no WebGPU adapter found (tried ${tried.join(', ') || 'nothing'}); ${hint}`);
}

/** One line naming the backend and the adapter, from WebGPU's GPUAdapterInfo. */
export function describeAdapter(info: GPUAdapterInfo, backend: string): string {
  const device = info.device.replace(/-+$/, '').trim();
  const vendorArch = [info.vendor, info.architecture].filter((s) => s !== '').join(' ');
  const name = device || vendorArch || 'unknown adapter';
  const extra = info.description.trim();
  return extra && extra !== name ? `${backend}: ${name} (${extra})` : `${backend}: ${name}`;
}

/** True when the adapter is a CPU implementation rather than a GPU. */
export function isCpuAdapterInfo(info: GPUAdapterInfo): boolean {
  const text = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`;
  return info.isFallbackAdapter || /llvmpipe|lavapipe|softpipe|swiftshader|\bwarp\b|basic render/i.test(text);
}

/** The adapter's maxima for TRAINER_LIMITS, as requiredLimits for requestDevice. */
export function trainerLimits(adapter: GPUAdapter): Record<TrainerLimit, number> {
  const out = {} as Record<TrainerLimit, number>;
  for (const name of TRAINER_LIMITS) out[name] = adapter.limits[name];
  return out;
}

/** Opens a device from the first source that has an adapter; NoAdapterError when none has. */
export async function openDevice(sources: readonly AdapterSource[], options: DeviceOptions = {}): Promise<GpuHandle> {
  for (const source of sources) {
    const adapter = await source.gpu.requestAdapter(source.adapterOptions);
    if (adapter) return openAdapterDevice(adapter, source.backend, options, source.gpu);
  }
  throw noAdapterError(sources.map((s) => s.backend));
}

/** Opens a device from the browser's navigator.gpu. */
export async function requestBrowserDevice(options: DeviceOptions = {}): Promise<GpuHandle> {
  const hint = 'use a browser with WebGPU enabled (recent Chrome, Edge, Safari or Firefox)';
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!gpu) throw new NoAdapterError(`this environment has no navigator.gpu; ${hint}`);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw noAdapterError(['navigator.gpu'], hint);
  return openAdapterDevice(adapter, 'webgpu', options);
}

/** Requests a trainer's device from `adapter` and wires error and loss reporting to `options`. */
export async function openAdapterDevice(adapter: GPUAdapter, backend: string, options: DeviceOptions = {}, owner?: unknown): Promise<GpuHandle> {
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({
      requiredLimits: trainerLimits(adapter),
      requiredFeatures: (options.features ?? []).filter((f) => adapter.features.has(f)),
    });
  } catch (e) {
    throw new DeviceError(`the adapter refused a device: ${e instanceof Error ? e.message : String(e)}`);
  }
  const printed = new Set<string>();
  const onError =
    options.onUncapturedError ??
    ((err: UncapturedGpuError) => {
      if (!printed.has(err.message)) console.error(err.message);
      printed.add(err.message);
    });
  device.addEventListener('uncapturederror', (event) => {
    event.preventDefault(); // we report it; keep the implementation from printing it again
    onError(new UncapturedGpuError(errorKind(event.error), event.error.message));
  });
  let destroying = false;
  const lost = device.lost.then((info) => {
    if (!destroying) (options.onLost ?? ((e: DeviceError) => console.error(e.message)))(new DeviceError(`GPU device lost: ${info.message}`));
  });
  return {
    device,
    owner,
    adapterDescription: describeAdapter(adapter.info, backend),
    isCpuAdapter: isCpuAdapterInfo(adapter.info),
    ...(options.kernelTarget ? { kernelTarget: options.kernelTarget } : {}),
    async destroy() {
      destroying = true;
      device.destroy();
      await lost;
    },
  };
}

function errorKind(error: GPUError): UncapturedGpuError['kind'] {
  switch (error.constructor.name) {
    case 'GPUValidationError':
      return 'validation';
    case 'GPUOutOfMemoryError':
      return 'out-of-memory';
    case 'GPUInternalError':
      return 'internal';
    default:
      return 'unknown';
  }
}
