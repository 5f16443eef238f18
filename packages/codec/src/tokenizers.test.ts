import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { compress, compressToText, decompressToString } from "./codec.js";
import { CodecErrorCode } from "./errors.js";
import { loadTokenizer, type TokenizerName } from "./tokenizers.js";

const SPECIALS = [
  "<|endoftext|>",
  "<|im_start|>",
  "<|endofprompt|>",
  "<|begin_of_text|>",
  "<|eot_id|>",
  "<|fim_prefix|>",
];

beforeAll(async () => {
  await Promise.all([loadTokenizer("cl100k"), loadTokenizer("o200k"), loadTokenizer("llama3")]);
}, 60_000);

describe("TokenNative", () => {
  for (const name of ["cl100k", "o200k", "llama3"] as TokenizerName[]) {
    it(`${name}: text with special-token text round-trips as plain text`, () => {
      const pieces = fc.oneof(
        fc.string({ maxLength: 30 }),
        fc.constantFrom(...SPECIALS),
        fc.string({ unit: "grapheme", maxLength: 10 }),
      );
      fc.assert(
        fc.property(fc.array(pieces, { maxLength: 8 }), (parts) => {
          const text = parts.join("");
          expect(decompressToString(compressToText(text, { algorithm: "tk", tokenizer: name }))).toBe(text);
          expect(decompressToString(compress(text, { algorithm: "tk", tokenizer: name }))).toBe(text);
        }),
        { numRuns: 150 },
      );
    });
  }
  it("L really is Llama 3: Llama 3 ids, and <|begin_of_text|> is Llama's special id 128000", () => {
    expect(compressToText("Hello world", { algorithm: "tk", tokenizer: "llama3" })).toBe("#TK|L|sk39Dg==");
    const llama = compress("<|begin_of_text|>", { algorithm: "tk", tokenizer: "llama3" });
    // v2 frame ends with varint(128000) = 80 e8 07, then the CRC-32
    expect(Buffer.from(llama.subarray(llama.length - 7, llama.length - 4)).toString("hex")).toBe("80e807");
  });
  it("a tokenizer that is not loaded is a distinct error code", async () => {
    const mod = await import("./tokenizers.js");
    try {
      mod.requireTokenizer("gpt2" as TokenizerName);
      expect.unreachable();
    } catch (e) {
      expect((e as { code?: string }).code).toBe(CodecErrorCode.TOKENIZER_NOT_LOADED);
    }
  });
});
