import { describe, expect, it } from "vitest";
import * as codec from "../src/index.js";

describe("@m2m/codec public surface", () => {
  it("exports the cross-package contract names", () => {
    for (const name of [
      "compress",
      "compressToText",
      "decompress",
      "decompressToString",
      "DeltaEncoder",
      "DeltaDecoder",
      "SseEncoder",
      "SseDecoder",
      "CodecErrorCode",
    ]) {
      expect(codec, name).toHaveProperty(name);
    }
    expect(codec.CodecErrorCode.DELTA_BASE_MISSING).toBe("CODEC_DELTA_BASE_MISSING");
  });
  it("pins the full list of runtime exports", () => {
    expect(Object.keys(codec).sort()).toMatchInlineSnapshot(`
      [
        "Algorithm",
        "CodecErrorCode",
        "DEFAULT_DICTIONARY_BYTES",
        "DEFLATE_WINDOW_BYTES",
        "DICTIONARY_DEFLATE_LEVEL",
        "DeltaDecoder",
        "DeltaEncoder",
        "DeltaInner",
        "DeltaKind",
        "MAX_DICTIONARY_BYTES",
        "MAX_INFLATION_BYTES",
        "REFERENCE_BROTLI",
        "SseDecoder",
        "SseEncoder",
        "TOKENIZERS",
        "V1_COMPRESSION_THRESHOLD",
        "compress",
        "compressAsync",
        "compressToText",
        "compressToTextAsync",
        "createDictionary",
        "createNodeBackend",
        "createPortableBackend",
        "decodeBrotliReference",
        "decodeDictionaryFile",
        "decodeM2MV1",
        "decodeTokenNativeBinary",
        "decodeTokenNativeText",
        "decompress",
        "decompressAsync",
        "decompressJson",
        "decompressToString",
        "encodeBrotliReference",
        "encodeDictionaryFile",
        "encodeM2MV1",
        "encodeM2MV1Text",
        "encodeTokenNativeBinary",
        "encodeTokenNativeText",
        "fnv1a64",
        "getDefaultBackend",
        "getDefaultDictionary",
        "guessSchema",
        "loadTokenizer",
        "setDefaultBackend",
        "toHex",
        "trainDictionary",
      ]
    `);
  });
});
