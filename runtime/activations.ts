/**
 * What a trained network computes for one example: every layer's activation, read back from the
 * engine's `act:` buffers after an evaluation pass (the same kernels that train, dropout off).
 */
import type { GpuHandle } from './device.js';
import { Engine } from './engine/engine.js';
import type { CompiledModel } from './engine/manifest.js';
import type { Weights } from './train/weights.js';

/** One layer's output for the example: its IR tensor name, per-example dims and values. */
export interface LayerActivation {
  readonly tensor: string;
  readonly dims: readonly number[];
  readonly values: Float32Array;
}

/** Runs `image` (one example, input-size floats) through the network and returns each layer's output, input first. */
export async function activationsOf(model: CompiledModel, weights: Weights, image: Float32Array<ArrayBuffer>, gpu: GpuHandle): Promise<LayerActivation[]> {
  const { manifest } = model;
  if (image.length !== manifest.input.size) throw new RangeError(`an example of this model has ${manifest.input.size} floats, not ${image.length}`);
  const engine = await Engine.create(gpu.device, model);
  try {
    engine.writeParams(weights.params);
    engine.writeState(weights.state);
    await engine.evaluate({ count: 1, images: image, labels: new Uint8Array(1) });
    const out: LayerActivation[] = [];
    for (const b of manifest.buffers) {
      if (b.role !== 'activation' || !b.tensor || !b.dims) continue;
      const size = b.dims.reduce((a, d) => a * d, 1);
      const all = await engine.readFloats(b.name);
      out.push({ tensor: b.tensor, dims: b.dims, values: all.slice(0, size) }); // row 0 of the batch
    }
    return out;
  } finally {
    engine.destroy();
  }
}
