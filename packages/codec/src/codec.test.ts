import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CodecId, decodeV2Frame, encodeV2Frame, peekV2Header, Schema } from "@m2m/wire";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { codeOf } from "../test/fuzz-helpers.js";
import {
  type Algorithm,
  compress,
  compressToText,
  decompress,
  decompressJson,
  decompressToString,
} from "./codec.js";
import { createDictionary, getDefaultDictionary, WELL_KNOWN_DICTIONARIES } from "./dictionary.js";
import { CodecErrorCode } from "./errors.js";
import { loadTokenizer } from "./tokenizers.js";

const fixturesDir = resolve(dirname(fileURLToPath(import.meta.url)), "../test/fixtures");
const fixtures = readdirSync(fixturesDir)
  .filter((f) => !f.endsWith(".md"))
  .map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(join(fixturesDir, f))) }));
const ALGORITHMS: Algorithm[] = ["auto", "m2m", "brotli", "tk", "dict", "none"];
const isJson = (b: Uint8Array): boolean => {
  try {
    JSON.parse(new TextDecoder().decode(b));
    return true;
  } catch {
    return false;
  }
};
beforeAll(async () => {
  await Promise.all([loadTokenizer("cl100k"), loadTokenizer("o200k"), loadTokenizer("llama3")]);
}, 60_000);

describe("round trip of every fixture through every algorithm", () => {
  for (const { name, bytes } of fixtures) {
    for (const algorithm of ALGORITHMS) {
      if (algorithm === "m2m" && !isJson(bytes)) continue;
      it(`${name} · ${algorithm} · binary and text`, () => {
        expect(decompress(compress(bytes, { algorithm }))).toEqual(bytes);
        expect(decompress(compressToText(bytes, { algorithm }))).toEqual(bytes);
      });
    }
    for (const tokenizer of ["o200k", "llama3"] as const) {
      it(`${name} · tk ${tokenizer}`, () => {
        expect(decompress(compressToText(bytes, { algorithm: "tk", tokenizer }))).toEqual(bytes);
        expect(decompress(compress(bytes, { algorithm: "tk", tokenizer }))).toEqual(bytes);
      });
    }
  }
  it("property: any JSON round-trips through m2m (binary and text) and every other algorithm", () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 4 }), (json) => {
        const bytes = new TextEncoder().encode(json);
        for (const algorithm of ["m2m", "brotli", "dict", "auto", "none", "tk"] as const) {
          expect(decompress(compress(json, { algorithm }))).toEqual(bytes);
          expect(decompressToString(compressToText(json, { algorithm }))).toBe(json);
        }
      }),
      { numRuns: 150 },
    );
  });
  it("m2m refuses non-JSON with CODEC_UNSUPPORTED_INPUT", () => {
    expect(codeOf(() => compress("not json", { algorithm: "m2m" }))).toBe(CodecErrorCode.UNSUPPORTED_INPUT);
  });
});

describe("auto", () => {
  it("never emits more than 16 bytes over the input (binary), and round-trips", () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 3000 }), fc.string({ maxLength: 2000 })), (input) => {
        const bytes = typeof input === "string" ? new TextEncoder().encode(input) : input;
        const frame = compress(input);
        expect(frame.length).toBeLessThanOrEqual(bytes.length + 16);
        expect(decompress(frame)).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
  });
  it("text form is never longer than a text input that is not itself a frame prefix", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), (s) => {
        const t = compressToText(s);
        if (!s.startsWith("#")) expect(t.length).toBeLessThanOrEqual(s.length);
        expect(decompressToString(t)).toBe(s);
      }),
      { numRuns: 300 },
    );
  });
  it("effort best (optimal parse) decodes the same way and is not larger in total; fast is the default; an unknown effort is refused", () => {
    let best = 0;
    let fast = 0;
    for (const f of fixtures) {
      const b = compress(f.bytes, { algorithm: "dict", effort: "best" });
      const d = compress(f.bytes, { algorithm: "dict" });
      expect(compress(f.bytes, { algorithm: "dict", effort: "fast" })).toEqual(d);
      expect(decompress(b)).toEqual(f.bytes);
      expect(d.length).toBeLessThanOrEqual(Math.ceil(b.length * 1.25) + 8);
      best += b.length;
      fast += d.length;
    }
    expect(best).toBeLessThan(fast);
    expect(codeOf(() => compress("x".repeat(100), { effort: "max" as "fast" }))).toBe(
      CodecErrorCode.INVALID_ARGUMENT,
    );
  });
  it("uses the shipped dictionary on chat JSON and names it in the header", () => {
    const json = fixtures.find((f) => f.name.startsWith("vercel-groq-groq-tool-call"))!.bytes;
    const frame = decodeV2Frame(compress(json));
    expect(frame.codec).toBe(CodecId.DICTIONARY_LZR);
    // The shipped dictionary is well-known entry 1: one byte instead of its 8-byte id.
    expect(frame.codecParams).toEqual(Uint8Array.of(1));
    expect(WELL_KNOWN_DICTIONARIES[1]).toBe(getDefaultDictionary().idHex);
    expect(frame.schema).toBe(Schema.RESPONSE);
    expect(frame.crc32).not.toBeNull();
  });
});

