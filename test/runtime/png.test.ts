/** PNG encoding checked against the standard CRC-32 check values and by decoding the file by hand. */
import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { crc32, encodePng } from "../../runtime/node/png.js";
import { raster, setPixel } from "../../runtime/raster.js";

const ascii = (s: string) => new TextEncoder().encode(s);

/** Splits a PNG into its chunks, checking each chunk's CRC. */
function chunks(png: Uint8Array): { type: string; data: Uint8Array }[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out: { type: string; data: Uint8Array }[] = [];
  for (let at = 8; at < png.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    const data = png.subarray(at + 8, at + 8 + length);
    expect(view.getUint32(at + 8 + length)).toBe(crc32(png.subarray(at + 4, at + 8 + length)));
    out.push({ type, data });
    at += 12 + length;
  }
  return out;
}

describe("crc32", () => {
  it("gives the standard check values", () => {
    expect(crc32(ascii("123456789"))).toBe(0xcbf43926);
    expect(crc32(ascii("IEND"))).toBe(0xae426082);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
});

describe("encodePng", () => {
  it("writes signature, IHDR, IDAT, IEND with the pixels row by row", () => {
    const r = raster(3, 2, [10, 20, 30]);
    setPixel(r, 2, 1, [255, 0, 128]);
    const png = encodePng(r);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const c = chunks(png);
    expect(c.map((x) => x.type)).toEqual(["IHDR", "IDAT", "IEND"]);
    const h = new DataView(c[0]!.data.buffer, c[0]!.data.byteOffset, 13);
    expect([h.getUint32(0), h.getUint32(4), ...c[0]!.data.subarray(8)]).toEqual([3, 2, 8, 2, 0, 0, 0]);
    const lines = inflateSync(c[1]!.data);
    expect([...lines]).toEqual([0, 10, 20, 30, 10, 20, 30, 10, 20, 30, 0, 10, 20, 30, 10, 20, 30, 255, 0, 128]);
    expect(c[2]!.data.length).toBe(0);
  });
});
