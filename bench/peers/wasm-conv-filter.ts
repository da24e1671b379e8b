/**
 * tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel, so training a convolution fails with
 * "Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'". This registers one for 'wasm':
 * a direct loop in JavaScript over the heap's x and dy (the cpu backend's own kernel indexes through
 * TensorBuffer.get and takes seconds per batch, which would measure that, not wasm). The benchmark's
 * table says so in its notes.
 */
import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

const KERNEL = "Conv2DBackpropFilter";

/** The geometry of one convolution (NHWC), as tfjs's computeConv2DInfo gives it. */
export interface ConvGeometry {
  readonly batchSize: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly inChannels: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly outChannels: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly dilationHeight: number;
  readonly dilationWidth: number;
  readonly padInfo: { readonly top: number; readonly left: number };
}

/** dW[kh,kw,ci,co] = Σ over batch and output positions of x[b, ih, iw, ci]·dy[b, oh, ow, co]. */
export function convFilterGrad(x: Float32Array, dy: Float32Array, g: ConvGeometry): Float32Array {
  const { inHeight: H, inWidth: W, inChannels: Ci, outHeight: OH, outWidth: OW, outChannels: Co, filterHeight: KH, filterWidth: KW } = g;
  const dW = new Float32Array(KH * KW * Ci * Co);
  for (let b = 0; b < g.batchSize; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const d = ((b * OH + oh) * OW + ow) * Co;
        for (let kh = 0; kh < KH; kh++) {
          const ih = oh * g.strideHeight + kh * g.dilationHeight - g.padInfo.top;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * g.strideWidth + kw * g.dilationWidth - g.padInfo.left;
            if (iw < 0 || iw >= W) continue;
            const xBase = ((b * H + ih) * W + iw) * Ci;
            const wBase = (kh * KW + kw) * Ci * Co;
            for (let ci = 0; ci < Ci; ci++) {
              const xv = x[xBase + ci]!;
              if (xv === 0) continue;
              const w = wBase + ci * Co;
              for (let co = 0; co < Co; co++) dW[w + co]! += xv * dy[d + co]!;
            }
          }
        }
      }
    }
  }
  return dW;
}

/** Registers the kernel for 'wasm' unless the backend already has one; true when it registered. */
export function supplyWasmConvFilterGrad(): boolean {
  if (tf.getKernel(KERNEL, "wasm")) return false;
  tf.registerKernel({
    kernelName: KERNEL,
    backendName: "wasm",
    kernelFunc: ({ inputs, backend, attrs }) => {
      const wasm = backend as BackendWasm;
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const a = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
      const info = tf.backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number],
        a.filterShape,
        a.strides,
        1,
        a.pad,
        a.dimRoundingMode,
        false,
        tf.backend_util.convertConv2DDataFormat(a.dataFormat),
      );
      if (info.dataFormat !== "channelsLast") throw new Error(`${KERNEL} for wasm: only NHWC is supplied`);
      const grad = convFilterGrad(wasm.readSync(x.dataId) as Float32Array, wasm.readSync(dy.dataId) as Float32Array, info);
      const out = wasm.makeOutput([...a.filterShape], "float32");
      wasm.typedArrayFromHeap(out).set(grad);
      return out;
    },
  });
  return true;
}
