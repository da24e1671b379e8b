/** The kernel target for an open WebGPU device, the same in the CLI (Dawn in Node) and in a browser. */
import type { GpuHandle } from "../../runtime/device.js";
import type { TargetOptions } from "./compile.js";

/**
 * The device's limits, and CPU kernels on software adapters (llvmpipe, SwiftShader, WARP), GPU
 * kernels elsewhere, unless the handle names a kernel target of its own (DNNC_TARGET in Node).
 */
export function deviceTarget(gpu: Pick<GpuHandle, "device" | "isCpuAdapter" | "kernelTarget">): TargetOptions {
  const l = gpu.device.limits;
  return {
    target: gpu.kernelTarget ?? (gpu.isCpuAdapter ? "cpu" : "gpu"),
    maxWorkgroupSize: Math.min(l.maxComputeInvocationsPerWorkgroup, l.maxComputeWorkgroupSizeX),
    maxWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
    limits: l,
  };
}
