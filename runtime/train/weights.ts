/**
 * A trained model's weights as named tensors. Each parameter and state tensor is saved under its IR
 * name (`dense1.weight`), so a checkpoint reads like the .dnn file; an ensemble prefixes every name
 * with `member<k>.`. The arenas the GPU uses are rebuilt from the names on load.
 */

import type { Checkpoint, Tensor } from '../checkpoint.js';
import { DataFormatError } from '../errors.js';
import type { Manifest } from '../engine/manifest.js';

/** One member's parameter and state arenas. */
export interface Weights {
  readonly params: Float32Array<ArrayBuffer>;
  readonly state: Float32Array<ArrayBuffer>;
}

/** Named tensors of one member's arenas, each name prefixed by `prefix`. */
export function weightTensors(manifest: Manifest, w: Weights, prefix = ''): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const p of manifest.params) out.set(prefix + p.name, { shape: p.dims, data: w.params.slice(p.offset, p.offset + p.size) });
  for (const s of manifest.state) out.set(prefix + s.name, { shape: [s.size], data: w.state.slice(s.offset, s.offset + s.size) });
  return out;
}

/** Rebuilds one member's arenas from tensors named with `prefix`; names and shapes must match the model. */
export function readWeights(manifest: Manifest, tensors: ReadonlyMap<string, Tensor>, prefix = '', where = 'checkpoint'): Weights {
  const params = new Float32Array(Math.max(1, manifest.paramCount));
  const state = new Float32Array(Math.max(1, manifest.stateCount));
  const take = (name: string, size: number, into: Float32Array, offset: number) => {
    const t = tensors.get(prefix + name);
    if (!t) throw new DataFormatError('safetensors', `${where} has no tensor ${prefix + name}; it was not saved from model ${manifest.model}`);
    if (t.data.length !== size) throw new DataFormatError('safetensors', `${where}: ${prefix + name} holds ${t.data.length} values, model ${manifest.model} needs ${size}`);
    into.set(t.data, offset);
  };
  for (const p of manifest.params) take(p.name, p.size, params, p.offset);
  for (const s of manifest.state) take(s.name, s.size, state, s.offset);
  return { params, state };
}

/** The prefix of ensemble member k. */
export function memberPrefix(k: number): string {
  return `member${k}.`;
}

/** Every member's weights in a checkpoint: unprefixed names for one model, `member<k>.` for an ensemble. */
export function readMembers(manifest: Manifest, checkpoint: Checkpoint, where = 'checkpoint'): Weights[] {
  const first = manifest.params[0]?.name ?? manifest.state[0]?.name;
  if (first === undefined) return [];
  if (checkpoint.tensors.has(first)) return [readWeights(manifest, checkpoint.tensors, '', where)];
  const out: Weights[] = [];
  for (let k = 0; checkpoint.tensors.has(memberPrefix(k) + first); k++) out.push(readWeights(manifest, checkpoint.tensors, memberPrefix(k), where));
  if (out.length === 0) throw new DataFormatError('safetensors', `${where} holds no weights of model ${manifest.model} (no tensor ${first})`);
  return out;
}

/** A weights file: one member unprefixed, several prefixed by member. */
export function membersCheckpoint(manifest: Manifest, members: readonly Weights[], metadata: Record<string, string>): Checkpoint {
  const tensors = new Map<string, Tensor>();
  members.forEach((w, k) => {
    for (const [name, t] of weightTensors(manifest, w, members.length === 1 ? '' : memberPrefix(k))) tensors.set(name, t);
  });
  return { tensors, metadata };
}
