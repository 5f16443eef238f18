import zlib from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { crc32 } from "./crc32.js";

describe("crc32", () => {
  it("matches the CRC-32/ISO-HDLC check value", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
  it("matches the reference frame vector (payload of the 62-byte Hi request)", () => {
    const json = '{"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}]}';
    expect(crc32(new TextEncoder().encode(json))).toBe(0xa455606e);
  });
  it("equals zlib.crc32 on random input, and continues across chunks", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(300), (bytes, cut) => {
        const at = Math.min(cut, bytes.length);
        expect(crc32(bytes)).toBe(zlib.crc32(bytes));
        expect(crc32(bytes.subarray(at), crc32(bytes.subarray(0, at)))).toBe(crc32(bytes));
      }),
    );
  });
});
