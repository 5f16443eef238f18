import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { errorCode } from "../test/error-code.js";
import {
  decodeVarint32,
  decodeVarint64,
  decodeVarintSafe,
  encodeVarint32,
  encodeVarint64,
  encodeVarintSafe,
  varintSize,
} from "./varint.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("varint (reference vectors, seed-codec §13.1)", () => {
  it.each([
    [0, "00"],
    [1, "01"],
    [127, "7f"],
    [128, "8001"],
    [300, "ac02"],
    [16383, "ff7f"],
    [16384, "808001"],
    [0xffffffff, "ffffffff0f"],
  ])("%d encodes as %s", (value, expected) => {
    expect(hex(encodeVarint32(value))).toBe(expected);
    expect(decodeVarint32(Buffer.from(expected, "hex"))).toEqual({ value, length: expected.length / 2 });
  });

  it.each([
    [0, 1],
    [127, 1],
    [128, 2],
    [16383, 2],
    [16384, 3],
  ])("varintSize(%d) = %d", (value, size) => expect(varintSize(value)).toBe(size));

  it("round-trips u64::MAX and the reference set", () => {
    for (const v of [
      0n,
      1n,
      127n,
      128n,
      255n,
      256n,
      16383n,
      16384n,
      2097151n,
      2097152n,
      0xffff_ffff_ffff_ffffn,
    ]) {
      const bytes = encodeVarint64(v);
      expect(decodeVarint64(bytes)).toEqual({ value: v, length: bytes.length });
    }
    expect(encodeVarint64(0xffff_ffff_ffff_ffffn)).toHaveLength(10);
  });
});

describe("varint rejects bad encodings", () => {
  it.each([
    ["truncated", "80", "WIRE_TRUNCATED"],
    ["empty", "", "WIRE_TRUNCATED"],
    ["overlong zero", "8000", "WIRE_BAD_VARINT"],
    ["overlong one", "8100", "WIRE_BAD_VARINT"],
    ["u32 overflow in 5th byte", "ffffffff1f", "WIRE_BAD_VARINT"],
    ["six bytes", "808080808001", "WIRE_BAD_VARINT"],
  ])("u32 %s", (_, input, code) => {
    expect(errorCode(() => decodeVarint32(Buffer.from(input, "hex")))).toBe(code);
  });

  it.each([
    ["u64 overflow in 10th byte", "ffffffffffffffffff02", "WIRE_BAD_VARINT"],
    ["eleven bytes", "8080808080808080808001", "WIRE_BAD_VARINT"],
    ["overlong", "ff00", "WIRE_BAD_VARINT"],
    ["truncated", "ffff", "WIRE_TRUNCATED"],
  ])("u64 %s", (_, input, code) => {
    expect(errorCode(() => decodeVarint64(Buffer.from(input, "hex")))).toBe(code);
  });

  it("safe varints refuse values above 2^53-1", () => {
    expect(errorCode(() => decodeVarintSafe(encodeVarint64(2n ** 53n)))).toBe("WIRE_BAD_VARINT");
    expect(decodeVarintSafe(encodeVarint64(2n ** 53n - 1n)).value).toBe(Number.MAX_SAFE_INTEGER);
  });

  it("encoders refuse out-of-range values", () => {
    expect(errorCode(() => encodeVarint32(-1))).toBe("WIRE_INVALID_ARGUMENT");
    expect(errorCode(() => encodeVarint32(2 ** 32))).toBe("WIRE_INVALID_ARGUMENT");
    expect(errorCode(() => encodeVarint32(1.5))).toBe("WIRE_INVALID_ARGUMENT");
    expect(errorCode(() => encodeVarint64(-1n))).toBe("WIRE_INVALID_ARGUMENT");
    expect(errorCode(() => encodeVarint64(2n ** 64n))).toBe("WIRE_INVALID_ARGUMENT");
    expect(errorCode(() => encodeVarintSafe(2 ** 53))).toBe("WIRE_INVALID_ARGUMENT");
  });
});

describe("varint properties", () => {
  it("u32 round-trips and is minimal", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (v) => {
        const bytes = encodeVarint32(v);
        expect(bytes.length).toBe(varintSize(v));
        expect(decodeVarint32(bytes)).toEqual({ value: v, length: bytes.length });
      }),
    );
  });
  it("u64 round-trips at any offset", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.uint8Array({ maxLength: 4 }), (v, pad) => {
        const bytes = new Uint8Array([...pad, ...encodeVarint64(v)]);
        expect(decodeVarint64(bytes, pad.length).value).toBe(v);
      }),
    );
  });
  it("safe varints agree with u64 varints", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (v) => {
        expect(hex(encodeVarintSafe(v))).toBe(hex(encodeVarint64(BigInt(v))));
        expect(decodeVarintSafe(encodeVarintSafe(v)).value).toBe(v);
      }),
    );
  });
});
