/**
 * What a uniform-buffer load costs on this adapter, by how its index is formed:
 *
 *   npx tsx bench/uniform-index.ts
 *
 * Every invocation runs K iterations of one vec4 load from a 64 KiB uniform array feeding 8 vec4
 * multiply-adds (32 FMAs) that form dependent chains a ← a·v + r (so that LLVM cannot factor the
 * unrolled loop: with a ← v·r + a it summed the loads first and read far above the FMA ceiling),
 * with the index taken from the invocation id, from the workgroup id, or from the loop counter
 * alone, in a rolled loop and unrolled by the generator. llvmpipe (Mesa 22.3)
 * loads a uniform buffer with one scalar load and a broadcast only when NIR proves the offset
 * uniform, which its check does for constants (and ALU on constants) but not for loop counters
 * (phis) or the workgroup id; every other offset is a gather of one scalar per lane and component.
 * Only the unrolled loop-counter case has constant offsets (docs/performance.md, Roofline).
 */
import { requestNodeDevice } from "../runtime/node/gpu.js";
import { timeDispatch } from "./roofline.js";

const K = 256;
const INVOCATIONS = 8192;

/** The kernel with the load index `index` (K stands for the iteration), rolled or unrolled. */
function kernel(index: string, unrolled: boolean): string {
  const acc = Array.from({ length: 8 }, (_, j) => j);
  const body = (k: string) => `    { let v = u[${index.replaceAll("K", k)}]; ${acc.map((j) => `a${j} = fma(a${j}, v, r${j});`).join(" ")} }`;
  const loop = unrolled ? Array.from({ length: K }, (_, k) => body(`${k}u`)).join("\n") : `  for (var k = 0u; k < ${K}u; k++) {\n${body("k")}\n  }`;
  return [
    "@group(0) @binding(0) var<uniform> u: array<vec4<f32>, 4096>;",
    "@group(0) @binding(1) var<storage, read_write> sink: array<vec4<f32>>;",
    "@compute @workgroup_size(8)",
    "fn main(@builtin(global_invocation_id) g: vec3u, @builtin(workgroup_id) wg: vec3u) {",
    ...acc.map((j) => `  let r${j} = vec4f(f32(g.x) + ${j}.0);`),
    ...acc.map((j) => `  var a${j} = vec4f(0);`),
    loop,
    `  sink[g.x] = ${acc.map((j) => `a${j}`).join(" + ")};`,
    "}",
  ].join("\n");
}

const CASES: readonly [string, string, boolean][] = [
  ["invocation id, rolled loop", "(g.x * 7u + K) % 4096u", false],
  ["workgroup id, rolled loop", "(wg.x * 7u + K) % 4096u", false],
  ["loop counter only, rolled loop", "K", false],
  ["invocation id, unrolled", "(g.x * 7u + K) % 4096u", true],
  ["workgroup id, unrolled", "(wg.x * 7u + K) % 4096u", true],
  ["constant (loop counter, unrolled)", "K", true],
];

const gpu = await requestNodeDevice();
const { device } = gpu;
const uniform = device.createBuffer({ size: 65536, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
const sink = device.createBuffer({ size: INVOCATIONS * 16, usage: GPUBufferUsage.STORAGE });
console.log(`uniform-buffer loads by index on ${gpu.adapterDescription}: ${INVOCATIONS} invocations × ${K} × (1 vec4 load + 32 FMAs)`);
for (const [name, index, unrolled] of CASES) {
  const started = performance.now();
  const module = device.createShaderModule({ code: kernel(index, unrolled) });
  const pipeline = await device.createComputePipelineAsync({ layout: "auto", compute: { module, entryPoint: "main" } });
  const bindGroup = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: uniform } }, { binding: 1, resource: { buffer: sink } }] });
  const setupMs = performance.now() - started;
  const { firstMs, ms } = await timeDispatch(device, pipeline, bindGroup, [INVOCATIONS / 8, 1, 1]);
  const gflops = (INVOCATIONS * K * 32 * 2) / ms / 1e6;
  console.log(`${name.padEnd(36)} ${ms.toFixed(3).padStart(7)} ms  ${gflops.toFixed(1).padStart(6)} GFLOP/s  (pipeline + first dispatch ${(setupMs + firstMs).toFixed(0)} ms)`);
}
uniform.destroy();
sink.destroy();
await gpu.destroy();
