/**
 * Parameter initialisation on the CPU. Each parameter tensor draws from its own stream,
 * derive(seed, 'init', member, name), so adding a layer never changes another layer's weights
 * and ensemble member k is initialised independently of member j.
 */

import { derive } from '../random.js';
import type { InitSpec, Manifest, ManifestParam } from './manifest.js';

/** Fills `out` (one parameter's slice) by its initialiser. */
export function initialiseParam(p: Pick<ManifestParam, 'init' | 'fanIn' | 'fanOut'>, out: Float32Array, seed: number, member: number, name: string): void {
  const init: InitSpec = p.init;
  const rng = derive(seed, 'init', member, name);
  switch (init.kind) {
    case 'scaled_normal': // the seeds' N(0, 1/√n_in): standard deviation 1/√fanIn
      rng.fillNormal(out, 0, 1 / Math.sqrt(p.fanIn));
      return;
    case 'standard_normal':
      rng.fillNormal(out, 0, 1);
      return;
    case 'glorot': {
      const limit = Math.sqrt(6 / (p.fanIn + p.fanOut));
      rng.fillUniform(out, -limit, limit);
      return;
    }
    case 'he':
      rng.fillNormal(out, 0, Math.sqrt(2 / p.fanIn));
      return;
    case 'constant':
      out.fill(init.value);
      return;
  }
}

/** The whole parameter arena of ensemble member `member`, initialised from `seed`. */
export function initialParams(manifest: Manifest, seed: number, member: number): Float32Array<ArrayBuffer> {
  const arena = new Float32Array(Math.max(1, manifest.paramCount));
  for (const p of manifest.params) initialiseParam(p, arena.subarray(p.offset, p.offset + p.size), seed, member, p.name);
  return arena;
}

/** The non-trainable state arena at its initial values (running mean 0, running variance 1). */
export function initialState(manifest: Manifest): Float32Array<ArrayBuffer> {
  const arena = new Float32Array(Math.max(1, manifest.stateCount));
  for (const s of manifest.state) arena.fill(s.fill, s.offset, s.offset + s.size);
  return arena;
}
