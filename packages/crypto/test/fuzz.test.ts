import { M2MError } from "@m2m/wire";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  Keyring,
  type OpenedFrame,
  openFrame,
  openFrameDetailed,
  type ReceivePolicy,
  ReplayGuard,
  sealFrame,
} from "../src/index.js";
import { KEY, v1Frame, v2Frame } from "./fixtures.js";

/** Either a value or an M2MError: anything else (TypeError, RangeError, hang) fails the test. */
function valueOrM2MError(fn: () => unknown): "ok" | "error" {
  try {
    fn();
    return "ok";
  } catch (e) {
    if (!M2MError.isInstance(e)) throw e;
    return "error";
  }
}

let seed = 0x9e3779b9;
function rand(n: number): number {
  // xorshift32: deterministic and fast; the point is coverage, not unpredictability.
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) % n;
}

describe("fuzz openFrame", () => {
  const ring = new Keyring();
  ring.add("k1", KEY.key);
  const policies: ReceivePolicy[] = [
    { require: "none", keys: [KEY] },
    { require: "aead", keys: ring, replay: new ReplayGuard() },
    { require: "hmac", keys: [KEY] },
  ];
  const seeds = [
    sealFrame(v1Frame(), KEY, { mode: "hmac" }),
    sealFrame(v1Frame(), KEY, { mode: "aead" }),
    sealFrame(v2Frame(), KEY, { mode: "hmac" }),
    sealFrame(v2Frame(), KEY),
    sealFrame(v2Frame(), KEY, { cipher: "chacha20-poly1305" }),
    v1Frame(),
    v2Frame(),
  ];

  it("100,000 mutated sealed frames: a value or an M2MError, never a forgery", () => {
    let opened = 0;
    for (let i = 0; i < 100_000; i++) {
      const base = seeds[i % seeds.length]!;
      let frame = base.slice();
      const edits = 1 + rand(4);
      for (let e = 0; e < edits; e++) {
        const op = rand(4);
        if (op === 0) frame[rand(frame.length)] = rand(256);
        else if (op === 1) frame = frame.subarray(0, rand(frame.length + 1));
        else if (op === 2) {
          const grown = new Uint8Array(frame.length + 1 + rand(8));
          grown.set(frame);
          frame = grown;
        } else if (frame.length > 0) {
          const j = rand(frame.length);
          frame[j] = frame[j]! ^ (1 << rand(8));
        }
      }
      const unchanged = frame.length === base.length && frame.every((b, j) => b === base[j]);
      const policy = policies[i % policies.length]!;
      let result: OpenedFrame | undefined;
      if (valueOrM2MError(() => (result = openFrameDetailed(frame, policy))) === "ok") {
        // A mutated sealed frame may only "open" as an unprotected frame under a "none" policy
        // (for example when the mutation cleared the SECURED flag and still parsed); it must
        // never pass as authenticated.
        const seedIndex = i % seeds.length;
        if (seedIndex < 5 && !unchanged && (policy.require !== "none" || result?.protection !== "none")) {
          throw new Error(`mutated sealed frame opened as ${result?.protection} (iteration ${i})`);
        }
        opened++;
      }
    }
    expect(opened).toBeGreaterThan(0);
  });

  it("20,000 random byte strings and prefixed random bodies", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.constantFrom(
          [],
          [0xc1, 0x4d, 0x02],
          [0xc1, 0x4d, 0x02, 0x04],
          Array.from("#M2M|1|", (c) => c.charCodeAt(0)),
          Array.from("#M2M|2|", (c) => c.charCodeAt(0)),
        ),
        fc.constantFrom(...policies),
        (body, prefix, policy) => {
          const frame = new Uint8Array(prefix.length + body.length);
          frame.set(prefix);
          frame.set(body, prefix.length);
          valueOrM2MError(() => openFrame(frame, policy));
        },
      ),
      { numRuns: 20_000 },
    );
  });
});
