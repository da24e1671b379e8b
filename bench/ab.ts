/**
 * Paired A/B of two versions of dnnc on one model's training step, in one process on one device:
 *
 *   git archive HEAD | (mkdir -p /tmp/base && tar -x -C /tmp/base) && ln -s "$PWD/node_modules" /tmp/base/
 *   npx tsx bench/ab.ts examples/mnist/one-epoch.dnn --base /tmp/base [--batch 64] [--rounds 8] [--steps 10]
 *
 * Compiles the file with the base tree's compiler and with this tree's, builds each with its own
 * runtime Engine, warms both up (the shader JIT), then alternates timed blocks of `steps` training
 * steps — base, this, base, this … — for `rounds` rounds, so that load on a shared machine hits both
 * sides alike. Prints each side's median ms per step and images/s, and this ÷ base speed per round
 * (median and range): a ratio above 1 means this tree is faster.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { base: { type: "string" }, batch: { type: "string" }, rounds: { type: "string", default: "8" }, steps: { type: "string", default: "10" } },
});
const file = positionals[0];
if (!file || !values.base) {
  console.error("usage: npx tsx bench/ab.ts FILE.dnn --base DIR [--batch N] [--rounds N] [--steps N]");
  process.exit(2);
}
const rounds = Number(values.rounds);
const steps = Number(values.steps);
const here = resolve(import.meta.dirname, "..");

interface Side {
  readonly name: string;
  readonly step: () => Promise<void>;
  readonly flush: () => Promise<void>;
  readonly batch: number;
}

/** Loads one tree's compiler and runtime, compiles `file` and returns a training-step closure. */
async function side(name: string, root: string, device: GPUDevice, gpu: unknown): Promise<Side> {
  const load = (rel: string) => import(resolve(root, rel));
  const { checkFile } = await load("compiler/index.ts");
  const { compileModel } = await load("compiler/emit/compile.ts");
  const { deviceTarget } = await load("cli/compile.ts");
  const { fsHost } = await load("cli/host.ts");
  const { Engine } = await load("runtime/engine/engine.ts");
  const checked = checkFile(file, fsHost());
  const options = { ...deviceTarget(gpu), ...(values.batch ? { batch: Number(values.batch) } : {}) };
  const compiled = compileModel(checked.value.program, checked.value.checked, file, options);
  const engine = await Engine.create(device, compiled);
  const { batch, input, output } = compiled.manifest;
  const images = Float32Array.from({ length: batch * input.size }, (_, i) => ((i * 2654435761) >>> 0) / 4294967296);
  const labels = Uint32Array.from({ length: batch }, (_, i) => i % output.classes);
  let n = 0;
  const uniforms = () => ({ step: ++n, seed: 1, rows: batch, training: 1, lr: 1e-4, l1: 0, l2: 0, bias1: 1 - 0.9 ** n, bias2: 1 - 0.999 ** n });
  return { name, batch, step: () => engine.trainStep(images, labels, uniforms()), flush: () => engine.flush() };
}

const { requestNodeDevice } = await import("../runtime/node/gpu.js");
const gpu = await requestNodeDevice();
const sides = [await side("base", resolve(values.base), gpu.device, gpu), await side("this", here, gpu.device, gpu)];
const time = async (s: Side) => {
  await s.flush();
  const t = performance.now();
  for (let i = 0; i < steps; i++) await s.step();
  await s.flush();
  return (performance.now() - t) / steps;
};
for (const s of sides) for (let i = 0; i < 3; i++) await time(s);

const ms: number[][] = [[], []];
for (let r = 0; r < rounds; r++) for (let k = 0; k < 2; k++) ms[k]!.push(await time(sides[k]!));
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ratios = ms[0]!.map((b, r) => b / ms[1]![r]!);
for (const [k, s] of sides.entries()) {
  const m = median(ms[k]!);
  console.log(`${s.name.padEnd(5)} ${m.toFixed(2).padStart(8)} ms/step  ${((s.batch * 1000) / m).toFixed(0).padStart(6)} images/s  (batch ${s.batch})`);
}
console.log(`this ÷ base speed: ${median(ratios).toFixed(3)} (per-round range ${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)}, ${rounds} rounds of ${steps} steps)`);
await gpu.destroy();
process.exit(0);
