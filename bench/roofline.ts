/**
 * The adapter's roofline ceilings, measured with three small WGSL kernels:
 *
 *   npx tsx bench/roofline.ts [--json]
 *
 * - compute: every invocation runs 8 independent vec4 FMA chains in registers (no memory traffic),
 *   the most multiply-adds per second the adapter's compiler delivers;
 * - GEMM: a barrier-free register-tiled vec4 matrix product (512³), best of a few tile shapes,
 *   what a well-shaped dense kernel reaches with real loads;
 * - bandwidth: a vec4 copy of 64 MiB into another 64 MiB, bytes read + written per second.
 *
 * Each figure is the median of 5 timed command buffers (each ~50–200 ms of work, ended by waiting
 * for the queue) after one untimed warm-up dispatch that pays the shader JIT. `bench/profile.ts
 * --roofline` puts every kernel of a model's training step against these ceilings.
 */
import { parseArgs } from "node:util";
import type { GpuHandle } from "../runtime/device.js";

export interface Ceilings {
  readonly adapter: string;
  /** GFLOP/s of register-only vec4 FMA chains. */
  readonly computeGflops: number;
  /** GFLOP/s of the best tiled 512³ GEMM, and its tile (rows × columns per invocation). */
  readonly gemmGflops: number;
  readonly gemmTile: string;
  /** GB/s of a 64 MiB vec4 copy (read + written bytes). */
  readonly bandwidthGBs: number;
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Measures the three ceilings on an open device. */
export async function measureCeilings(gpu: GpuHandle): Promise<Ceilings> {
  const { device } = gpu;
  const compute = await timeKernel(device, fmaKernel(), [16 * 64 * 1024], [1024, 1, 1], 64 * 1024 * FMA_ITERATIONS * 8 * 4 * 2);
  let gemm = { gflops: 0, tile: "" };
  for (const [rows, cols] of GEMM_TILES) {
    const n = GEMM_SIZE;
    const tiles = (n / rows) * (n / cols);
    const gflops = await timeKernel(device, gemmKernel(rows, cols), [4 * n * n, 4 * n * n, 4 * n * n], [Math.ceil(tiles / 64), 1, 1], 2 * n * n * n);
    if (gflops > gemm.gflops) gemm = { gflops, tile: `${rows}×${cols}` };
  }
  const copyWords = (64 * 1024 * 1024) / 4;
  const copyGflops = await timeKernel(device, copyKernel(), [4 * copyWords, 4 * copyWords], [copyWords / 4 / 256, 1, 1], 2 * 4 * copyWords);
  return { adapter: gpu.adapterDescription, computeGflops: compute, gemmGflops: gemm.gflops, gemmTile: gemm.tile, bandwidthGBs: copyGflops };
}

const FMA_ITERATIONS = 1024;
const GEMM_SIZE = 512;
const GEMM_TILES: readonly (readonly [number, number])[] = [
  [8, 8],
  [16, 16],
  [16, 32],
];

/**
 * Dispatches `code` (entry point `main`, storage buffers of `sizes` bytes at bindings 0…) over
 * `workgroups` (see timeDispatch); returns `work` units per nanosecond (GFLOP/s for FLOPs, GB/s for
 * bytes) from the median.
 */
async function timeKernel(device: GPUDevice, code: string, sizes: readonly number[], workgroups: readonly [number, number, number], work: number): Promise<number> {
  const module = device.createShaderModule({ code });
  const pipeline = await device.createComputePipelineAsync({ layout: "auto", compute: { module, entryPoint: "main" } });
  const buffers = sizes.map((size) => device.createBuffer({ size, usage: GPUBufferUsage.STORAGE }));
  const bindGroup = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })) });
  const { ms } = await timeDispatch(device, pipeline, bindGroup, workgroups);
  for (const b of buffers) b.destroy();
  return work / ms / 1e6;
}

/**
 * Times one pipeline's dispatch: a first, untimed-for-the-median dispatch that pays the shader JIT
 * (`firstMs`), then command buffers of the same dispatch repeated until one holds ≥ 50 ms of work,
 * five times, each ended by waiting for the queue; `ms` is the median per dispatch.
 */
export async function timeDispatch(device: GPUDevice, pipeline: GPUComputePipeline, bindGroup: GPUBindGroup, workgroups: readonly [number, number, number]): Promise<{ firstMs: number; ms: number }> {
  const run = async (n: number) => {
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    for (let i = 0; i < n; i++) pass.dispatchWorkgroups(...workgroups);
    pass.end();
    const start = performance.now();
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
    return performance.now() - start;
  };
  const firstMs = await run(1);
  const once = await run(1);
  const repeats = Math.max(1, Math.min(200, Math.ceil(50 / Math.max(once, 0.05))));
  const ms: number[] = [];
  for (let r = 0; r < 5; r++) ms.push((await run(repeats)) / repeats);
  return { firstMs, ms: median(ms) };
}

