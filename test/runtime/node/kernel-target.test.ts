import { describe, expect, it } from "vitest";
import { deviceTarget } from "../../../compiler/emit/target.js";
import { InvalidArgumentError } from "../../../runtime/errors.js";
import { kernelTargetFromEnv } from "../../../runtime/node/gpu.js";

const limits = { maxComputeInvocationsPerWorkgroup: 256, maxComputeWorkgroupSizeX: 256, maxComputeWorkgroupsPerDimension: 65535 } as GPUSupportedLimits;
const device = { limits } as GPUDevice;

describe("the kernel target: the adapter's kind, or DNNC_TARGET", () => {
  it("follows the adapter when nothing is asked for: CPU kernels on software adapters, GPU kernels elsewhere", () => {
    expect(deviceTarget({ device, isCpuAdapter: true }).target).toBe("cpu");
    expect(deviceTarget({ device, isCpuAdapter: false }).target).toBe("gpu");
  });
  it("a handle's kernelTarget wins over the adapter's kind (GPU kernels on SwiftShader, CPU kernels on a GPU)", () => {
    expect(deviceTarget({ device, isCpuAdapter: true, kernelTarget: "gpu" }).target).toBe("gpu");
    expect(deviceTarget({ device, isCpuAdapter: false, kernelTarget: "cpu" }).target).toBe("cpu");
  });
  it("DNNC_TARGET takes cpu or gpu; unset or empty means follow the adapter", () => {
    expect(kernelTargetFromEnv({ DNNC_TARGET: "gpu" })).toBe("gpu");
    expect(kernelTargetFromEnv({ DNNC_TARGET: " cpu " })).toBe("cpu");
    expect(kernelTargetFromEnv({ DNNC_TARGET: "" })).toBeUndefined();
    expect(kernelTargetFromEnv({})).toBeUndefined();
  });
  it("any other value is an error that says what it takes", () => {
    expect(() => kernelTargetFromEnv({ DNNC_TARGET: "cuda" })).toThrow(InvalidArgumentError);
    expect(() => kernelTargetFromEnv({ DNNC_TARGET: "cuda" })).toThrow(/DNNC_TARGET is "cuda"; it takes cpu .* or gpu/);
  });
});
