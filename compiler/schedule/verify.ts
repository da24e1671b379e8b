/** The plan's verifier: the invariants the runtime relies on, checked before anything is emitted. */
import { CHUNK_STRIDE, type Kernel } from "../wgsl/kernel.js";
import type { Plan } from "./plan.js";

/** Limits the plan must respect (WebGPU's defaults unless the adapter grants more). */
export interface PlanLimits {
  readonly maxStorageBuffersPerShaderStage: number;
  readonly maxStorageBufferBindingSize: number;
  readonly maxComputeWorkgroupsPerDimension: number;
  readonly maxUniformBufferBindingSize: number;
}

/** WebGPU's guaranteed minimums: what a plan for an unknown adapter must fit. */
export const defaultLimits: PlanLimits = { maxStorageBuffersPerShaderStage: 8, maxStorageBufferBindingSize: 134_217_728, maxComputeWorkgroupsPerDimension: 65_535, maxUniformBufferBindingSize: 65_536 };

/**
 * Problems with the plan, one line each (empty when sound): storage bindings per kernel, buffer
 * sizes, dispatch sizes, bindings to unknown buffers, a buffer bound twice where one binding writes,
 * uniform ranges (aligned, within the uniform binding size, only in chunked kernels where they move), and reads of an activation or gradient that no earlier kernel of the same sequence wrote.
 */
export function verifyPlan(plan: Plan, limits: PlanLimits = defaultLimits): string[] {
  const problems: string[] = [];
  const buffers = new Map(plan.buffers.map((b) => [b.name, b]));
  const byName = new Map(plan.kernels.map((k) => [k.name, k]));
  for (const k of plan.kernels) {
    const storage = k.bindings.filter((b) => b.access !== "uniform").length;
    if (storage > limits.maxStorageBuffersPerShaderStage) problems.push(`kernel ${k.name} binds ${storage} storage buffers (limit ${limits.maxStorageBuffersPerShaderStage})`);
    // WebGPU allows one buffer in several bindings only when none of them writes (vec4 read-only aliases, uniform ranges).
    const names = k.bindings.map((b) => b.buffer);
    const twice = names.filter((n, i) => names.indexOf(n) !== i);
    if (twice.some((n) => k.bindings.some((b) => b.buffer === n && b.access === "read_write"))) problems.push(`kernel ${k.name} binds one buffer twice, not read-only`);
    for (const b of k.bindings) {
      if (!buffers.has(b.buffer)) problems.push(`kernel ${k.name} binds ${b.buffer}, which the plan does not hold`);
      if ((b.buffer === "uniforms" || b.range !== undefined) !== (b.access === "uniform")) problems.push(`kernel ${k.name} binds ${b.buffer} as ${b.access}${b.range ? " with a range" : ""}`);
      if (b.range) {
        const { offsets, size } = b.range;
        if (offsets.some((o) => o % CHUNK_STRIDE !== 0)) problems.push(`kernel ${k.name} binds ${b.buffer} at offsets ${offsets.join(", ")}, not all multiples of ${CHUNK_STRIDE}`);
        if (offsets.length !== 1 && offsets.length !== (k.chunks ?? 1)) problems.push(`kernel ${k.name} binds ${b.buffer} at ${offsets.length} offsets for ${k.chunks ?? 1} dispatches`);
        if (!(size > 0 && size % 16 === 0 && size <= limits.maxUniformBufferBindingSize)) problems.push(`kernel ${k.name} binds ${size} bytes of ${b.buffer} as a uniform buffer (limit ${limits.maxUniformBufferBindingSize})`);
      }
    }
    if ((k.chunks === undefined) !== !k.bindings.some((b) => b.buffer === "chunks")) problems.push(`kernel ${k.name} is ${k.chunks === undefined ? "not " : ""}chunked but ${k.chunks === undefined ? "binds" : "does not bind"} the chunk index`);
    k.workgroups.forEach((n, axis) => {
      if (!(Number.isInteger(n) && n >= 1 && n <= limits.maxComputeWorkgroupsPerDimension)) problems.push(`kernel ${k.name} dispatches ${n} workgroups along ${"xyz"[axis]}`);
    });
  }
  for (const b of plan.buffers) {
    if (b.words * 4 > limits.maxStorageBufferBindingSize) problems.push(`buffer ${b.name} is ${b.words * 4} bytes (limit ${limits.maxStorageBufferBindingSize})`);
  }
  const sequence = (label: string, names: readonly string[]) => {
    const written = new Set<string>([`act:${plan.graph.input}`]);
    for (const name of names) {
      const k: Kernel | undefined = byName.get(name);
      if (!k) {
        problems.push(`${label} step names unknown kernel ${name}`);
        continue;
      }
      for (const b of k.bindings) {
        const tracked = b.buffer.startsWith("act:") || b.buffer.startsWith("grad:");
        if (tracked && b.access !== "read_write" && !written.has(b.buffer)) problems.push(`${label}: kernel ${name} reads ${b.buffer} before any kernel writes it`);
      }
      for (const b of k.bindings) if (b.access === "read_write") written.add(b.buffer);
    }
  };
  sequence("training", plan.train);
  sequence("evaluation", plan.evaluate);
  return problems;
}
