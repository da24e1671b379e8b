import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type Checkpoint, encodeSafetensors } from '../../../runtime/checkpoint.js';
import { FileAccessError } from '../../../runtime/errors.js';
import { writeFileAtomic } from '../../../runtime/node/atomic-write.js';
import { readCheckpointFile, writeCheckpointFile } from '../../../runtime/node/checkpoint-file.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'dnnc-ckpt-'));
  dirs.push(d);
  return d;
}
const ckpt = (v: number): Checkpoint => ({
  tensors: new Map([['w', { shape: [2, 2], data: Float32Array.from([v, v + 1, v + 2, v + 3]) }]]),
  metadata: { epoch: String(v) },
});

describe('checkpoint files', () => {
  it('round-trips through disk and leaves no temporary files', () => {
    const dir = tempDir();
    const path = join(dir, 'model.safetensors');
    writeCheckpointFile(path, ckpt(1));
    writeCheckpointFile(path, ckpt(2)); // replaces
    const back = readCheckpointFile(path);
    expect(back.metadata).toEqual({ epoch: '2' });
    expect(Array.from(back.tensors.get('w')!.data)).toEqual([2, 3, 4, 5]);
    expect(readdirSync(dir)).toEqual(['model.safetensors']);
  });

  it('a failure before the rename keeps the old file intact and removes the temp file', () => {
    const dir = tempDir();
    const path = join(dir, 'model.safetensors');
    writeCheckpointFile(path, ckpt(1));
    const before = readFileSync(path);
    let seenTemp = '';
    expect(() =>
      writeFileAtomic(path, encodeSafetensors(ckpt(9)), {
        beforeRename: (temp) => {
          seenTemp = temp;
          expect(readFileSync(temp)).toEqual(Buffer.from(encodeSafetensors(ckpt(9)))); // complete and synced
          throw new Error('simulated crash');
        },
      }),
    ).toThrow('simulated crash');
    expect(seenTemp.startsWith(dir)).toBe(true); // same directory, so rename is atomic
    expect(readFileSync(path)).toEqual(before);
    expect(readdirSync(dir)).toEqual(['model.safetensors']);
  });

  it('a process killed between writing the temp file and renaming it never corrupts the target', () => {
    const dir = tempDir();
    const path = join(dir, 'model.safetensors');
    writeCheckpointFile(path, ckpt(1));
    const script = join(dir, 'crash.ts');
    const module = pathToFileURL(resolve('runtime/node/atomic-write.ts')).href;
    writeFileSync(
      script,
      `import { writeFileAtomic } from ${JSON.stringify(module)};\n` +
        `writeFileAtomic(${JSON.stringify(path)}, new Uint8Array(1 << 20).fill(7), {\n` +
        `  beforeRename: () => process.kill(process.pid, 'SIGKILL'),\n});\n`,
    );
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: process.cwd(), encoding: 'utf8' });
    expect(r.signal).toBe('SIGKILL');
    // The killed writer leaves its temp file behind, but the target still holds the old checkpoint.
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toHaveLength(1);
    expect(readCheckpointFile(path).metadata).toEqual({ epoch: '1' });
  });

  it('reports unreadable and unwritable paths as FileAccessError', () => {
    const dir = tempDir();
    expect(() => readCheckpointFile(join(dir, 'missing.safetensors'))).toThrow(FileAccessError);
    expect(() => writeCheckpointFile(join(dir, 'no/such/dir/x.safetensors'), ckpt(1))).toThrow(/cannot write/);
  });

  it('names the file when its contents are malformed', () => {
    const path = join(tempDir(), 'bad.safetensors');
    writeFileSync(path, 'not a checkpoint');
    expect(() => readCheckpointFile(path)).toThrow(/bad\.safetensors: header length/);
  });
});