describe("algorithm none and passthrough", () => {
  it("returns plain input unchanged and wraps input that looks like a frame", () => {
    expect(compressToText("hello", { algorithm: "none" })).toBe("hello");
    expect(decompressToString(compressToText("#M2M|1|abc", { algorithm: "none" }))).toBe("#M2M|1|abc");
    const magic = Uint8Array.of(0xc1, 0x4d, 2, 9);
    expect(decompress(compress(magic, { algorithm: "none" }))).toEqual(magic);
  });
});

describe("dictionaries", () => {
  it("a frame naming an unknown dictionary fails with CODEC_UNKNOWN_DICTIONARY; giving it succeeds", () => {
    const dict = createDictionary(
      new TextEncoder().encode('{"role":"user","content":"custom dictionary text"}'),
    );
    const frame = compress('{"role":"user","content":"custom dictionary text!"}', {
      algorithm: "dict",
      dictionary: dict,
    });
    expect(codeOf(() => decompress(frame))).toBe(CodecErrorCode.UNKNOWN_DICTIONARY);
    expect(decompressToString(frame, { dictionaries: [dict] })).toBe(
      '{"role":"user","content":"custom dictionary text!"}',
    );
  });
});

describe("dictionary references", () => {
  const json = '{"model":"gpt-4o","messages":[{"role":"user","content":"Summarise the thread for me."}]}';
  /** The same frame with its codec parameters replaced. */
  const withParams = (frame: Uint8Array, params: Uint8Array): Uint8Array => {
    const f = decodeV2Frame(frame);
    return encodeV2Frame({ ...f, codecParams: params });
  };
  for (const algorithm of ["dict", "dict-deflate"] as const) {
    it(`${algorithm}: the 8-byte id form of the default still decodes; bad references are refused`, () => {
      const frame = compress(json, { algorithm });
      expect(decodeV2Frame(frame).codecParams).toEqual(Uint8Array.of(1));
      expect(decompressToString(withParams(frame, getDefaultDictionary().id))).toBe(json);
      expect(codeOf(() => decompress(withParams(frame, Uint8Array.of(0))))).toBe(
        CodecErrorCode.UNKNOWN_DICTIONARY,
      );
      expect(codeOf(() => decompress(withParams(frame, Uint8Array.of(WELL_KNOWN_DICTIONARIES.length))))).toBe(
        CodecErrorCode.UNKNOWN_DICTIONARY,
      );
      for (const length of [0, 2, 7, 9])
        expect(codeOf(() => decompress(withParams(frame, new Uint8Array(length).fill(1))))).toBe(
          CodecErrorCode.CORRUPT,
        );
    });
  }
  it("a user dictionary is named by its 8-byte id", () => {
    const dict = createDictionary(new TextEncoder().encode(json));
    const frame = compress(json, { algorithm: "dict", dictionary: dict });
    expect(decodeV2Frame(frame).codecParams).toEqual(dict.id);
  });
});

describe("limits", () => {
  it("refuses a frame whose declared length exceeds maxDecodedBytes before decompressing", () => {
    const frame = compress("x".repeat(5000), { algorithm: "brotli" });
    expect(codeOf(() => decompress(frame, { limits: { maxDecodedBytes: 1000 } }))).toBe(
      "WIRE_LIMIT_EXCEEDED",
    );
  });
  it("refuses reference brotli output over maxDecodedBytes", () => {
    const text = compressToText("y".repeat(50_000), { algorithm: "brotli" });
    expect(codeOf(() => decompress(text, { limits: { maxDecodedBytes: 10_000 } }))).toBe(
      CodecErrorCode.LIMIT_EXCEEDED,
    );
  });
  it("decompressJson enforces depth and array length", () => {
    const deep = compress("[".repeat(100) + "]".repeat(100));
    expect(codeOf(() => decompressJson(deep, { limits: { maxJsonDepth: 32 } }))).toMatch(/LIMIT|JSON/);
    const wide = compress(`[${"1,".repeat(2000)}1]`);
    expect(codeOf(() => decompressJson(wide, { limits: { maxArrayLength: 100 } }))).toMatch(/LIMIT|JSON/);
    expect(decompressJson(compress('{"a":[1,2]}'))).toEqual({ a: [1, 2] });
  });
  it("flags corruption: flipped payload bytes give CORRUPT or CHECKSUM_MISMATCH", () => {
    for (const algorithm of ["dict", "dict-deflate"] as const) {
      const frame = compress(fixtures[0]!.bytes, { algorithm });
      const h = peekV2Header(frame);
      expect(h.codec).toBe(algorithm === "dict" ? CodecId.DICTIONARY_LZR : CodecId.DICTIONARY_DEFLATE);
      for (const at of [6, 10, 20]) {
        const bad = frame.slice();
        bad[bad.length - at]! ^= 0x10;
        expect([CodecErrorCode.CORRUPT, CodecErrorCode.CHECKSUM_MISMATCH]).toContain(
          codeOf(() => decompress(bad)),
        );
      }
    }
  });
  it("routing option adds a readable routing header", () => {
    const json =
      '{"model":"gpt-4o","messages":[{"role":"user","content":"Hi there, how are you doing today?"}]}';
    const h = peekV2Header(compress(json, { routing: true }));
    expect(h.routing?.kind).toBe("request");
    expect(h.routing && "model" in h.routing ? h.routing.model : "").toBe("gpt-4o");
  });
});
