import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { decodeBase64, M2MError } from "@m2m/wire";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileAll, dataModule, MODULES } from "../scripts/build-wasm.mjs";
import { mutate, rng } from "../test/fuzz-helpers.js";
import { createDictionary, getDefaultDictionary } from "./dictionary.js";
import {
  FAST_EFFORT,
  lzrContext,
  lzrDecode,
  lzrDecodeJs,
  lzrEncode,
  lzrEncodeJs,
  SHARED_WINDOW_LIMIT,
  WASM_KEPT_MESSAGE_BYTES,
} from "./lzr.js";
import { lzrWasmAvailable } from "./lzr-wasm.js";
import { LZR_DECODER_WASM_BASE64, LZR_ENCODER_WASM_BASE64 } from "./lzr-wasm-data.js";

const chatDir = resolve(import.meta.dirname, "../../../../shared/corpus/chat");
const corpus: Uint8Array[] = ["requests", "responses", "streams"].flatMap((folder) =>
  readdirSync(join(chatDir, folder))
    .sort()
    .map((name) => new Uint8Array(readFileSync(join(chatDir, folder, name)))),
);

/** A decoder's answer: the bytes, or the M2MError code and message. */
function outcome(decode: () => Uint8Array): string {
  try {
    return Buffer.from(decode()).toString("hex");
  } catch (e) {
    if (M2MError.isInstance(e)) return `${e.code}: ${e.message}`;
    throw e;
  }
}

const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

describe("WebAssembly modules", () => {
  it("the shipped modules are what assembly/ compiles to (else run scripts/build-wasm.mjs)", async () => {
    const fresh = await compileAll();
    expect(MODULES.map(([file]) => file)).toEqual(["lzr-decode.ts", "lzr-encode.ts"]);
    expect(same(decodeBase64(LZR_DECODER_WASM_BASE64), fresh[0]!)).toBe(true);
    expect(same(decodeBase64(LZR_ENCODER_WASM_BASE64), fresh[1]!)).toBe(true);
    expect(readFileSync(resolve(import.meta.dirname, "lzr-wasm-data.ts"), "utf8")).toBe(dataModule(fresh));
  }, 60_000);
});

describe("WebAssembly LZR encoder (lazy parse)", () => {
  const ctx = lzrContext(getDefaultDictionary());

  it("is used in this runtime: kept for messages up to 64 KiB, temporary up to 1 MiB, none above", () => {
    expect(ctx.wasmEncoder(100)).not.toBeNull();
    expect(ctx.wasmEncoder(100)).toBe(ctx.wasmEncoder(WASM_KEPT_MESSAGE_BYTES));
    const temporary = ctx.wasmEncoder(WASM_KEPT_MESSAGE_BYTES + 1);
    expect(temporary).not.toBeNull();
    expect(temporary).not.toBe(ctx.wasmEncoder(100));
    expect(ctx.wasmEncoder(SHARED_WINDOW_LIMIT + 1)).toBeNull();
    const input = corpus.find((b) => b.length > 2000)!;
    expect(
      same(temporary!.encode(input, FAST_EFFORT.depth, FAST_EFFORT.nice)!, lzrEncodeJs(ctx, input)),
    ).toBe(true);
  });

  it(`codes every corpus file (${corpus.length}) to the JavaScript encoder's bytes exactly`, () => {
    for (const input of corpus) {
      const wasm = ctx.wasmEncoder(input.length)!.encode(input, FAST_EFFORT.depth, FAST_EFFORT.nice);
      expect(wasm).not.toBeNull();
      expect(same(wasm!, lzrEncodeJs(ctx, input))).toBe(true);
    }
  }, 60_000);

  it("matches the JavaScript encoder on random bytes, text and repeats, message after message", () => {
    const inputs = fc.oneof(
      fc.uint8Array({ maxLength: 3000 }),
      fc.string({ maxLength: 2000 }).map((s) => new TextEncoder().encode(s)),
      fc
        .tuple(fc.string({ minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 300 }))
        .map(([s, n]) => new TextEncoder().encode(s.repeat(n))),
    );
    fc.assert(
      fc.property(inputs, (input) => {
        const wasm = lzrEncode(ctx, input);
        expect(same(wasm, lzrEncodeJs(ctx, input))).toBe(true);
        expect(same(lzrDecode(ctx, wasm, input.length), input)).toBe(true);
      }),
      { numRuns: 600 },
    );
  }, 120_000);

  it("a user dictionary gets its own encoder with the same bytes as JavaScript", () => {
    const user = lzrContext(
      createDictionary(new TextEncoder().encode('{"tool":"lookup","args":{}} '.repeat(50))),
    );
    expect(user.wasmEncoder(10)).not.toBe(ctx.wasmEncoder(10));
    const input = new TextEncoder().encode('{"tool":"lookup","args":{"id":42}} and {"tool":"lookup"}');
    expect(same(lzrEncode(user, input), lzrEncodeJs(user, input))).toBe(true);
  });

  it("a 200 KB message (temporary instance) codes to the JavaScript bytes; past 1 MiB and for a search deeper than its pair buffer JavaScript runs", () => {
    const text = new TextEncoder().encode(
      Array.from({ length: 9000 }, (_, i) => `{"turn":${i},"note":"${(i * 40503) % 9973}"}`).join(","),
    );
    expect(text.length).toBeGreaterThan(WASM_KEPT_MESSAGE_BYTES);
    expect(same(lzrEncode(ctx, text), lzrEncodeJs(ctx, text))).toBe(true);
    const big = new Uint8Array(SHARED_WINDOW_LIMIT + 10).map((_, i) => (i * 7919) % 251);
    expect(same(lzrDecode(ctx, lzrEncode(ctx, big), big.length), big)).toBe(true);
    const deep = { depth: 400, nice: 64, parser: "lazy" } as const;
    expect(ctx.wasmEncoder(corpus[0]!.length)!.encode(corpus[0]!, deep.depth, deep.nice)).toBeNull();
    expect(same(lzrEncode(ctx, corpus[0]!, deep), lzrEncodeJs(ctx, corpus[0]!, deep))).toBe(true);
  }, 60_000);
});

