import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { compressToText, decompress, loadTokenizer } from "../src/index.js";
import { fuzz } from "./fuzz-helpers.js";

const dir = resolve(dirname(fileURLToPath(import.meta.url)), "fixtures");
const texts = [
  '{"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}]}',
  '{"model":"gpt-4o","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"What is 2+2?"}],"temperature":0.7,"max_tokens":1000}',
  ...readdirSync(dir)
    .filter((f) => f.endsWith(".json") && f.includes("taubench") && !f.includes("request"))
    .map((f) => readFileSync(join(dir, f), "utf8")),
];
const N = 100_000;
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const small = { limits: { maxDecodedBytes: 1 << 20 } };

beforeAll(async () => {
  await Promise.all([loadTokenizer("cl100k"), loadTokenizer("o200k"), loadTokenizer("llama3")]);
}, 60_000);

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
