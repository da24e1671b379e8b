import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-layers"; // registers the gradients tf.grad needs (the core bundle has none)
import { beforeAll, describe, expect, it } from "vitest";
import { convFilterGrad } from "../../bench/peers/wasm-conv-filter.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** The filter gradient as tfjs's cpu backend computes it, and ours for the same inputs. */
function both(xShape: [number, number, number, number], filterShape: [number, number, number, number], strides: [number, number], pad: "valid" | "same") {
  const x = tf.randomNormal(xShape, 0, 1, "float32", 7) as tf.Tensor4D;
  const filter = tf.randomNormal(filterShape, 0, 1, "float32", 8) as tf.Tensor4D;
  const dy = tf.randomNormal(tf.conv2d(x, filter, strides, pad).shape, 0, 1, "float32", 9);
  // d/dfilter of Σ conv(x, filter)·dy is the filter gradient for upstream gradient dy (the cpu kernel runs it).
  const expected = tf.grad((f: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, f as tf.Tensor4D, strides, pad), dy)))(filter).dataSync();
  const info = tf.backend_util.computeConv2DInfo(xShape, filterShape, strides, 1, pad);
  const actual = convFilterGrad(x.dataSync() as Float32Array, dy.dataSync() as Float32Array, info);
  return { expected, actual };
}

describe("the Conv2DBackpropFilter supplied to tfjs's wasm backend", () => {
  it("matches the cpu backend's kernel: valid padding, stride 1 (the benchmark's convolutions)", () => {
    const { expected, actual } = both([3, 12, 12, 4], [5, 5, 4, 6], [1, 1], "valid");
    expect(actual.length).toBe(expected.length);
    for (let i = 0; i < actual.length; i++) expect(actual[i]).toBeCloseTo(expected[i]!, 3);
  });
  it("matches it with same padding and stride 2", () => {
    const { expected, actual } = both([2, 9, 7, 3], [3, 3, 3, 5], [2, 2], "same");
    for (let i = 0; i < actual.length; i++) expect(actual[i]).toBeCloseTo(expected[i]!, 3);
  });
});