describe("WebAssembly LZR decoder", () => {
  const ctx = lzrContext(getDefaultDictionary());

  it("is used in this runtime", () => {
    expect(lzrWasmAvailable()).toBe(true);
    expect(ctx.wasmDecoder(100)).not.toBeNull();
    expect(ctx.wasmDecoder(100)).toBe(ctx.wasmDecoder(5000));
  });

  it(`decodes every corpus file (${corpus.length}) exactly as the JavaScript decoder does`, () => {
    for (const input of corpus) {
      const packed = lzrEncode(ctx, input);
      const wasm = lzrDecode(ctx, packed, input.length);
      expect(Buffer.from(wasm).equals(Buffer.from(input))).toBe(true);
      expect(Buffer.from(lzrDecodeJs(ctx, packed, input.length)).equals(Buffer.from(input))).toBe(true);
    }
  }, 60_000);

  it("agrees with the JavaScript decoder on 20,000 mutated and random payloads: same bytes or same error", () => {
    const r = rng(0x5eed);
    const seeds = corpus.filter((b) => b.length <= 4096).slice(0, 60);
    const packed = seeds.map((b) => lzrEncode(ctx, b));
    let errors = 0;
    for (let n = 0; n < 20_000; n++) {
      const k = n % seeds.length;
      const payload = mutate(packed[k]!, r);
      // Declared lengths around the true one, as a corrupt frame header could give.
      const length = Math.max(0, seeds[k]!.length + Math.floor(r() * 9) - 4);
      const wasm = outcome(() => lzrDecode(ctx, payload, length));
      const js = outcome(() => lzrDecodeJs(ctx, payload, length));
      if (wasm !== js) expect({ n, wasm, js }).toEqual({ n, wasm: js, js });
      if (wasm.startsWith("CODEC_")) errors++;
    }
    // Both outcomes occur: the comparison covered errors and decoded bytes alike.
    expect(errors).toBeGreaterThan(1000);
    expect(errors).toBeLessThan(20_000);
  }, 120_000);

  it("grows its memory for a large message and decodes one past the shared limit in a temporary instance", () => {
    const text = new TextEncoder().encode(
      Array.from({ length: 50_000 }, (_, i) => `{"i":${i},"v":"${(i * 2654435761) % 100003}"}`).join("\n"),
    );
    expect(text.length).toBeGreaterThan(SHARED_WINDOW_LIMIT);
    const own = ctx.wasmDecoder(SHARED_WINDOW_LIMIT);
    expect(ctx.wasmDecoder(text.length)).not.toBe(own);
    const packed = lzrEncode(ctx, text);
    expect(Buffer.from(lzrDecode(ctx, packed, text.length)).equals(Buffer.from(text))).toBe(true);
    const half = text.subarray(0, 600_000);
    expect(Buffer.from(lzrDecode(ctx, lzrEncode(ctx, half), half.length)).equals(Buffer.from(half))).toBe(
      true,
    );
    // After the large messages, small ones still decode in the grown memory.
    const small = corpus[0]!;
    expect(lzrDecode(ctx, lzrEncode(ctx, small), small.length)).toEqual(small);
  }, 60_000);

  it("each dictionary has its own decoder", () => {
    const other = lzrContext(
      createDictionary(new TextEncoder().encode("tool_call_id arguments ".repeat(40))),
    );
    const input = new TextEncoder().encode('{"tool_call_id":"c1","arguments":"{}"}');
    const a = lzrEncode(ctx, input);
    const b = lzrEncode(other, input);
    expect(lzrDecode(other, b, input.length)).toEqual(input);
    expect(lzrDecode(ctx, a, input.length)).toEqual(input);
    expect(other.wasmDecoder(10)).not.toBe(ctx.wasmDecoder(10));
  });
});
