/**
 * A `navigator.gpu` for TensorFlow.js's WebGPU backend in Node, on the same Dawn adapter our runtime
 * picks: the `webgpu` package with the same backend order and feature level as
 * runtime/node/gpu.ts (the platform default, else OpenGL ES at the compatibility level, headless).
 *
 * tfjs-backend-webgpu 4.22 calls navigator.gpu.requestAdapter({powerPreference}) and asks the
 * adapter for six of its limits. At the compatibility level the default limits are lower than
 * core WebGPU's (e.g. 4 storage buffers per shader stage), so requestDevice is wrapped to ask for
 * the adapter's maxima of every limit our trainer asks for too (runtime/device.ts TRAINER_LIMITS).
 */
import { describeAdapter, trainerLimits } from "../../runtime/device.js";

export interface NodeNavigatorGpu {
  /** One line naming the backend and adapter (known after the first requestAdapter). */
  adapter(): string;
}

/** Installs globalThis.navigator.gpu (and WebGPU's constant tables); call before importing the backend. */
export async function installNavigatorGpu(): Promise<NodeNavigatorGpu> {
  const { create, globals } = await import("webgpu");
  for (const [name, value] of Object.entries(globals as Record<string, unknown>)) {
    if (!(name in globalThis)) Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  }
  const platform = process.platform === "darwin" ? "metal" : process.platform === "win32" ? "d3d12" : "vulkan";
  const requested = process.env.DAWNNODE_BACKEND;
  const order = requested && requested !== "auto" ? [requested] : [platform, "opengles"];
  let description = "no adapter";
  // Kept reachable for the process's life: Dawn frees its instance when `create()`'s result is collected.
  const instances: GPU[] = [];
  const gpu = {
    async requestAdapter(): Promise<GPUAdapter | null> {
      for (const backend of order) {
        const gl = backend === "opengles" || backend === "opengl";
        if (gl) process.env.EGL_PLATFORM ??= "surfaceless";
        const instance = create([`backend=${backend}`]);
        instances.push(instance);
        const adapter = await instance.requestAdapter(gl ? ({ featureLevel: "compatibility" } as GPURequestAdapterOptions) : { powerPreference: "high-performance" });
        if (!adapter) continue;
        description = describeAdapter(adapter.info, backend);
        const requestDevice = adapter.requestDevice.bind(adapter);
        // A plain stand-in: the native adapter's getters refuse a `this` that is not the adapter.
        return {
          info: adapter.info,
          features: adapter.features,
          limits: adapter.limits,
          requestDevice: (d: GPUDeviceDescriptor = {}) => requestDevice({ ...d, requiredLimits: { ...trainerLimits(adapter), ...d.requiredLimits } }),
        } as unknown as GPUAdapter;
      }
      return null;
    },
    getPreferredCanvasFormat: () => "rgba8unorm",
  };
  const nav = (globalThis as { navigator?: object }).navigator;
  if (nav) Object.defineProperty(nav, "gpu", { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, "navigator", { value: { gpu }, configurable: true, writable: true });
  return { adapter: () => description };
}
