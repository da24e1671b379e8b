/**
 * Per-kernel profile of a compiled model's training step on the adapter at hand:
 *
 *   npx tsx bench/profile.ts examples/mnist/fast-adam.dnn [--batch 64] [--rounds 5] [--steps 20] [--first] [--roofline]
 *
 * With `--first` it instead times each kernel's FIRST dispatch alone (llvmpipe compiles a shader when
 * it first runs, not at pipeline creation), in training order, and exits: where first-step latency
 * goes. Run it with MESA_SHADER_CACHE_DISABLE=true, or Mesa's disk cache hides the compile.
 *
 * Compiles the model for this device (cpu kernels on software adapters), then, after a warm-up that
 * pays the shader JIT, alternates two measurements for `rounds` rounds: whole training steps
 * (`steps` steps queued, then one wait → images/s), and each kernel alone (its dispatch repeated in
 * one command buffer until ~20 ms of work, then one wait → ms per dispatch). Prints the medians:
 * ms/step, GFLOP/s and share of the summed kernel time for each kernel, and whole-step images/s.
 * Inputs are random numbers: the timings do not depend on the values. With `--roofline` it first
 * measures the adapter's ceilings (bench/roofline.ts) and adds each kernel's arithmetic intensity
 * (FLOPs over the bytes the compiler counts it moving), its roofline bound min(compute, intensity × bandwidth)
 * and the share of that bound it reaches.
 */
import { parseArgs } from "node:util";
import { deviceTarget } from "../cli/compile.js";
import { fsHost } from "../cli/host.js";
import { checkFile, hasErrors } from "../compiler/index.js";
import { compileModel } from "../compiler/emit/compile.js";
import { Engine } from "../runtime/engine/engine.js";
import { requestNodeDevice } from "../runtime/node/gpu.js";
import { measureCeilings, sig3 } from "./roofline.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    batch: { type: "string" },
    rounds: { type: "string", default: "5" },
    steps: { type: "string", default: "20" },
    model: { type: "string" },
    first: { type: "boolean", default: false },
    roofline: { type: "boolean", default: false },
  },
});
const path = positionals[0];
if (!path) {
  console.error("usage: npx tsx bench/profile.ts FILE.dnn [--batch N] [--rounds N] [--steps N] [--model NAME] [--first]");
  process.exit(2);
}
const rounds = Number(values.rounds);
const steps = Number(values.steps);

const gpu = await requestNodeDevice();
const target = deviceTarget(gpu);
const ceilings = values.roofline ? await measureCeilings(gpu) : undefined;
const checked = checkFile(path, fsHost());
if (hasErrors(checked.diagnostics) || !checked.value.checked || !checked.value.program) {
  console.error(`error: ${path} has errors; run \`dnnc check ${path}\``);
  process.exit(1);
}
const options = { ...target, ...(values.model ? { model: values.model } : {}), ...(values.batch ? { batch: Number(values.batch) } : {}) };
const compiled = compileModel(checked.value.program, checked.value.checked, path, options);
const manifest = compiled.manifest;
const t0 = performance.now();
const engine = await Engine.create(gpu.device, compiled);
const createMs = performance.now() - t0;

if (values.first) {
  const rows: [string, number, number][] = [];
  for (const k of engine.kernels.train) {
    const s = performance.now();
    await timeKernel(k.name, 1);
    const first = performance.now() - s;
    rows.push([k.name, first, await timeKernel(k.name, 1)]);
  }
  const total = rows.reduce((a, r) => a + r[1], 0);
  console.log(`${manifest.model} (${path}), batch ${manifest.batch}: pipelines ${createMs.toFixed(0)} ms; first dispatch of each kernel (ms), then a second one`);
  for (const [name, first, second] of rows) console.log(`${name.padEnd(32)} ${first.toFixed(1).padStart(9)} ${second.toFixed(1).padStart(9)}`);
  console.log(`${"sum of first dispatches".padEnd(32)} ${total.toFixed(1).padStart(9)}`);
  engine.destroy();
  await gpu.destroy();
  process.exit(0);
}

const { batch, input, output } = manifest;
const images = Float32Array.from({ length: batch * input.size }, (_, i) => ((i * 2654435761) >>> 0) / 4294967296);
const labels = Uint32Array.from({ length: batch }, (_, i) => i % output.classes);
let step = 0;
const stepValues = () => ({ step: ++step, seed: 1, rows: batch, training: 1, lr: 1e-4, l1: 0, l2: 0, bias1: 1 - 0.9 ** step, bias2: 1 - 0.999 ** step });

