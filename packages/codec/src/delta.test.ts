import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CodecId, decodeV2Frame } from "@m2m/wire";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { codeOf } from "../test/fuzz-helpers.js";
import { DeltaDecoder, DeltaEncoder } from "./delta.js";
import { CodecErrorCode } from "./errors.js";

const here = dirname(fileURLToPath(import.meta.url));
const request = JSON.parse(
  readFileSync(resolve(here, "../test/fixtures/taubench-airline-001.request.json"), "utf8"),
);
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
describe("session delta", () => {
  it("a growing conversation reconstructs exactly and costs > 10x less than the raw JSON", () => {
    const enc = new DeltaEncoder();
    const dec = new DeltaDecoder();
    let raw = 0;
    let sent = 0;
    for (let k = 1; k <= request.messages.length; k++) {
      const body = utf8(JSON.stringify({ ...request, messages: request.messages.slice(0, k) }));
      const frame = enc.encode(body);
      if (k > 1) expect(decodeV2Frame(frame).codec).toBe(CodecId.DELTA);
      expect(dec.decode(frame)).toEqual(body);
      raw += body.length;
      sent += frame.length;
    }
    expect(raw / sent).toBeGreaterThan(10);
  });
  it("a decoder without the base reports CODEC_DELTA_BASE_MISSING; a full frame recovers", () => {
    const enc = new DeltaEncoder();
    const a = JSON.stringify({ ...request, messages: request.messages.slice(0, 2) });
    const b = JSON.stringify({ ...request, messages: request.messages.slice(0, 3) });
    enc.encode(a);
    const delta = enc.encode(b);
    const fresh = new DeltaDecoder();
    expect(codeOf(() => fresh.decode(delta))).toBe(CodecErrorCode.DELTA_BASE_MISSING);
    expect(fresh.decode(enc.encode(b, { full: true }))).toEqual(utf8(b));
  });
  it("history is bounded by count and bytes", () => {
    const enc = new DeltaEncoder({ maxEntries: 3, maxBytes: 10_000 });
    for (let i = 0; i < 10; i++) enc.encode(`payload ${i} ${"x".repeat(1000)}`);
    expect(enc.stats.entries).toBe(3);
    const small = new DeltaEncoder({ maxEntries: 100, maxBytes: 2500 });
    for (let i = 0; i < 10; i++) small.encode(`payload ${i} ${"y".repeat(1000)}`);
    expect(small.stats.bytes).toBeLessThanOrEqual(2500);
    small.encode("z".repeat(5000)); // larger than maxBytes: never stored
    expect(small.stats.bytes).toBeLessThanOrEqual(2500);
  });
  it("evicted bases are reported missing on a decoder with a smaller history", () => {
    const enc = new DeltaEncoder({ maxEntries: 8 });
    const dec = new DeltaDecoder({ maxEntries: 1 });
    const base = `{"history":"${"h".repeat(500)}"}`;
    dec.decode(enc.encode(base));
    dec.decode(enc.encode("unrelated payload that evicts the base from a one-entry history"));
    expect(codeOf(() => dec.decode(enc.encode(`${base} `)))).toBe(CodecErrorCode.DELTA_BASE_MISSING);
  });
  it("property: any sequence of edits round-trips exactly", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(400), fc.nat(50), fc.string({ maxLength: 80 })), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.string({ minLength: 100, maxLength: 600 }),
        (edits, start) => {
          const enc = new DeltaEncoder({ maxEntries: 3 });
          const dec = new DeltaDecoder({ maxEntries: 3 });
          let text = start;
          for (const [at, del, ins] of edits) {
            const i = Math.min(at, text.length);
            text = text.slice(0, i) + ins + text.slice(i + del);
            expect(new TextDecoder().decode(dec.decode(enc.encode(text)))).toBe(text);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
