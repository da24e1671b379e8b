import { describe, expect, it } from "vitest";
import { machineLine, vectorExtension } from "../../bench/machine.js";

const cpuinfo = (flags: string) => `processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: ${flags}\n\nprocessor\t: 1\n`;

describe("the benchmark's machine line", () => {
  it("names the widest vector extension in /proc/cpuinfo's flags", () => {
    expect(vectorExtension(cpuinfo("fpu sse sse2 sse4_2 avx avx2 fma avx512f avx512vl"))).toBe("AVX-512");
    expect(vectorExtension(cpuinfo("fpu sse sse2 sse4_2 avx avx2 fma"))).toBe("AVX2+FMA");
    expect(vectorExtension(cpuinfo("fpu sse sse2 sse4_2 avx"))).toBe("AVX");
    expect(vectorExtension(cpuinfo("fpu sse sse2"))).toBe("SSE");
  });
  it("says nothing without a flags line (not Linux)", () => {
    expect(vectorExtension("")).toBeUndefined();
  });
  it("counts the cores and names the model", () => {
    expect(machineLine()).toMatch(/^\d+ CPUs \(.+\)$/);
  });
});
