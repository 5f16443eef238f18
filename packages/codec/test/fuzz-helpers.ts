import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { M2MError } from "@m2m/wire";
import { loadTokenizer } from "../src/index.js";

/** Deterministic xorshift32 so a failing case can be replayed from its index. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

/** A random mutation of `seed`: flipped/replaced bytes, truncation, insertion, or fresh random bytes. */
export function mutate(seed: Uint8Array, r: () => number): Uint8Array {
  const pick = r();
  const int = (n: number): number => Math.floor(r() * n);
  if (pick < 0.1) return Uint8Array.from({ length: int(64) }, () => int(256));
  const out = seed.slice();
  if (pick < 0.25) return out.subarray(0, int(out.length + 1));
  if (pick < 0.35) {
    const at = int(out.length + 1);
    const extra = Uint8Array.from({ length: 1 + int(8) }, () => int(256));
    const grown = new Uint8Array(out.length + extra.length);
    grown.set(out.subarray(0, at));
    grown.set(extra, at);
    grown.set(out.subarray(at), at + extra.length);
    return grown;
  }
  const flips = 1 + int(3);
  for (let i = 0; i < flips && out.length > 0; i++) {
    const at = int(out.length);
    out[at] = r() < 0.5 ? out[at]! ^ (1 << int(8)) : int(256);
  }
  return out;
}

/** Run `decode` on `count` mutated inputs; anything thrown must be an M2MError. Returns how many decoded. */
export function fuzz(
  count: number,
  seeds: Uint8Array[],
  decode: (input: Uint8Array) => unknown,
  seed = 1,
): number {
  const r = rng(seed);
  let ok = 0;
  for (let i = 0; i < count; i++) {
    const input = mutate(seeds[i % seeds.length]!, r);
    try {
      decode(input);
      ok++;
    } catch (e) {
      if (!M2MError.isInstance(e)) {
        throw new Error(`fuzz case ${i} (seed ${seed}) threw a non-M2MError: ${String(e)}`, { cause: e });
      }
    }
  }
  return ok;
}

/** The `code` of the M2MError `fn` throws, or "no error" when it returns; any other throwable escapes. */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (M2MError.isInstance(e)) return e.code;
    throw e;
  }
  return "no error";
}

/** Inputs per decoder in every fuzz suite. */
export const FUZZ_ITERATIONS = 100_000;

/** UTF-8 bytes of a string. */
export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Decode options with a 1 MiB output cap, so a mutated length field cannot ask for much. */
export const SMALL_LIMITS = { limits: { maxDecodedBytes: 1 << 20 } } as const;

/** Seed texts for frame fuzzing: two small requests plus the tau-bench fixtures (not requests). */
export function fuzzSeedTexts(): string[] {
  const dir = resolve(dirname(fileURLToPath(import.meta.url)), "fixtures");
  return [
    '{"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}]}',
    '{"model":"gpt-4o","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"What is 2+2?"}],"temperature":0.7,"max_tokens":1000}',
    ...readdirSync(dir)
      .filter((f) => f.endsWith(".json") && f.includes("taubench") && !f.includes("request"))
      .map((f) => readFileSync(join(dir, f), "utf8")),
  ];
}

/** A growing six-turn conversation, one request JSON per turn. */
export const growingConversation: readonly string[] = Array.from({ length: 6 }, (_, k) =>
  JSON.stringify({
    model: "gpt-4o",
    messages: Array.from({ length: k + 1 }, (_, i) => ({
      role: i % 2 ? "assistant" : "user",
      content: `turn ${i}: ${"words ".repeat(i * 5)}`,
    })),
  }),
);

/** Load every tokenizer up front so the fuzz loops never wait on a dynamic import. */
export function loadAllTokenizers(): Promise<unknown> {
  return Promise.all([loadTokenizer("cl100k"), loadTokenizer("o200k"), loadTokenizer("llama3")]);
}
