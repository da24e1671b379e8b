/**
 * The resumable checkpoint written after every epoch: the weights of finished ensemble members, the
 * current member's weights, optimizer state and best weights so far, and the loop's state as JSON
 * metadata. Tensor names: `member<k>.<param>`, `best.<param>`, `optimizer.<slot>`.
 */

import type { Checkpoint, Tensor } from '../checkpoint.js';
import { DataFormatError } from '../errors.js';
import type { Manifest } from '../engine/manifest.js';
import type { LoopState, ResumePoint } from './loop.js';
import { memberPrefix, readWeights, type Weights, weightTensors } from './weights.js';

/** Metadata key of the loop state. */
export const STATE_KEY = 'dnnc.loop';

/** The resumable checkpoint: finished members, the current one with its optimizer state and best weights, and the loop state. */
export function loopCheckpoint(
  manifest: Manifest,
  metadata: Readonly<Record<string, string>>,
  state: LoopState,
  finished: readonly Weights[],
  current: Weights,
  optimizer: Float32Array<ArrayBuffer>,
  best: Weights | undefined,
): Checkpoint {
  const tensors = new Map<string, Tensor>();
  const put = (m: Map<string, Tensor>) => m.forEach((t, k) => tensors.set(k, t));
  finished.forEach((w, k) => put(weightTensors(manifest, w, memberPrefix(k))));
  put(weightTensors(manifest, current, memberPrefix(state.member)));
  if (best) put(weightTensors(manifest, best, 'best.'));
  manifest.optimizerSlots.forEach((slot, i) => {
    tensors.set(`optimizer.${slot}`, { shape: [manifest.paramCount], data: optimizer.slice(i * manifest.paramCount, (i + 1) * manifest.paramCount) });
  });
  return { tensors, metadata: { ...metadata, [STATE_KEY]: JSON.stringify(state) } };
}

/** The resume point saved in a loop checkpoint. */
export function readResumePoint(manifest: Manifest, c: Checkpoint, where: string): ResumePoint {
  const raw = c.metadata[STATE_KEY];
  if (raw === undefined) throw new DataFormatError('safetensors', `${where} is not a training checkpoint (no ${STATE_KEY} metadata)`);
  const state = JSON.parse(raw) as LoopState;
  const finished = Array.from({ length: state.member }, (_, k) => readWeights(manifest, c.tensors, memberPrefix(k), where));
  const current = readWeights(manifest, c.tensors, memberPrefix(state.member), where);
  const first = manifest.params[0]?.name;
  const best = first !== undefined && c.tensors.has(`best.${first}`) ? readWeights(manifest, c.tensors, 'best.', where) : undefined;
  const optimizer = new Float32Array(Math.max(1, manifest.optimizerSlots.length * manifest.paramCount));
  manifest.optimizerSlots.forEach((slot, i) => {
    const t = c.tensors.get(`optimizer.${slot}`);
    if (!t) throw new DataFormatError('safetensors', `${where} has no optimizer.${slot}`);
    if (t.data.length !== manifest.paramCount) {
      throw new DataFormatError('safetensors', `${where}: optimizer.${slot} holds ${t.data.length} values but this build of the model lays out ${manifest.paramCount} (the checkpoint comes from another model or compiler version); train again without --resume`);
    }
    optimizer.set(t.data, i * manifest.paramCount);
  });
  return { state, finished, current, optimizer, best };
}
