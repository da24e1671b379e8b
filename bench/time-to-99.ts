/**
 * Time to 99% MNIST test accuracy with our best recipe (examples/mnist/fast-adam.dnn by default),
 * wall clock from before compiling until the test accuracy first reaches the goal: compiling the
 * .dnn file, opening the device, building pipelines, loading MNIST, training, and the test
 * evaluations themselves (one every half epoch). Stops at the cap. Run as a child:
 * `tsx bench/time-to-99.ts '{"file":"examples/mnist/fast-adam.dnn","capSeconds":1200,"goal":0.99}'`;
 * prints one JSON line.
 */
import { checkFile, hasErrors } from "../compiler/index.js";
import { compileModel } from "../compiler/emit/compile.js";
import { deviceTarget } from "../cli/compile.js";
import { fsHost } from "../cli/host.js";
import { Engine, meanMetrics } from "../runtime/engine/engine.js";
import { initialParams } from "../runtime/engine/init.js";
import { requestNodeDevice } from "../runtime/node/gpu.js";
import { derive, deriveSeed } from "../runtime/random.js";
import { initialPlateauState, learningRate } from "../runtime/schedule.js";
import { gatherBatch, prepareData } from "../runtime/train/data.js";
import { loadData } from "../runtime/train/files.js";
import { scheduleOf } from "../runtime/train/loop.js";
import { oneLine } from "./peer-main.js";
import type { TimeToGoalRequest, TimeToGoalResult } from "./time-to-goal.js";

async function run(req: TimeToGoalRequest): Promise<TimeToGoalResult> {
  const t0 = performance.now();
  const elapsed = () => (performance.now() - t0) / 1000;
  const checked = checkFile(req.file, fsHost());
  const { program, checked: c } = checked.value;
  if (hasErrors(checked.diagnostics) || !program || !c) throw new Error(`${req.file} does not check`);
  const gpu = await requestNodeDevice();
  const compiled = compileModel(program, c, req.file, deviceTarget(gpu));
  const manifest = compiled.manifest;
  const engine = await Engine.create(gpu.device, { manifest, code: compiled.code });
  const compileSeconds = elapsed();
  const config = manifest.training;
  const seed = config.seed;
  const sets = loadData(config.data);
  const data = prepareData(manifest, sets.train, sets.test, { seed });
  const test = data.test!;
  engine.writeParams(initialParams(manifest, seed, 0));
  const n = data.train.count;
  const batch = manifest.batch;
  const stepsPerEpoch = Math.ceil(n / batch);
  const schedule = scheduleOf(config, config.epochs);
  const adam = config.optimizer.kind === "adam" ? config.optimizer : undefined;
  const dropoutSeed = deriveSeed(seed, "dropout", 0);
  const x = new Float32Array(batch * manifest.input.size);
  const labels = new Uint32Array(batch);
  let step = 0;
  let best = 0;
  for (let epoch = 0; elapsed() < req.capSeconds; epoch++) {
    const order = derive(seed, "shuffle", 0, epoch).permutation(n);
    for (let s = 0; s < stepsPerEpoch; s++) {
      const rows = Math.min(batch, n - s * batch);
      gatherBatch(data.train, order, s * batch, rows, x, labels);
      step++;
      const lr = learningRate(schedule, { epoch, step: s, stepsPerEpoch, plateau: initialPlateauState() });
      await engine.trainStep(x, labels, { step, seed: dropoutSeed, rows, training: 1, lr, l1: config.l1 / n, l2: config.l2 / n, bias1: adam ? 1 - adam.beta1 ** step : 1, bias2: adam ? 1 - adam.beta2 ** step : 1 });
      const half = s + 1 === Math.ceil(stepsPerEpoch / 2) || s + 1 === stepsPerEpoch;
      if (!half && elapsed() < req.capSeconds) continue;
      const accuracy = meanMetrics(await engine.evaluate(test)).accuracy;
      best = Math.max(best, accuracy);
      const epochs = epoch + (s + 1) / stepsPerEpoch;
      if (accuracy >= req.goal) return { ok: true, file: req.file, goal: req.goal, capSeconds: req.capSeconds, seconds: elapsed(), epochs, bestAccuracy: best, compileSeconds, device: gpu.adapterDescription };
      if (elapsed() >= req.capSeconds) return { ok: true, file: req.file, goal: req.goal, capSeconds: req.capSeconds, seconds: null, epochs, bestAccuracy: best, compileSeconds, device: gpu.adapterDescription };
    }
  }
  return { ok: true, file: req.file, goal: req.goal, capSeconds: req.capSeconds, seconds: null, epochs: step / stepsPerEpoch, bestAccuracy: best, compileSeconds, device: gpu.adapterDescription };
}

const req = JSON.parse(process.argv[2] ?? "{}") as TimeToGoalRequest;
try {
  console.log(JSON.stringify(await run(req)));
} catch (e) {
  const failed: TimeToGoalResult = { ok: false, file: req.file, goal: req.goal, capSeconds: req.capSeconds, seconds: null, epochs: 0, bestAccuracy: 0, compileSeconds: 0, device: "", error: oneLine(e) };
  console.log(JSON.stringify(failed));
}
process.exit(0);
