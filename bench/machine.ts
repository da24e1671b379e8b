/**
 * The machine a benchmark ran on, in one phrase for report headers: core count, CPU model and its
 * widest vector extension. Machines of one kind here differ (one session's CPU had AVX-512 and ran
 * PyTorch 1.8× faster than another's), so a figure is only comparable with its machine named.
 */
import { readFileSync } from "node:fs";
import { cpus } from "node:os";

/** The widest SIMD extension named in /proc/cpuinfo's flags ("AVX-512", "AVX2", …), or undefined off Linux. */
export function vectorExtension(cpuinfo = readCpuinfo()): string | undefined {
  const flags = new Set(/^flags\s*:(.*)$/m.exec(cpuinfo ?? "")?.[1]?.trim().split(/\s+/) ?? []);
  if (flags.size === 0) return undefined;
  if (flags.has("avx512f")) return "AVX-512";
  if (flags.has("avx2")) return flags.has("fma") ? "AVX2+FMA" : "AVX2";
  if (flags.has("avx")) return "AVX";
  return flags.has("sse4_2") ? "SSE4.2" : "SSE";
}

function readCpuinfo(): string | undefined {
  try {
    return readFileSync("/proc/cpuinfo", "utf8");
  } catch {
    return undefined;
  }
}

/** "2 CPUs (AMD EPYC, AVX-512)". */
export function machineLine(): string {
  const list = cpus();
  const model = list[0]?.model.trim() || "?";
  const ext = vectorExtension();
  return `${list.length} CPUs (${model}${ext ? `, ${ext}` : ""})`;
}
