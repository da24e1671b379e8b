/**
 * Peers "tfjs-webgpu", "tfjs-wasm" and "tfjs-cpu": TensorFlow.js 4.22 training the same model with
 * SGD, one optimizer.minimize per step inside tf.tidy, no read-back until a window ends. Run as a
 * child: `tsx bench/peers/tfjs.ts '<request>'`. The first step's time includes building the layers
 * model and tfjs's lazy shader/kernel compilation; opening the device is not counted.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type * as TfCore from "@tensorflow/tfjs-core";
import { IMAGE_SIZE } from "../mnist.js";
import { modelById } from "../models.js";
import { peerMain } from "../peer-main.js";
import type { PeerRequest } from "../protocol.js";

/** Makes `backend` current; returns a description of where it runs and notes for the table. */
async function openBackend(tf: typeof TfCore, req: PeerRequest): Promise<{ device: string; notes: string[] }> {
  if (req.peer === "tfjs-webgpu") {
    const { installNavigatorGpu } = await import("./navigator-gpu.js");
    const gpu = await installNavigatorGpu();
    await import("@tensorflow/tfjs-backend-webgpu");
    if (!(await tf.setBackend("webgpu"))) throw new Error("tfjs could not start its webgpu backend");
    return { device: `webgpu on ${gpu.adapter()}`, notes: [] };
  }
  if (req.peer === "tfjs-wasm") {
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    const dir = join(dirname(createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm")), "");
    wasm.setWasmPaths(dir + "/");
    const threads = Number(process.env.BENCH_WASM_THREADS ?? 2);
    wasm.setThreadsCount(threads);
    if (!(await tf.setBackend("wasm"))) throw new Error("tfjs could not start its wasm backend");
    const { supplyWasmConvFilterGrad } = await import("./wasm-conv-filter.js");
    const supplied = supplyWasmConvFilterGrad();
    const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
    const mt = await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT");
    return {
      device: `wasm${simd ? " simd" : ""}, ${mt ? `${wasm.getThreadsCount()} threads` : "1 thread"}`,
      notes: supplied ? ["Conv2DBackpropFilter (missing in tfjs-backend-wasm) supplied by a JavaScript loop (bench/peers/wasm-conv-filter.ts)"] : [],
    };
  }
  await import("@tensorflow/tfjs-backend-cpu");
  if (!(await tf.setBackend("cpu"))) throw new Error("tfjs could not start its cpu backend");
  return { device: "cpu (plain JavaScript)", notes: [] };
}

await peerMain(async (req) => {
  const tf = await import("@tensorflow/tfjs-core");
  const { device, notes } = await openBackend(tf, req);
  const bench = modelById(req.model);
  const started = performance.now();
  const { tfjsModel } = await import("./tfjs-model.js");
  const model = tfjsModel(bench);
  const setupMs = performance.now() - started;
  const optimizer = tf.train.sgd(bench.lr);
  const vars = model.trainableWeights.map((w) => w.read() as TfCore.Variable);
  const batchTensors = (images: Float32Array, labels: ArrayLike<number>, rows: number) => ({
    x: tf.tensor4d(images.slice(0, rows * IMAGE_SIZE), [rows, 28, 28, 1]),
    y: tf.tensor1d(Int32Array.from({ length: rows }, (_, i) => labels[i]!), "int32"),
  });
  return {
    device,
    setupMs,
    notes,
    trainer: {
      async step(images, labels, rows) {
        tf.tidy(() => {
          const { x, y } = batchTensors(images, labels, rows);
          const oneHot = tf.oneHot(y, 10);
          optimizer.minimize(() => tf.losses.softmaxCrossEntropy(oneHot, model.apply(x, { training: true }) as TfCore.Tensor) as TfCore.Scalar, false, vars);
        });
      },
      async sync() {
        await vars[0]!.data();
      },
      async evaluate(images, labels, count) {
        let correct = 0;
        for (let start = 0; start < count; start += 500) {
          const rows = Math.min(500, count - start);
          const predicted = tf.tidy(() => {
            const { x } = batchTensors(images.subarray(start * IMAGE_SIZE), [], rows);
            return tf.argMax(model.predict(x) as TfCore.Tensor, -1);
          });
          const p = await predicted.data();
          predicted.dispose();
          for (let i = 0; i < rows; i++) if (p[i] === labels[start + i]) correct++;
        }
        return correct / count;
      },
    },
  };
});
