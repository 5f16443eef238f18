import {
  crc32,
  DEFAULT_LIMITS,
  decodeV1Frame,
  decodeV2Frame,
  encodeV1Frame,
  encodeV2Frame,
  routingHeaderFrom,
  V2Security,
} from "@m2m/wire";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { errorCode as outcome } from "../test/error-code.js";
import { scanV1, scanV2 } from "./layout.js";

const te = new TextEncoder();

describe("structural scans agree with @m2m/wire's decoders", () => {
  it("v2: offsets match decodeV2Frame on random valid frames", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ maxLength: 20 }),
        fc.boolean(),
        fc.option(
          fc.constantFrom(
            V2Security.HMAC_SHA256,
            V2Security.CHACHA20_POLY1305,
            V2Security.XCHACHA20_POLY1305,
          ),
        ),
        fc.uint8Array({ maxLength: 90 }),
        fc.boolean(),
        (payload, codecParams, withRouting, mode, params, withCrc) => {
          const security = mode === null ? null : { mode, params };
          const crc = withCrc && (mode === null || mode === V2Security.HMAC_SHA256) ? crc32(payload) : null;
          const frame = encodeV2Frame({
            schema: 1,
            codec: 0,
            codecParams,
            routing: withRouting
              ? routingHeaderFrom({ model: "m", messages: [{ role: "user", content: "x" }] })
              : null,
            security,
            originalLength: payload.length,
            crc32: crc,
            payload,
            ...(security ? { tag: new Uint8Array(mode === V2Security.HMAC_SHA256 ? 32 : 16) } : {}),
          });
          const d = decodeV2Frame(frame);
          const l = scanV2(frame, DEFAULT_LIMITS);
          expect(l.headerEnd).toBe(d.header.length);
          expect(frame.subarray(l.payloadStart, l.payloadEnd)).toEqual(d.payload);
          expect(l.crc32).toBe(d.crc32);
          expect(frame.subarray(l.tagStart)).toEqual(d.tag);
          expect(l.security?.mode ?? null).toBe(d.security?.mode ?? null);
          expect(l.originalLength).toBe(d.originalLength);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("v2: on random mutations, a scan never accepts what the decoder refuses structurally", () => {
    const base = encodeV2Frame({
      schema: 1,
      codec: 0,
      routing: routingHeaderFrom({ model: "m", messages: [{ role: "user", content: "x" }] }),
      originalLength: 3,
      crc32: 1,
      payload: te.encode("abc"),
    });
    fc.assert(
      fc.property(fc.nat(base.length - 1), fc.nat(255), fc.nat(base.length), (i, b, cut) => {
        const f = base.slice(0, Math.max(cut, i + 1));
        f[i] = b;
        const wire = outcome(() => decodeV2Frame(f));
        const scan = outcome(() => scanV2(f, DEFAULT_LIMITS));
        // The scan skips routing semantics, so it may accept a frame whose routing is invalid
        // (and may name a different first problem), but it never refuses a frame wire accepts.
        if (scan !== "ok") expect(wire).not.toBe("ok");
        if (wire === "ok") expect(scan).toBe("ok");
      }),
      { numRuns: 3000 },
    );
  });

  it("v1: offsets match decodeV1Frame", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (content) => {
        const json = JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content }] });
        const payload = te.encode(json);
        const frame = encodeV1Frame({
          routing: routingHeaderFrom(JSON.parse(json)),
          compressed: false,
          payload,
          crc32: crc32(payload),
        });
        const d = decodeV1Frame(frame);
        const l = scanV1(frame, DEFAULT_LIMITS);
        expect(l.headerEnd - 7).toBe(d.header.length);
        expect(l.payloadEnd).toBe(frame.length);
        expect(l.security).toBe(d.security);
      }),
      { numRuns: 300 },
    );
  });
});
