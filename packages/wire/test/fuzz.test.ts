// Every decoder, fed random and mutated input, must return a value or throw M2MError: never a
// TypeError/RangeError, never hang, never allocate without bound. Seeded, so failures reproduce.
import { describe, expect, it } from "vitest";
import {
  CodecId,
  crc32,
  decodeBase64,
  decodeV1Frame,
  decodeV1Routing,
  decodeV2Frame,
  decodeV2Routing,
  decodeVarint32,
  decodeVarint64,
  detectFormat,
  encodeBase64,
  encodeV1Frame,
  encodeV1Header,
  encodeV1SealedFrame,
  encodeV2Frame,
  encodeV2Routing,
  M2MError,
  parseJsonLimited,
  peekHeader,
  routingHeaderFrom,
  V1Security,
  V2Security,
  v1BinaryToText,
  v1TextToBinary,
  v2TextToBinary,
} from "../src/index.js";

const ITERATIONS = 100_000;

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const te = new TextEncoder();
const REQUESTS = [
  '{"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}]}',
  '{"model":"gpt-4o","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"What is 2+2?"},{"role":"critic"}],"temperature":0.7,"max_tokens":1000,"tools":[]}',
  '{"id":"chatcmpl-1","model":"m","choices":[{"message":{"content":"x","tool_calls":[]},"finish_reason":"length"}],"usage":{"prompt_tokens":5,"completion_tokens":2,"prompt_tokens_details":{"cached_tokens":1}}}',
];

function seeds(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const json of REQUESTS) {
    const payload = te.encode(json);
    const routing = routingHeaderFrom(json);
    out.push(encodeV1Frame({ routing, compressed: false, payload, crc32: crc32(payload) }));
    out.push(
      encodeV1Frame({
        routing,
        compressed: false,
        payload,
        crc32: crc32(payload),
        security: V1Security.HMAC,
        trailer: new Uint8Array(32),
      }),
    );
    out.push(
      encodeV1SealedFrame(
        encodeV1Header({ routing, compressed: true, security: V1Security.AEAD }),
        new Uint8Array(60),
      ),
    );
    out.push(
      encodeV2Frame({
        schema: 1,
        codec: CodecId.RAW,
        routing,
        originalLength: payload.length,
        crc32: crc32(payload),
        payload,
      }),
    );
    out.push(
      encodeV2Frame({
        schema: 2,
        codec: CodecId.BROTLI,
        codecParams: Uint8Array.of(1, 2, 3),
        routing,
        security: { mode: V2Security.XCHACHA20_POLY1305, params: new Uint8Array(30) },
        originalLength: 5000,
        payload: payload.subarray(0, 20),
        tag: new Uint8Array(16),
      }),
    );
    out.push(encodeV2Routing(routing));
  }
  return out;
}

function mutate(input: Uint8Array, rand: () => number): Uint8Array {
  const bytes = Uint8Array.from(input);
  const kind = Math.floor(rand() * 7);
  const at = Math.floor(rand() * Math.max(1, bytes.length));
  switch (kind) {
    case 0: // flip one bit
      if (bytes.length) bytes[at] = bytes[at]! ^ (1 << Math.floor(rand() * 8));
      return bytes;
    case 1: // truncate
      return bytes.subarray(0, at);
    case 2: // random byte
      if (bytes.length) bytes[at] = Math.floor(rand() * 256);
      return bytes;
    case 3: // extreme byte (0x00 / 0xff / 0x80 / 0x7f)
      if (bytes.length) bytes[at] = [0, 0xff, 0x80, 0x7f][Math.floor(rand() * 4)]!;
      return bytes;
    case 4: // insert garbage
      return Uint8Array.from([
        ...bytes.subarray(0, at),
        ...randomBytes(rand, 1 + Math.floor(rand() * 8)),
        ...bytes.subarray(at),
      ]);
    case 5: // duplicate a slice
      return Uint8Array.from([...bytes, ...bytes.subarray(at, at + 16)]);
    default: // several mutations
      return mutate(mutate(bytes, rand), rand);
  }
}

function randomBytes(rand: () => number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = Math.floor(rand() * 256);
  return out;
}

