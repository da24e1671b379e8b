/** Node-only: replacing a file atomically, so readers see the old bytes or the new, never a mix. */

import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { FileAccessError } from '../errors.js';

/** Test seam: runs after the temporary file is complete and synced, before it is renamed. */
export interface AtomicWriteHooks {
  readonly beforeRename?: (tempPath: string) => void;
}

/**
 * Writes `bytes` to `path` atomically: a temporary file in the same directory is written and
 * fsynced, renamed over `path`, and the directory is fsynced so the rename itself is durable.
 * A crash at any point leaves either the previous file or the new one at `path`.
 */
export function writeFileAtomic(path: string, bytes: Uint8Array, hooks: AtomicWriteHooks = {}): void {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${randomUUID().slice(0, 8)}.tmp`);
  try {
    const fd = openSync(temp, 'wx', 0o644);
    try {
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    hooks.beforeRename?.(temp);
    renameSync(temp, path);
  } catch (e) {
    rmSync(temp, { force: true });
    if (e instanceof Error && 'code' in e) throw new FileAccessError(`cannot write ${path}: ${e.message}`);
    throw e;
  }
  syncDirectory(dir);
}

/** Flushes a directory entry (the rename) to disk; platforms that cannot open directories skip it. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') {
      throw new FileAccessError(`cannot sync directory ${dir}: ${(e as Error).message}`);
    }
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
