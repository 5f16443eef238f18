import { beforeAll, describe, expect, it } from "vitest";
import { compress, decompress } from "../src/index.js";
import {
  fuzz,
  fuzzSeedTexts,
  loadAllTokenizers,
  FUZZ_ITERATIONS as N,
  SMALL_LIMITS as small,
} from "./fuzz-helpers.js";

const texts = fuzzSeedTexts();

beforeAll(loadAllTokenizers, 60_000);

describe(`fuzz: ${N} mutated inputs per decoder give a value or an M2MError`, () => {
  it("decompress(binary): v2 frames of every codec and binary v1 frames", () => {
    const seeds: Uint8Array[] = [];
    for (const t of texts) {
      for (const algorithm of ["auto", "dict", "dict-deflate", "brotli", "tk", "none", "m2m"] as const)
        seeds.push(compress(t, { algorithm }));
      seeds.push(compress(t, { algorithm: "tk", tokenizer: "llama3" }), compress(t, { routing: true }));
    }
    const ok = fuzz(N, seeds, (b) => decompress(b, small), 11);
    expect(ok).toBeGreaterThan(0);
  }, 60_000);
});
