/**
 * Which peer trains which model at which batch size, for how long: the benchmark's plan for a
 * quick or a full run. Pure, so tests can check it.
 */
import { modelById } from "./models.js";
import type { PeerName, PeerRequest } from "./protocol.js";

export interface RunOptions {
  readonly quick: boolean;
  readonly models: readonly string[];
  readonly batches: readonly number[];
  readonly peers: readonly PeerName[];
}

export const QUICK: RunOptions = { quick: true, models: ["cnn"], batches: [64], peers: ["ours", "tfjs-webgpu", "tfjs-wasm", "torch-cpu"] };
export const FULL: RunOptions = { quick: false, models: ["cnn", "fc100", "dropout"], batches: [10, 64, 256], peers: ["ours", "tfjs-webgpu", "tfjs-wasm", "tfjs-cpu", "torch-cpu"] };

/** Images tfjs's plain cpu backend may train per configuration (it manages about 4 a second on the CNN). */
export const CPU_IMAGE_BUDGET = 256;

/** A planned peer run, or a configuration left out with the reason. */
export type Planned = { readonly request: PeerRequest; readonly timeoutSeconds: number } | { readonly skip: { readonly peer: PeerName; readonly model: string; readonly batch: number; readonly reason: string } };

/** One request per peer, model and batch size, in table order. */
export function plan(o: RunOptions): Planned[] {
  const out: Planned[] = [];
  const capSeconds = o.quick ? 8 : 20;
  for (const model of o.models) {
    const conv = modelById(model).layers.some((l) => l.kind === "conv");
    // Images per timed window: enough steps to average over (windows of 10 steps varied 1.2–1.5× from
    // one quick run to the next on a shared 2-core machine), a bit less for the conv nets.
    const windowImages = o.quick ? 1920 : conv ? 2560 : 10240;
    for (const batch of o.batches) {
      for (const peer of o.peers) {
        const base = { peer, model, batch, windows: 3, testImages: o.quick ? 2000 : 10000 };
        if (peer === "tfjs-cpu") {
          if (batch * 4 > CPU_IMAGE_BUDGET) {
            out.push({ skip: { peer, model, batch, reason: `batch ${batch}: four steps exceed the ${CPU_IMAGE_BUDGET}-image budget of the plain cpu backend` } });
            continue;
          }
          const steps = Math.max(1, Math.floor(CPU_IMAGE_BUDGET / batch / 4));
          const warmupSteps = steps > 1 ? 1 : 0;
          out.push({ request: { ...base, warmupSteps, windowSteps: steps, accuracySteps: 1 + warmupSteps + 3 * steps, capSeconds: o.quick ? 30 : 90 }, timeoutSeconds: 600 });
          continue;
        }
        const warmupSteps = Math.max(2, Math.ceil(128 / batch));
        const windowSteps = Math.max(1, Math.ceil(windowImages / batch));
        const request: PeerRequest = { ...base, warmupSteps, windowSteps, accuracySteps: 1 + warmupSteps + 3 * windowSteps, capSeconds };
        out.push({ request, timeoutSeconds: o.quick ? 90 : 300 });
      }
    }
  }
  return out;
}
