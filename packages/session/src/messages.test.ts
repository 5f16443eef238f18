import { M2MError } from "@m2m/wire";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { capabilitiesArb } from "../test/arbitraries.js";
import { decodeMessage, encodeMessage, peekMessageType, type SessionMessage } from "./messages.js";
import { negotiate } from "./negotiate.js";

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const text = fc.string({ maxLength: 80 });

const messageArb: fc.Arbitrary<SessionMessage> = fc.oneof(
  fc.record({
    type: fc.constant("HELLO" as const),
    capabilities: capabilitiesArb,
    nonce: bytes(16),
    keys: fc.option(fc.record({ ephemeral: bytes(32), static: bytes(32) }), { nil: null }),
  }),
  fc
    .tuple(
      capabilitiesArb,
      capabilitiesArb,
      bytes(16),
      fc.option(fc.record({ ephemeral: bytes(32), static: bytes(32), proof: bytes(32) }), { nil: null }),
    )
    .map(([a, b, sessionId, keys]) => {
      const r = negotiate(a, {
        ...b,
        versions: a.versions,
        algorithms: a.algorithms,
        securityModes: a.securityModes,
      });
      if (!r.ok) throw new Error("unreachable");
      return { type: "ACCEPT" as const, sessionId, capabilities: b, negotiated: r.negotiated, keys };
    }),
  fc.record({
    type: fc.constantFrom("REJECT" as const, "CLOSE" as const),
    code: fc.integer({ min: 0, max: 255 }),
    reason: text,
  }),
  fc.record({ type: fc.constant("CONFIRM" as const), proof: bytes(32) }),
  fc.record({ type: fc.constant("DATA" as const), seq: fc.nat(), body: fc.uint8Array({ maxLength: 200 }) }),
  fc.record({
    type: fc.constantFrom("PING" as const, "PONG" as const),
    nonce: fc.integer({ min: 0, max: 0xffffffff }),
  }),
);

describe("binary session messages", () => {
  it("round-trip every message type (property)", () => {
    fc.assert(
      fc.property(messageArb, (m) => {
        const encoded = encodeMessage(m);
        expect(peekMessageType(encoded)).toBe(m.type);
        expect(decodeMessage(encoded)).toEqual(m);
      }),
      { numRuns: 1000 },
    );
  });

  it("refuses trailing bytes and truncation", () => {
    const ping = encodeMessage({ type: "PING", nonce: 5 });
    const longer = new Uint8Array([...ping, 0]);
    expect(() => decodeMessage(longer)).toThrow(expect.objectContaining({ code: "SESSION_BAD_MESSAGE" }));
    expect(() => decodeMessage(ping.subarray(0, 4))).toThrow(
      expect.objectContaining({ code: "SESSION_BAD_MESSAGE" }),
    );
  });

  it("checks the size limit before parsing", () => {
    const data = encodeMessage({ type: "DATA", seq: 0, body: new Uint8Array(100) });
    expect(() => decodeMessage(data, { maxMessageBytes: 50 })).toThrow(
      expect.objectContaining({ code: "SESSION_LIMIT_EXCEEDED" }),
    );
  });

  it("random and mutated bytes give a message or an M2MError, never anything else (fuzz)", () => {
    const seeds = fc.sample(messageArb, { numRuns: 200, seed: 7 }).map(encodeMessage);
    let rng = 0x12345678;
    const next = () => {
      rng ^= rng << 13;
      rng ^= rng >>> 17;
      rng ^= rng << 5;
      return rng >>> 0;
    };
    let decoded = 0;
    for (let i = 0; i < 100_000; i++) {
      let input: Uint8Array;
      if (i % 4 === 0) {
        input = new Uint8Array(next() % 64);
        for (let j = 0; j < input.length; j++) input[j] = next() & 0xff;
        if (input.length >= 4) input.set([0xc1, 0x53, 1, 1 + (next() % 8)]);
      } else {
        const seed = seeds[next() % seeds.length]!;
        input = seed.slice(0, seed.length - (i % 3 === 0 ? next() % Math.max(1, seed.length) : 0));
        const flips = 1 + (next() % 3);
        for (let f = 0; f < flips && input.length > 4; f++)
          input[4 + (next() % (input.length - 4))] = next() & 0xff;
      }
      try {
        decodeMessage(input);
        decoded++;
      } catch (e) {
        if (!M2MError.isInstance(e)) throw e;
      }
    }
    expect(decoded).toBeGreaterThan(0);
  }, 120_000);
});
