import { createRequire } from "node:module";
import zlib from "node:zlib";
import { CodecId, crc32, encodeV2Frame, Schema } from "@m2m/wire";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { codeOf } from "../test/fuzz-helpers.js";
import {
  type BrotliWasmModule,
  createNodeBackend,
  createPortableBackend,
  frameCrc32,
  selectCrc32,
} from "./backend.js";
import { compress, decompress } from "./codec.js";
import { getDefaultDictionary } from "./dictionary.js";
import { CodecErrorCode } from "./errors.js";
import { lzrContext, lzrEncode } from "./lzr.js";

const brotliWasm = createRequire(import.meta.url)("brotli-wasm") as BrotliWasmModule;
const node = createNodeBackend()!;
const portable = createPortableBackend({ brotli: brotliWasm });
describe("backends decode each other's output", () => {
  const inputs = fc.oneof(
    fc.uint8Array({ maxLength: 4000 }),
    fc.string({ maxLength: 3000 }).map((s) => new TextEncoder().encode(s)),
  );
  for (const algorithm of ["dict", "brotli", "auto"] as const) {
    it(`${algorithm}: node → portable and portable → node`, () => {
      fc.assert(
        fc.property(inputs, (bytes) => {
          expect(decompress(compress(bytes, { algorithm, backend: node }), { backend: portable })).toEqual(
            bytes,
          );
          expect(decompress(compress(bytes, { algorithm, backend: portable }), { backend: node })).toEqual(
            bytes,
          );
        }),
        { numRuns: algorithm === "brotli" ? 60 : 300 },
      );
    });
  }
  it("raw deflate without a dictionary and reference m2m frames", () => {
    const json = JSON.stringify({ model: "m", messages: [{ role: "user", content: "z".repeat(500) }] });
    expect(decompress(compress(json, { algorithm: "m2m", backend: portable }), { backend: node })).toEqual(
      new TextEncoder().encode(json),
    );
    const data = new TextEncoder().encode("abc".repeat(300));
    expect(portable.inflateRaw(node.deflateRaw(data, { level: 6 }), 1e6)).toEqual(data);
    expect(node.inflateRaw(portable.deflateRaw(data, { level: 6 }), 1e6)).toEqual(data);
  });
  it("portable backend without brotli-wasm reports CODEC_BACKEND_UNAVAILABLE for brotli only", () => {
    const bare = createPortableBackend();
    expect(codeOf(() => compress("hello hello hello", { algorithm: "brotli", backend: bare }))).toBe(
      CodecErrorCode.BACKEND_UNAVAILABLE,
    );
    expect(
      decompress(compress("hello hello hello hello hello", { algorithm: "dict", backend: bare })),
    ).toEqual(new TextEncoder().encode("hello hello hello hello hello"));
  });
});

describe("frame checksum seam", () => {
  const native = selectCrc32(zlib);
  const fallback = selectCrc32(null);
  it("zlib's CRC-32 and the portable one agree (and frames use the native one here)", () => {
    expect(typeof zlib.crc32).toBe("function");
    for (const f of [native, fallback, frameCrc32]) {
      expect(f(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
      expect(f(new Uint8Array(0))).toBe(0);
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), fc.nat(64), (bytes, at) => {
        const view = bytes.subarray(Math.min(at, bytes.length));
        expect(native(view)).toBe(crc32(view) >>> 0);
        expect(fallback(view)).toBe(crc32(view) >>> 0);
      }),
      { numRuns: 500 },
    );
  });
  it("a runtime without zlib.crc32 gets the portable function", () => {
    let called = false;
    const spy = selectCrc32({
      crc32: (b: Uint8Array) => {
        called = true;
        return zlib.crc32(b);
      },
    });
    expect(spy(Uint8Array.of(1, 2, 3))).toBe(crc32(Uint8Array.of(1, 2, 3)) >>> 0);
    expect(called).toBe(true);
    expect(selectCrc32({})(Uint8Array.of(1, 2, 3))).toBe(crc32(Uint8Array.of(1, 2, 3)) >>> 0);
  });
});

describe("decompression bombs", () => {
  const zeros = new Uint8Array(64 * 1024 * 1024);
  const deflated = node.deflateRaw(zeros, { level: 9, dictionary: getDefaultDictionary().bytes });
  const brotli = node.brotliCompress(zeros, { quality: 5 });
  const lzrZeros = lzrEncode(lzrContext(getDefaultDictionary()), zeros.subarray(0, 4 * 1024 * 1024));
  const frameOf = (
    codec: number,
    payload: Uint8Array,
    originalLength: number,
    params?: Uint8Array,
  ): Uint8Array =>
    encodeV2Frame({
      schema: Schema.UNKNOWN,
      codec,
      codecParams: params ?? new Uint8Array(0),
      originalLength,
      crc32: crc32(new Uint8Array(0)),
      payload,
    });
  for (const [name, backend] of [
    ["node", node],
    ["portable", portable],
  ] as const) {
    it(`${name}: a 64 MiB bomb that declares 1 KiB is refused at the cap`, () => {
      const before = process.memoryUsage().arrayBuffers;
      const dictFrame = frameOf(CodecId.DICTIONARY_DEFLATE, deflated, 1024, getDefaultDictionary().id);
      expect(codeOf(() => decompress(dictFrame, { backend }))).toBe(CodecErrorCode.LIMIT_EXCEEDED);
      expect(codeOf(() => decompress(frameOf(CodecId.BROTLI, brotli, 1024), { backend }))).toBe(
        CodecErrorCode.LIMIT_EXCEEDED,
      );
      // Far below the 64 MiB the bomb expands to (allow for the 64 MiB test input itself being retained).
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(8 * 1024 * 1024);
    });
    it(`${name}: an LZR stream of 4 MiB declared as 1 KiB stops at 1 KiB (CODEC_CORRUPT)`, () => {
      const before = process.memoryUsage().arrayBuffers;
      const frame = frameOf(CodecId.DICTIONARY_LZR, lzrZeros, 1024, getDefaultDictionary().id);
      expect(codeOf(() => decompress(frame, { backend }))).toBe(CodecErrorCode.CORRUPT);
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(2 * 1024 * 1024);
    });
    it(`${name}: honest 64 MiB declarations are refused by maxDecodedBytes (default 16 MiB) before decoding`, () => {
      expect(codeOf(() => decompress(frameOf(CodecId.BROTLI, brotli, zeros.length), { backend }))).toBe(
        "WIRE_LIMIT_EXCEEDED",
      );
    });
    it(`${name}: reference brotli text without a length is capped at maxDecodedBytes`, () => {
      const text = `#M2M[v3.0]|DATA:${Buffer.from(brotli).toString("base64")}`;
      expect(codeOf(() => decompress(text, { backend, limits: { maxDecodedBytes: 1 << 20 } }))).toBe(
        CodecErrorCode.LIMIT_EXCEEDED,
      );
    });
  }
});
