import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { errorCode } from "../test/error-code.js";
import {
  CodecId,
  decodeV2Frame,
  encodeV2Frame,
  peekV2Header,
  peekV2HeaderText,
  type V2FrameInput,
  V2Security,
  v2BinaryToText,
  v2TextToBinary,
} from "./frame-v2.js";
import { routingHeaderFrom } from "./routing.js";

const te = new TextEncoder();
const REQ = '{"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}]}';
const base = (): V2FrameInput => ({
  schema: 1,
  codec: CodecId.RAW,
  routing: routingHeaderFrom(REQ),
  originalLength: REQ.length,
  crc32: 123,
  payload: te.encode(REQ),
});

describe("v2 frame", () => {
  it("has a small fixed overhead without routing", () => {
    const frame = encodeV2Frame({
      schema: 1,
      codec: CodecId.RAW,
      originalLength: 62,
      payload: new Uint8Array(62),
    });
    expect(frame.length - 62).toBe(9);
  });

  it("round-trips plain, HMAC and AEAD forms", () => {
    const plain = decodeV2Frame(encodeV2Frame(base()));
    expect(plain).toMatchObject({
      schema: 1,
      codec: 0,
      crc32: 123,
      security: null,
      originalLength: REQ.length,
    });
    expect(plain.routing).toMatchObject({ model: "gpt-4o", roles: ["user"] });
    const hmac = decodeV2Frame(
      encodeV2Frame({
        ...base(),
        security: { mode: V2Security.HMAC_SHA256, params: Uint8Array.of(1, 2) },
        tag: new Uint8Array(32).fill(9),
      }),
    );
    expect(hmac.tag).toEqual(new Uint8Array(32).fill(9));
    expect(hmac.security?.params).toEqual(Uint8Array.of(1, 2));
    const aead = decodeV2Frame(
      encodeV2Frame({
        ...base(),
        crc32: null,
        security: { mode: V2Security.XCHACHA20_POLY1305, params: new Uint8Array(24) },
        tag: new Uint8Array(16),
      }),
    );
    expect(aead.crc32).toBe(null);
    expect(aead.tag).toHaveLength(16);
  });

  it("header is exactly the bytes before the payload length", () => {
    const frame = encodeV2Frame(base());
    const f = decodeV2Frame(frame);
    expect(frame.subarray(0, f.header.length)).toEqual(f.header);
    expect(frame[f.header.length]).toBe(REQ.length);
  });

  it("text form round-trips and can be peeked", () => {
    const text = v2BinaryToText(encodeV2Frame(base()));
    expect(text.startsWith("#M2M|2|")).toBe(true);
    expect(decodeV2Frame(v2TextToBinary(text)).payload).toEqual(te.encode(REQ));
    expect(peekV2HeaderText(text).routing?.model).toBe("gpt-4o");
    expect(peekV2Header(encodeV2Frame(base())).codec).toBe(CodecId.RAW);
  });

  it("refuses a plaintext checksum beside AEAD, on both sides", () => {
    expect(
      errorCode(() =>
        encodeV2Frame({
          ...base(),
          security: { mode: V2Security.CHACHA20_POLY1305, params: new Uint8Array(12) },
          tag: new Uint8Array(16),
        }),
      ),
    ).toBe("WIRE_INVALID_ARGUMENT");
  });

  it.each([
    [
      "a declared original length over maxDecodedBytes",
      (f: Uint8Array) => decodeV2Frame(f, { maxDecodedBytes: 10 }),
      "WIRE_LIMIT_EXCEEDED",
    ],
    [
      "a frame over maxFrameBytes",
      (f: Uint8Array) => decodeV2Frame(f, { maxFrameBytes: 10 }),
      "WIRE_LIMIT_EXCEEDED",
    ],
    ["trailing bytes", (f: Uint8Array) => decodeV2Frame(Uint8Array.from([...f, 0])), "WIRE_BAD_HEADER"],
    ["a truncated frame", (f: Uint8Array) => decodeV2Frame(f.subarray(0, f.length - 5)), "WIRE_TRUNCATED"],
    [
      "unknown flag bits",
      (f: Uint8Array) => decodeV2Frame(Uint8Array.from(f, (b, i) => (i === 3 ? b | 0x80 : b))),
      "WIRE_BAD_HEADER",
    ],
    [
      "another version",
      (f: Uint8Array) => decodeV2Frame(Uint8Array.from(f, (b, i) => (i === 2 ? 3 : b))),
      "WIRE_UNSUPPORTED_VERSION",
    ],
    [
      "a bad magic",
      (f: Uint8Array) => decodeV2Frame(Uint8Array.from(f, (b, i) => (i === 0 ? 0x23 : b))),
      "WIRE_BAD_PREFIX",
    ],
  ])("rejects %s", (_, fn, code) => {
    expect(errorCode(() => fn(encodeV2Frame(base())))).toBe(code);
  });

  it("round-trips arbitrary parts (property)", () => {
    fc.assert(
      fc.property(
        fc.record({
          schema: fc.integer({ min: 0, max: 255 }),
          codec: fc.integer({ min: 0, max: 255 }),
          codecParams: fc.uint8Array({ maxLength: 40 }),
          payload: fc.uint8Array({ maxLength: 300 }),
          originalLength: fc.integer({ min: 0, max: 1 << 20 }),
          crc32: fc.option(fc.integer({ min: 0, max: 0xffffffff }), { nil: null }),
        }),
        (input) => {
          const f = decodeV2Frame(encodeV2Frame(input));
          expect(f).toMatchObject({ ...input, routing: null, security: null });
        },
      ),
    );
  });
});
