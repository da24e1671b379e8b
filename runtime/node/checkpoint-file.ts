/** Node-only: saving and loading safetensors checkpoints on disk. */

import { readFileSync } from 'node:fs';
import { type Checkpoint, decodeSafetensors, encodeSafetensors } from '../checkpoint.js';
import { DataFormatError, FileAccessError } from '../errors.js';
import { writeFileAtomic } from './atomic-write.js';

/** Writes a checkpoint to `path` atomically (see writeFileAtomic). */
export function writeCheckpointFile(path: string, checkpoint: Checkpoint): void {
  writeFileAtomic(path, encodeSafetensors(checkpoint));
}

/** Reads and validates the safetensors checkpoint at `path`. */
export function readCheckpointFile(path: string): Checkpoint {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (e) {
    throw new FileAccessError(`cannot read checkpoint ${path}: ${(e as Error).message}`);
  }
  try {
    return decodeSafetensors(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength));
  } catch (e) {
    if (e instanceof DataFormatError) throw new DataFormatError('safetensors', `${path}: ${e.message.replace(/^safetensors: /, '')}`);
    throw e;
  }
}
