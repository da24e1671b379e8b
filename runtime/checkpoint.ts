/**
 * Checkpoints in the safetensors format (huggingface/safetensors): an 8-byte little-endian header
 * length N, N bytes of JSON mapping each tensor name to {dtype, shape, data_offsets} plus an
 * optional "__metadata__" string map, then the tensor bytes back to back. Float32 ("F32") only.
 * Encoding and decoding are pure and browser-safe; node/checkpoint-file.ts does the file I/O.
 */

import { DataFormatError } from './errors.js';

/** One Float32 tensor: its shape and row-major values. */
export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float32Array<ArrayBuffer>;
}

/** Named tensors (in data-section order) and free-form string metadata. */
export interface Checkpoint {
  readonly tensors: ReadonlyMap<string, Tensor>;
  readonly metadata: Readonly<Record<string, string>>;
}

const HEADER_LIMIT = 100_000_000; // the reference implementation's cap on header size
const METADATA_KEY = '__metadata__';

/** Encodes tensors and metadata as safetensors bytes; tensors keep their map order. */
export function encodeSafetensors(checkpoint: Checkpoint): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(checkpoint.metadata).length > 0) header[METADATA_KEY] = { ...checkpoint.metadata };
  let offset = 0;
  for (const [name, t] of checkpoint.tensors) {
    if (name === METADATA_KEY) throw new DataFormatError('safetensors', `'${METADATA_KEY}' cannot name a tensor`);
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) {
      throw new DataFormatError('safetensors', `tensor '${name}' has ${t.data.length} values, shape [${t.shape.join(', ')}] needs ${count}`);
    }
    header[name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + 4 * count] };
    offset += 4 * count;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded);
  let at = 8 + padded;
  for (const t of checkpoint.tensors.values()) {
    for (let i = 0; i < t.data.length; i++, at += 4) view.setFloat32(at, t.data[i]!, true);
  }
  return out;
}

/** Decodes safetensors bytes holding F32 tensors, checking every offset against the spec. */
export function decodeSafetensors(bytes: Uint8Array): Checkpoint {
  const fail = (detail: string): never => {
    throw new DataFormatError('safetensors', detail);
  };
  if (bytes.length < 8) fail(`file too short (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (n > HEADER_LIMIT || 8 + n > bytes.length) fail(`header length ${n} exceeds the file (${bytes.length} bytes)`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch {
    fail('header is not valid UTF-8 JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('header is not a JSON object');
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const entries: { name: string; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === METADATA_KEY) {
      if (typeof value !== 'object' || value === null) fail('__metadata__ is not an object');
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`__metadata__.${k} is not a string`);
        metadata[k] = v as string;
      }
      continue;
    }
    const info = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (info.dtype !== 'F32') fail(`tensor '${name}' has dtype ${String(info.dtype)}; only F32 is supported`);
    const shape = info.shape;
    const offsets = info.data_offsets;
    const isDims = (xs: unknown): xs is number[] =>
      Array.isArray(xs) && xs.every((x) => Number.isInteger(x) && (x as number) >= 0);
    if (!isDims(shape)) fail(`tensor '${name}' has a malformed shape`);
    if (!isDims(offsets) || (offsets as number[]).length !== 2) fail(`tensor '${name}' has malformed data_offsets`);
    const [begin, end] = offsets as [number, number];
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    if (end - begin !== 4 * count) fail(`tensor '${name}': offsets [${begin}, ${end}] do not hold shape [${(shape as number[]).join(', ')}] of F32`);
    entries.push({ name, shape: shape as number[], begin, end });
  }
  // The spec requires the tensors to tile the data section exactly: no holes, no overlap.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin);
  let expected = 0;
  for (const e of sorted) {
    if (e.begin !== expected) fail(`tensor '${e.name}' starts at byte ${e.begin}, expected ${expected}`);
    expected = e.end;
  }
  if (expected !== dataLength) fail(`tensors cover ${expected} bytes but the data section has ${dataLength}`);
  const tensors = new Map<string, Tensor>(); // in data order, which is the order they were written
  for (const e of sorted) {
    const data = new Float32Array(e.shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(dataStart + e.begin + 4 * i, true);
    tensors.set(e.name, { shape: e.shape, data });
  }
  return { tensors, metadata };
}
