import { beforeAll, describe, expect, it } from "vitest";
import { compressToText, decompress } from "../src/index.js";
import {
  fuzz,
  fuzzSeedTexts,
  loadAllTokenizers,
  FUZZ_ITERATIONS as N,
  SMALL_LIMITS as small,
  utf8,
} from "./fuzz-helpers.js";

const texts = fuzzSeedTexts();

beforeAll(loadAllTokenizers, 60_000);

describe(`fuzz: ${N} mutated inputs per decoder give a value or an M2MError`, () => {
  it("decompress(text): #M2M|1|, #M2M|2|, #M2M[v3.0]|DATA:, #TK| forms", () => {
    const seeds: Uint8Array[] = [];
    for (const t of texts) {
      for (const algorithm of ["auto", "dict", "brotli", "tk", "m2m"] as const)
        seeds.push(utf8(compressToText(t, { algorithm })));
      seeds.push(utf8(compressToText(t, { algorithm: "tk", tokenizer: "o200k" })));
    }
    const ok = fuzz(N, seeds, (b) => decompress(new TextDecoder().decode(b), small), 12);
    expect(ok).toBeGreaterThan(0);
  }, 60_000);
});
