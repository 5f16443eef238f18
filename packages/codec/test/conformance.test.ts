import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import {
  compress,
  createDictionary,
  decompress,
  decompressToString,
  encodeM2MV1,
  encodeM2MV1Text,
  encodeTokenNativeBinary,
  encodeTokenNativeText,
  fnv1a64,
  getDefaultDictionary,
  loadTokenizer,
  type TokenizerName,
  toHex,
} from "../src/index.js";
import { codeOf } from "./fuzz-helpers.js";

const vectorsDir = resolve(dirname(fileURLToPath(import.meta.url)), "../../../spec/vectors");
const files = readdirSync(vectorsDir).filter((f) => f.endsWith(".json"));
const hexToBytes = (h: string): Uint8Array =>
  Uint8Array.from(h.match(/../g) ?? [], (x) => Number.parseInt(x, 16));
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

// biome-ignore lint/suspicious/noExplicitAny: vectors are JSON.
type Vector = Record<string, any>;

const runners: Record<string, (v: Vector) => void> = {
  "tk-text": (v) => {
    expect(encodeTokenNativeText(v.text, v.tokenizer as TokenizerName)).toBe(v.wire);
    expect(decompressToString(v.wire)).toBe(v.text);
    if (v.binaryHex)
      expect(hex(encodeTokenNativeBinary(v.text, v.tokenizer as TokenizerName))).toBe(v.binaryHex);
  },
  "m2m-v1-text": (v) => {
    expect(encodeM2MV1Text(v.json)).toBe(v.text);
    expect(decompressToString(v.text)).toBe(v.json);
  },
  "m2m-v1-header": (v) => {
    const frame = encodeM2MV1(v.json);
    const header = hexToBytes(v.headerHex);
    expect(hex(frame.subarray(0, header.length))).toBe(v.headerHex);
    expect(hex(frame.subarray(header.length + 4, header.length + 8))).toBe(v.crcHex);
    expect(decompressToString(frame)).toBe(v.json);
  },
  decode: (v) => expect(decompressToString(v.input)).toBe(v.output),
  "decode-error": (v) => expect(codeOf(() => decompress(v.input))).toBe(v.code),
  fnv1a64: (v) => expect(toHex(fnv1a64(utf8(v.input)))).toBe(v.hex),
  "v2-decode": (v) => {
    const dictionaries = v.dictionaryHex ? [createDictionary(hexToBytes(v.dictionaryHex))] : [];
    expect(decompressToString(hexToBytes(v.hex), { dictionaries })).toBe(v.output);
    // Our encoders are deterministic; pin TokenNative and LZR output too (except forms only readers
    // must accept, marked readerOnly).
    if (v.name.includes("TokenNative")) expect(hex(compress(v.output, { algorithm: "tk" }))).toBe(v.hex);
    if (v.name.includes("LZR") && !v.readerOnly) {
      const dictionary = dictionaries[0] ?? getDefaultDictionary();
      expect(hex(compress(v.output, { algorithm: "dict", dictionary }))).toBe(v.hex);
    }
  },
  "v2-decode-error": (v) => {
    const dictionaries = v.dictionaryHex ? [createDictionary(hexToBytes(v.dictionaryHex))] : [];
    const code = codeOf(() => decompress(hexToBytes(v.hex), { dictionaries }));
    if (v.codeOneOf) expect(v.codeOneOf).toContain(code);
    else expect(code).toBe(v.code);
  },
};

beforeAll(async () => {
  await Promise.all([loadTokenizer("cl100k"), loadTokenizer("o200k"), loadTokenizer("llama3")]);
}, 60_000);

describe("spec/vectors codec/*", () => {
  const ours = files
    .map((f) => ({ f, data: JSON.parse(readFileSync(join(vectorsDir, f), "utf8")) as Vector }))
    .filter(({ data }) => typeof data.suite === "string" && data.suite.startsWith("codec/"));
  it("finds at least one codec vector file", () => expect(ours.length).toBeGreaterThan(0));
  for (const { f, data } of ours) {
    describe(f, () => {
      it("has provenance and vectors", () => {
        expect(typeof data.provenance).toBe("string");
        expect(Array.isArray(data.vectors) && data.vectors.length > 0).toBe(true);
      });
      for (const v of data.vectors as Vector[]) {
        it(`${v.kind}: ${v.name}`, () => {
          const run = runners[v.kind];
          if (!run) throw new Error(`unknown vector kind ${v.kind} in ${f}`);
          run(v);
        });
      }
    });
  }
});