/** Run one decoder inside a composite check: M2MError is an accepted outcome, anything else escapes. */
function attempt(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!M2MError.isInstance(e)) throw e;
  }
}

function expectOnlyM2MErrors(
  name: string,
  decoder: (input: Uint8Array) => unknown,
  seed: number,
  composite = false,
): void {
  const rand = prng(seed);
  const corpus = seeds();
  let errors = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    const input =
      i % 5 === 0
        ? randomBytes(rand, Math.floor(rand() * 96))
        : mutate(corpus[Math.floor(rand() * corpus.length)]!, rand);
    try {
      decoder(input);
    } catch (e) {
      if (!M2MError.isInstance(e)) {
        throw new Error(
          `${name}: iteration ${i} (seed ${seed}) threw a non-M2MError: ${String(e)} on ${Buffer.from(input).toString("hex")}`,
        );
      }
      errors++;
    }
  }
  // Sanity: a single decoder must actually reach both outcomes (composites swallow M2MError inside).
  if (!composite) {
    expect(errors).toBeGreaterThan(0);
    expect(errors).toBeLessThan(ITERATIONS);
  }
}

const latin1 = (b: Uint8Array) => String.fromCharCode(...b);
const limits = { maxFrameBytes: 1 << 16, maxDecodedBytes: 1 << 16 };

describe(`fuzz: ${ITERATIONS} random and mutated inputs per decoder`, () => {
  it("decodeV1Frame", () => expectOnlyM2MErrors("decodeV1Frame", (b) => decodeV1Frame(b, limits), 1));
  it("decodeV2Frame", () => expectOnlyM2MErrors("decodeV2Frame", (b) => decodeV2Frame(b, limits), 2));
  it("peekHeader (binary and text forms)", () =>
    expectOnlyM2MErrors(
      "peekHeader",
      (b) => {
        attempt(() => peekHeader(b, limits));
        attempt(() =>
          peekHeader(b[0] === 0x23 ? latin1(b) : `#M2M|1|${encodeBase64(b.subarray(7))}`, limits),
        );
      },
      3,
      true,
    ));
  it("v1TextToBinary / v2TextToBinary", () =>
    expectOnlyM2MErrors(
      "textToBinary",
      (b) => {
        attempt(() => decodeV1Frame(v1TextToBinary(`#M2M|1|${latin1(b)}`, limits), limits));
        attempt(() => decodeV1Frame(v1TextToBinary(`#M2M|1|${encodeBase64(b.subarray(7))}`, limits), limits));
        attempt(() => decodeV2Frame(v2TextToBinary(`#M2M|2|${encodeBase64(b)}`, limits), limits));
      },
      4,
      true,
    ));
  it("decodeV1Routing / decodeV2Routing", () =>
    expectOnlyM2MErrors(
      "routing",
      (b) => {
        attempt(() => decodeV2Routing(b));
        attempt(() =>
          decodeV1Routing(b.subarray(1), b[0]! & 1 ? 1 : 2, b.length > 2 ? b[1]! | (b[2]! << 8) : 0, 0),
        );
      },
      5,
      true,
    ));
  it("decodeBase64, varints, detectFormat, parseJsonLimited", () =>
    expectOnlyM2MErrors(
      "primitives",
      (b) => {
        detectFormat(b);
        detectFormat(latin1(b));
        attempt(() => decodeVarint32(b));
        attempt(() => decodeVarint64(b));
        attempt(() => decodeBase64(latin1(b)));
        attempt(() => decodeBase64(encodeBase64(b).slice(1)));
        attempt(() => parseJsonLimited(latin1(b), { maxJsonDepth: 8, maxArrayLength: 8 }));
      },
      6,
      true,
    ));

  it("v1 frames survive a bad header_len without reading out of bounds", () => {
    const frame = v1TextToBinary(v1BinaryToText(seeds()[0]!));
    for (let len = 0; len < 0x10000; len += 97) {
      const bad = Uint8Array.from(frame);
      bad[7] = len & 0xff;
      bad[8] = len >> 8;
      try {
        decodeV1Frame(bad);
      } catch (e) {
        expect(M2MError.isInstance(e)).toBe(true);
      }
    }
  });
});
