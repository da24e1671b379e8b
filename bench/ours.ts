/**
 * Peer "ours": the model compiled by dnnc for the adapter the runtime picks, trained by the
 * runtime's Engine (one command buffer per step). The first step's time includes compiling the
 * .dnn source to WGSL and building every pipeline. Run as a child: `tsx bench/ours.ts '<request>'`.
 */
import { checkFile, hasErrors, memoryHost } from "../compiler/index.js";
import { compileModel } from "../compiler/emit/compile.js";
import { deviceTarget } from "../cli/compile.js";
import { Engine, meanMetrics } from "../runtime/engine/engine.js";
import { initialParams } from "../runtime/engine/init.js";
import { requestNodeDevice } from "../runtime/node/gpu.js";
import { dnnSource, modelById } from "./models.js";
import { peerMain } from "./peer-main.js";

await peerMain(async (req) => {
  const bench = modelById(req.model);
  const gpu = await requestNodeDevice();
  const started = performance.now();
  const path = `${bench.name}.dnn`;
  const checked = checkFile(path, memoryHost({ [path]: dnnSource(bench, req.batch) }));
  const { program, checked: checkedProgram } = checked.value;
  if (hasErrors(checked.diagnostics) || !program || !checkedProgram) throw new Error(`bench model ${bench.id} does not check: ${checked.diagnostics[0]?.message ?? "no program"}`);
  const target = deviceTarget(gpu);
  const compiled = compileModel(program, checkedProgram, path, target);
  const compileMs = performance.now() - started;
  const engine = await Engine.create(gpu.device, { manifest: compiled.manifest, code: compiled.code });
  const setupMs = performance.now() - started;
  engine.writeParams(initialParams(compiled.manifest, 1, 0));
  const lr = compiled.manifest.training.optimizer.lr;
  let step = 0;
  return {
    device: gpu.adapterDescription,
    setupMs,
    notes: [`first step includes dnnc compile ${Math.round(compileMs)} ms and pipeline creation ${Math.round(setupMs - compileMs)} ms; ${target.target} kernels`],
    trainer: {
      step: (images, labels, rows) => engine.trainStep(images, labels, { step: ++step, seed: 1, rows, training: 1, lr, l1: 0, l2: 0, bias1: 1, bias2: 1 }),
      sync: () => engine.flush(),
      evaluate: async (images, labels, count) => meanMetrics(await engine.evaluate({ count, images, labels })).accuracy,
    },
    async close() {
      engine.destroy();
      await gpu.destroy();
    },
  };
});
