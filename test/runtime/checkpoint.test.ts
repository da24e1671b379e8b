import { describe, expect, it } from 'vitest';
import { type Checkpoint, decodeSafetensors, encodeSafetensors } from '../../runtime/checkpoint.js';
import { DataFormatError } from '../../runtime/errors.js';

const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

describe('safetensors encoding', () => {
  it('lays out the header byte by byte as the spec says', () => {
    const bytes = encodeSafetensors({
      tensors: new Map([['w', { shape: [2], data: Float32Array.from([1, -2]) }]]),
      metadata: { epoch: '3' },
    });
    const json = '{"__metadata__":{"epoch":"3"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
    expect(json.length).toBe(83); // padded with 5 spaces to 88, a multiple of 8
    const expected = [
      0x58, 0, 0, 0, 0, 0, 0, 0, // u64 LE header length = 88
      ...ascii(json),
      0x20, 0x20, 0x20, 0x20, 0x20,
      0x00, 0x00, 0x80, 0x3f, // 1.0f LE
      0x00, 0x00, 0x00, 0xc0, // -2.0f LE
    ];
    expect(Array.from(bytes)).toEqual(expected);
  });

  it('omits __metadata__ when there is none and handles empty tensors', () => {
    const bytes = encodeSafetensors({ tensors: new Map([['e', { shape: [0, 3], data: new Float32Array(0) }]]), metadata: {} });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(new TextDecoder().decode(bytes.subarray(8, 8 + n)).trimEnd()).toBe(
      '{"e":{"dtype":"F32","shape":[0,3],"data_offsets":[0,0]}}',
    );
    expect(decodeSafetensors(bytes).tensors.get('e')!.shape).toEqual([0, 3]);
  });

  it('refuses a tensor whose data does not fill its shape', () => {
    expect(() =>
      encodeSafetensors({ tensors: new Map([['w', { shape: [3], data: new Float32Array(2) }]]), metadata: {} }),
    ).toThrow(/has 2 values, shape \[3\] needs 3/);
  });
});

describe('safetensors round trip', () => {
  it('returns the same tensors, order, special values and metadata', () => {
    const ckpt: Checkpoint = {
      tensors: new Map([
        ['conv1.weight', { shape: [2, 1, 2, 2], data: Float32Array.from([0.1, -0, NaN, Infinity, -Infinity, 1e-40, 3, 4]) }],
        ['conv1.bias', { shape: [2], data: Float32Array.from([5, 6]) }],
        ['scalar', { shape: [], data: Float32Array.from([7]) }],
      ]),
      metadata: { format: 'dnnc', epoch: '12', note: 'ünïcode ✓' },
    };
    const back = decodeSafetensors(encodeSafetensors(ckpt));
    expect([...back.tensors.keys()]).toEqual(['conv1.weight', 'conv1.bias', 'scalar']);
    expect(back.metadata).toEqual(ckpt.metadata);
    for (const [name, t] of ckpt.tensors) {
      expect(back.tensors.get(name)!.shape).toEqual(t.shape);
      expect(back.tensors.get(name)!.data).toEqual(t.data); // element-wise Object.is: NaN and -0 must survive
    }
    expect(Object.is(back.tensors.get('conv1.weight')!.data[1], -0)).toBe(true);
  });
});

describe('safetensors validation', () => {
  const good = encodeSafetensors({ tensors: new Map([['w', { shape: [2], data: Float32Array.from([1, 2]) }]]), metadata: {} });
  const withHeader = (json: string, data = 8) => {
    const h = new TextEncoder().encode(json);
    const out = new Uint8Array(8 + h.length + data);
    new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
    out.set(h, 8);
    return out;
  };

  it('rejects truncation, bad lengths and bad JSON', () => {
    expect(() => decodeSafetensors(good.subarray(0, 5))).toThrow(/too short/);
    expect(() => decodeSafetensors(good.subarray(0, good.length - 1))).toThrow(/data section has 7/);
    const huge = good.slice();
    huge[0] = 0xff;
    huge[1] = 0xff;
    expect(() => decodeSafetensors(huge)).toThrow(/exceeds the file/);
    expect(() => decodeSafetensors(withHeader('{nope'))).toThrow(/not valid UTF-8 JSON/);
    expect(() => decodeSafetensors(withHeader('[]'))).toThrow(DataFormatError);
  });

  it('rejects other dtypes, holes, overlaps and shape mismatches', () => {
    expect(() => decodeSafetensors(withHeader('{"w":{"dtype":"F16","shape":[4],"data_offsets":[0,8]}}'))).toThrow(
      /dtype F16; only F32/,
    );
    expect(() => decodeSafetensors(withHeader('{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}'))).toThrow(
      /starts at byte 4, expected 0/,
    );
    expect(() => decodeSafetensors(withHeader('{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}'))).toThrow(
      /do not hold shape \[3\]/,
    );
    expect(() =>
      decodeSafetensors(withHeader('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}')),
    ).toThrow(/expected 8/);
    expect(() => decodeSafetensors(withHeader('{"__metadata__":{"k":1}}', 0))).toThrow(/not a string/);
  });
});
