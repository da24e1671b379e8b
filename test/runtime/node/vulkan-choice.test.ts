/** When the runtime tries Vulkan before llvmpipe: only with a hardware driver in sight. */
import { describe, expect, it } from "vitest";
import { mayHaveVulkanGpu } from "../../../runtime/node/gpu.js";

const none = () => false;
const empty = () => [];

describe("mayHaveVulkanGpu", () => {
  it("is false on a machine with only software drivers (no device nodes, no driver variable)", () => {
    expect(mayHaveVulkanGpu({}, none, empty)).toBe(false);
    expect(mayHaveVulkanGpu({}, none, () => ["card0"])).toBe(false);
  });
  it("is true when a driver is named in the environment", () => {
    expect(mayHaveVulkanGpu({ VK_DRIVER_FILES: "/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json" }, none, empty)).toBe(true);
    expect(mayHaveVulkanGpu({ VK_ICD_FILENAMES: "/usr/lib/chromium/vk_swiftshader_icd.json" }, none, empty)).toBe(true);
  });
  it("is true with an NVIDIA device node or a DRM render node", () => {
    expect(mayHaveVulkanGpu({}, (p) => p === "/dev/nvidia0", empty)).toBe(true);
    expect(mayHaveVulkanGpu({}, none, () => ["card0", "renderD128"])).toBe(true);
  });
});
