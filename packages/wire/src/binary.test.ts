import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BinaryReader, BinaryWriter } from "./binary.js";
import { M2MError } from "./errors.js";

describe("BinaryWriter / BinaryReader", () => {
  it("writes explicit endianness", () => {
    const bytes = new BinaryWriter(16)
      .uint16le(0x0102)
      .uint16be(0x0102)
      .uint32le(0x01020304)
      .uint32be(0x01020304)
      .finish();
    expect(Buffer.from(bytes).toString("hex")).toBe("0201010204030201" + "01020304");
  });

  it("grows by doubling past the initial capacity", () => {
    const w = new BinaryWriter(16);
    for (let i = 0; i < 1000; i++) w.uint32le(i);
    const r = new BinaryReader(w.finish());
    for (let i = 0; i < 1000; i++) expect(r.uint32le()).toBe(i);
    expect(r.remaining).toBe(0);
  });

  it("round-trips every field type", () => {
    fc.assert(
      fc.property(
        fc.record({
          a: fc.integer({ min: 0, max: 255 }),
          b: fc.integer({ min: 0, max: 0xffff }),
          c: fc.integer({ min: 0, max: 0xffffffff }),
          d: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
          e: fc.float({ noNaN: true }),
          f: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
          g: fc.string(),
          h: fc.uint8Array({ maxLength: 64 }),
        }),
        (v) => {
          const bytes = new BinaryWriter(1)
            .uint8(v.a)
            .uint16be(v.b)
            .uint32be(v.c)
            .uint64be(v.d)
            .uint64le(v.d)
            .float32le(v.e)
            .varint(v.f)
            .varint64(v.d)
            .string(v.g)
            .lengthPrefixed(v.h)
            .finish();
          const r = new BinaryReader(bytes);
          expect(r.uint8()).toBe(v.a);
          expect(r.uint16be()).toBe(v.b);
          expect(r.uint32be()).toBe(v.c);
          expect(r.uint64be()).toBe(v.d);
          expect(r.uint64le()).toBe(v.d);
          expect(r.float32le()).toBe(Math.fround(v.e));
          expect(r.varint()).toBe(v.f);
          expect(r.varint64()).toBe(v.d);
          expect(r.string()).toBe(new TextDecoder().decode(new TextEncoder().encode(v.g)));
          expect(r.lengthPrefixed()).toEqual(v.h);
          expect(r.remaining).toBe(0);
        },
      ),
    );
  });

  it("throws WIRE_TRUNCATED past the end and honours a sub-range", () => {
    const r = new BinaryReader(Uint8Array.of(1, 2, 3, 4), 1, 3);
    expect(r.uint16le()).toBe(0x0302);
    expect(() => r.uint8()).toThrowError(M2MError);
    try {
      new BinaryReader(Uint8Array.of(0x05, 1)).lengthPrefixed();
    } catch (e) {
      expect(M2MError.isInstance(e) && e.code).toBe("WIRE_TRUNCATED");
    }
  });

  it("checks a length prefix against its limit before reading", () => {
    const bytes = new BinaryWriter().varint(1_000_000).finish();
    expect(() => new BinaryReader(bytes).lengthPrefixed(100)).toThrowError(/limit/);
  });

  it("refuses a range outside the buffer", () => {
    expect(() => new BinaryReader(new Uint8Array(2), 0, 3)).toThrowError(M2MError);
  });
});
