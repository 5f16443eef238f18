import { M2MError } from "@m2m/wire";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { capabilitiesFromReference, parseReferenceEnvelope, writeReferenceEnvelope } from "./envelope.js";
import { negotiate, validateCapabilities } from "./negotiate.js";

const hello =
  '{"type":"HELLO","payload":{"version":"3.0","agent_id":"a","agent_type":"m2m-rust","compression":{"algorithms":["m2m","tokennative","brotli","none"],"max_payload":0,"streaming":true,"ml_routing":false,"encodings":["Cl100kBase","O200kBase"],"preferred_encoding":"O200kBase"},"security":{"threat_detection":false,"model_version":null,"blocking_mode":false,"block_threshold":0.8},"extensions":{}},"timestamp":1}';

describe("reference JSON envelope", () => {
  it("random JSON gives an envelope or SESSION_BAD_MESSAGE, never anything else (property)", () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string()), (text) => {
        try {
          const env = parseReferenceEnvelope(text);
          expect(parseReferenceEnvelope(writeReferenceEnvelope(env))).toEqual(env);
        } catch (e) {
          expect(M2MError.isInstance(e) && e.code === "SESSION_BAD_MESSAGE").toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("maps reference capabilities to ours (valid, negotiable)", () => {
    const env = parseReferenceEnvelope(hello);
    if (env.type !== "HELLO") throw new Error("expected HELLO");
    const caps = capabilitiesFromReference(env.capabilities);
    validateCapabilities(caps);
    expect(caps.algorithms).toEqual(["m2m", "tk", "brotli", "none"]);
    expect(caps.tokenizers).toEqual(["o200k", "cl100k"]);
    expect(caps.maxMessageBytes).toBe(16 * 1024 * 1024);
    // Reference 3.x is a JSON-envelope peer: it never matches our binary protocol version 1.
    expect(negotiate(caps, { ...caps, versions: [1] })).toEqual({ ok: false, failure: "VERSION_MISMATCH" });
  });
});