function fmaKernel(): string {
  const chains = Array.from({ length: 8 }, (_, i) => i);
  return [
    "@group(0) @binding(0) var<storage, read_write> sink: array<vec4<f32>>;",
    "@compute @workgroup_size(64)",
    "fn main(@builtin(global_invocation_id) g: vec3<u32>) {",
    "  let m = vec4<f32>(0.99999);",
    "  let c = vec4<f32>(1e-6);",
    ...chains.map((i) => `  var a${i} = vec4<f32>(f32(g.x) * 1e-9 + ${i}.0);`),
    `  for (var i = 0u; i < ${FMA_ITERATIONS}u; i++) {`,
    ...chains.map((i) => `    a${i} = fma(a${i}, m, c);`),
    "  }",
    `  sink[g.x] = ${chains.map((i) => `a${i}`).join(" + ")};`,
    "}",
  ].join("\n");
}

/** C = A·B, all n×n row-major; each invocation owns `rows` × `cols` outputs, B and C read as vec4. */
function gemmKernel(rows: number, cols: number): string {
  const n = GEMM_SIZE;
  const c4 = cols / 4;
  const rs = Array.from({ length: rows }, (_, r) => r);
  const cs = Array.from({ length: c4 }, (_, c) => c);
  return [
    "@group(0) @binding(0) var<storage, read> a: array<f32>;",
    "@group(0) @binding(1) var<storage, read> b: array<vec4<f32>>;",
    "@group(0) @binding(2) var<storage, read_write> out: array<vec4<f32>>;",
    "@compute @workgroup_size(64)",
    "fn main(@builtin(global_invocation_id) g: vec3<u32>) {",
    `  let tilesPerRow = ${n / cols}u;`,
    `  if (g.x >= ${(n / rows) * (n / cols)}u) { return; }`,
    `  let row0 = (g.x / tilesPerRow) * ${rows}u;`,
    `  let col0 = (g.x % tilesPerRow) * ${c4}u;`,
    ...rs.flatMap((r) => cs.map((c) => `  var acc${r}_${c} = vec4<f32>(0.0);`)),
    `  for (var k = 0u; k < ${n}u; k++) {`,
    ...cs.map((c) => `    let b${c} = b[k * ${n / 4}u + col0 + ${c}u];`),
    ...rs.flatMap((r) => [`    let a${r} = a[(row0 + ${r}u) * ${n}u + k];`, ...cs.map((c) => `    acc${r}_${c} = fma(vec4<f32>(a${r}), b${c}, acc${r}_${c});`)]),
    "  }",
    ...rs.flatMap((r) => cs.map((c) => `  out[(row0 + ${r}u) * ${n / 4}u + col0 + ${c}u] = acc${r}_${c};`)),
    "}",
  ].join("\n");
}

function copyKernel(): string {
  return [
    "@group(0) @binding(0) var<storage, read> src: array<vec4<f32>>;",
    "@group(0) @binding(1) var<storage, read_write> dst: array<vec4<f32>>;",
    "@compute @workgroup_size(256)",
    "fn main(@builtin(global_invocation_id) g: vec3<u32>) {",
    "  dst[g.x] = src[g.x];",
    "}",
  ].join("\n");
}

/** A figure to three significant digits. */
export function sig3(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

// Run as a script (from source, or as the GPU kit's bench/roofline.js), not when imported: profile.ts
// imports it, and in the kit's bench/profile.js bundle this module's import.meta.url is the bundle's.
const isMain = /[\\/]bench[\\/]roofline\.[jt]s$/.test(process.argv[1] ?? "");
if (isMain) {
  const { values } = parseArgs({ options: { json: { type: "boolean", default: false } } });
  const { requestNodeDevice } = await import("../runtime/node/gpu.js");
  const gpu = await requestNodeDevice();
  const c = await measureCeilings(gpu);
  if (values.json) console.log(JSON.stringify(c));
  else {
    console.log(`roofline ceilings on ${c.adapter}`);
    console.log(`  compute (register vec4 FMA chains)   ${sig3(c.computeGflops)} GFLOP/s`);
    console.log(`  GEMM 512³, barrier-free, tile ${c.gemmTile}  ${sig3(c.gemmGflops)} GFLOP/s`);
    console.log(`  bandwidth (64 MiB vec4 copy)         ${sig3(c.bandwidthGBs)} GB/s`);
    console.log(`  ridge point (compute / bandwidth)    ${sig3(c.computeGflops / c.bandwidthGBs)} FLOP/byte`);
  }
  await gpu.destroy();
  process.exit(0);
}
