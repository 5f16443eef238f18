import { beforeAll, describe, expect, it } from "vitest";
import { SseDecoder, SseEncoder } from "../src/index.js";
import { fuzz, loadAllTokenizers, FUZZ_ITERATIONS as N, utf8 } from "./fuzz-helpers.js";

beforeAll(loadAllTokenizers, 60_000);

describe(`fuzz: ${N} mutated inputs per decoder give a value or an M2MError`, () => {
  it("SseDecoder.push (fresh decoder per input, frames from a real stream)", () => {
    const enc = new SseEncoder();
    const frames = [
      ...enc.push(utf8('data: {"id":"chatcmpl-1","choices":[{"index":0,"delta":{"content":"Hel"}}]}\n\n')),
      ...enc.push(
        utf8(
          'data: {"id":"chatcmpl-1","choices":[{"index":0,"delta":{"content":"lo"}}]}\n\ndata: [DONE]\n\n',
        ),
      ),
    ];
    const whole = Uint8Array.from([...frames[0]!, ...frames[1]!]);
    expect(
      fuzz(
        N,
        [frames[0]!, whole],
        (b) => {
          const dec = new SseDecoder({ limits: { maxDecodedBytes: 1 << 20 } });
          dec.push(b);
          dec.end();
        },
        22,
      ),
    ).toBeGreaterThan(0);
  }, 60_000);
});
