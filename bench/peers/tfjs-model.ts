/**
 * A benchmark model as a TensorFlow.js layers model: NHWC input 28×28×1, valid convolutions,
 * kernels drawn from N(0, 1/n_in) (dnnc's scaled_normal), zero biases. The last dense layer has no
 * activation: the loss applies the softmax (softmaxCrossEntropy), which leaves the parameters as
 * they are.
 */
import * as tfl from "@tensorflow/tfjs-layers";
import type { BenchLayer, BenchModel } from "../models.js";

function scaledNormal(fanIn: number, seed: number) {
  return tfl.initializers.randomNormal({ mean: 0, stddev: 1 / Math.sqrt(fanIn), seed });
}

/** The tfjs layer for `l`, given the shape its input has (without the batch axis). */
function tfjsLayer(l: BenchLayer, input: readonly number[], seed: number, first: boolean) {
  const shape = first ? { inputShape: [28, 28, 1] } : {};
  switch (l.kind) {
    case "conv":
      return tfl.layers.conv2d({ ...shape, filters: l.filters, kernelSize: l.size, activation: l.activation, kernelInitializer: scaledNormal(input[2]! * l.size * l.size, seed), biasInitializer: "zeros" });
    case "pool":
      return tfl.layers.maxPooling2d({ ...shape, poolSize: l.size, strides: l.size });
    case "flatten":
      return tfl.layers.flatten(shape);
    case "dense":
      return tfl.layers.dense({ ...shape, units: l.units, activation: l.activation === "softmax" ? "linear" : l.activation, kernelInitializer: scaledNormal(input[0]!, seed), biasInitializer: "zeros" });
    case "dropout":
      return tfl.layers.dropout({ ...shape, rate: l.rate });
  }
}

/** Builds the model on the current tfjs backend. */
export function tfjsModel(m: BenchModel, seed = 1): tfl.Sequential {
  const model = tfl.sequential();
  let shape: readonly number[] = [28, 28, 1];
  m.layers.forEach((l, i) => {
    model.add(tfjsLayer(l, shape, seed + i, i === 0));
    shape = model.outputs[0]!.shape.slice(1) as number[];
  });
  return model;
}