// Warm-up: the first dispatch of each pipeline pays the JIT.
const t1 = performance.now();
for (let i = 0; i < 3; i++) await engine.trainStep(images, labels, stepValues());
await engine.flush();
const warmMs = performance.now() - t1;

const kernels = engine.kernels.train;
const repeats = new Map<string, number>();
for (const k of kernels) {
  const t = await timeKernel(k.name, 1);
  repeats.set(k.name, Math.max(1, Math.min(50, Math.ceil(20 / Math.max(t, 0.01)))));
}
const stepMs: number[] = [];
const kernelMs = new Map<string, number[]>(kernels.map((k) => [k.name, []]));
for (let r = 0; r < rounds; r++) {
  const s = performance.now();
  for (let i = 0; i < steps; i++) await engine.trainStep(images, labels, stepValues());
  await engine.flush();
  stepMs.push((performance.now() - s) / steps);
  for (const k of kernels) kernelMs.get(k.name)!.push(await timeKernel(k.name, repeats.get(k.name)!));
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows = kernels.map((k) => ({ name: k.name, ms: median(kernelMs.get(k.name)!), flops: k.flops, bytes: k.bytes, workgroups: k.workgroups.join("×") }));
const sum = rows.reduce((a, r) => a + r.ms, 0);
const rooflineCells = (flops: number, bytes: number, ms: number): string[] => {
  if (!ceilings) return [];
  const intensity = flops / Math.max(bytes, 1);
  const bound = Math.min(ceilings.computeGflops, intensity * ceilings.bandwidthGBs);
  return [sig3(intensity), sig3(bound), `${((100 * flops) / ms / 1e6 / bound).toFixed(0)}%`];
};
const table = rows.map((r) => [r.name, r.workgroups, r.ms.toFixed(3), (r.flops / r.ms / 1e6).toFixed(2), `${((100 * r.ms) / sum).toFixed(1)}%`, ...rooflineCells(r.flops, r.bytes, r.ms)]);
const header = ["kernel", "workgroups", "ms/step", "GFLOP/s", "share", ...(ceilings ? ["FLOP/B", "bound", "of bound"] : [])];
const widths = header.map((h, c) => Math.max(h.length, ...table.map((row) => row[c]!.length)));
const line = (cells: readonly string[]) => cells.map((x, c) => (c === 0 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join("  ");
const totalFlops = rows.reduce((a, r) => a + r.flops, 0);
const step50 = median(stepMs);

console.log(`${manifest.model} (${path}), batch ${batch}, ${kernels.length} kernels, on ${gpu.adapterDescription}, ${target.target} kernels`);
console.log(`start-up: pipelines ${createMs.toFixed(0)} ms, first steps (JIT) ${warmMs.toFixed(0)} ms; medians of ${rounds} rounds`);
if (ceilings) console.log(`roofline: compute ${sig3(ceilings.computeGflops)} GFLOP/s (register FMA chains), GEMM ${sig3(ceilings.gemmGflops)} GFLOP/s (tile ${ceilings.gemmTile}), bandwidth ${sig3(ceilings.bandwidthGBs)} GB/s`);
console.log("");
console.log(line(header));
console.log(widths.map((w) => "─".repeat(w)).join("  "));
for (const row of table) console.log(line(row));
const totalBytes = rows.reduce((a, r) => a + r.bytes, 0);
console.log(line(["sum of kernels", "", sum.toFixed(3), (totalFlops / sum / 1e6).toFixed(2), "100%", ...rooflineCells(totalFlops, totalBytes, sum)]));
console.log(`\nwhole step: ${step50.toFixed(3)} ms (${steps} steps per round) → ${((batch * 1000) / step50).toFixed(0)} images/s, ${(totalFlops / step50 / 1e6).toFixed(2)} GFLOP/s effective`);

engine.destroy();
await gpu.destroy();
process.exit(0);

/** `n` dispatches of one kernel in one command buffer, after the queue drained: ms per dispatch. */
async function timeKernel(name: string, n: number): Promise<number> {
  await engine.flush();
  const s = performance.now();
  engine.queueKernel(name, n);
  await engine.flush();
  return (performance.now() - s) / n;
}

