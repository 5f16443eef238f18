import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { M2MError } from "@m2m/wire";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CodecErrorCode } from "./errors.js";
import { SseDecoder, SseEncoder } from "./sse.js";

const here = dirname(fileURLToPath(import.meta.url));
const stream = new Uint8Array(
  readFileSync(resolve(here, "../test/fixtures/vercel-perplexity-perplexity-text.sse")),
);
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

function roundTrip(chunks: Uint8Array[], frameSlices = 0): { out: Uint8Array; frames: Uint8Array[] } {
  const enc = new SseEncoder();
  const dec = new SseDecoder();
  const frames: Uint8Array[] = [];
  for (const c of chunks) frames.push(...enc.push(c));
  frames.push(...enc.end());
  const parts: Uint8Array[] = [];
  if (frameSlices > 0) {
    // Deliver the frames as one byte stream cut at arbitrary points.
    const all = Buffer.concat(frames);
    for (let i = 0; i < all.length; i += frameSlices)
      parts.push(...dec.push(all.subarray(i, i + frameSlices)));
  } else {
    for (const f of frames) parts.push(...dec.push(f));
  }
  dec.end();
  return { out: new Uint8Array(Buffer.concat(parts)), frames };
}

function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  return out;
}

describe("SSE streams", () => {
  it("a recorded stream comes back byte for byte and smaller, with lines split across chunks", () => {
    const { out, frames } = roundTrip(split(stream, [1, 7, 100, 101, 555, 2000, 2001, 4000]));
    expect(out).toEqual(stream);
    expect(frames.reduce((n, f) => n + f.length, 0)).toBeLessThan(stream.length / 3);
  });
  it("keeps event:, id:, retry:, comments, CRLF, blank lines, [DONE] and a last line without newline", () => {
    const text =
      ': keep-alive\r\n\r\nevent: message\nid: 7\nretry: 1000\ndata: {"a":1}\n\ndata:{"no":"space"}\r\n\r\ndata: [DONE]\n\ntrailing';
    for (const size of [1, 2, 3, 5, 13, 1000]) {
      const bytes = utf8(text);
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      expect(new TextDecoder().decode(roundTrip(chunks).out)).toBe(text);
      expect(new TextDecoder().decode(roundTrip(chunks, 7).out)).toBe(text);
    }
  });
  it("property: any bytes in any chunking round-trip, frames delivered whole or sliced", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2000 }),
        fc.array(fc.nat(3000), { maxLength: 10 }),
        fc.nat(40),
        (b, cuts, slice) => {
          expect(roundTrip(split(b, cuts), slice).out).toEqual(b);
        },
      ),
      { numRuns: 300 },
    );
  });
  it("incremental: each complete line is available after the push that completes it", () => {
    const enc = new SseEncoder();
    const dec = new SseDecoder();
    expect(enc.push(utf8('data: {"x"'))).toEqual([]);
    const frames = enc.push(utf8(":1}\n\n"));
    expect(frames.length).toBe(1);
    expect(new TextDecoder().decode(dec.push(frames[0]!)[0]!)).toBe('data: {"x":1}\n\n');
  });
  it("out-of-order or truncated frames are errors", () => {
    const enc = new SseEncoder();
    const [a] = enc.push(utf8("data: 1\n\n"));
    const [b] = enc.push(utf8("data: 2\n\n"));
    const dec = new SseDecoder();
    const code = (fn: () => unknown): string => {
      try {
        fn();
        return "no error";
      } catch (e) {
        return M2MError.isInstance(e) ? e.code : "other";
      }
    };
    expect(code(() => dec.push(b!))).toBe(CodecErrorCode.CORRUPT);
    const dec2 = new SseDecoder();
    dec2.push(a!.subarray(0, 5));
    expect(code(() => dec2.end())).toBe(CodecErrorCode.CORRUPT);
  });
});
