import { M2MError, WireErrorCode } from "@m2m/wire";
import { describe, expect, it } from "vitest";
import { CryptoErrorCode, openFrame, type ReceivePolicy, type SealOptions, sealFrame } from "../src/index.js";
import { KEY, v1Frame, v2Frame } from "./fixtures.js";

// A small frame keeps the exhaustive search cheap: every bit of every byte is flipped once.
const SMALL = '{"model":"m","messages":[{"role":"user","content":"x"}]}';

const CASES: {
  name: string;
  frame: () => Uint8Array;
  options: SealOptions;
  require: ReceivePolicy["require"];
}[] = [
  { name: "v1 hmac", frame: () => v1Frame(SMALL), options: { mode: "hmac" }, require: "hmac" },
  { name: "v1 aead", frame: () => v1Frame(SMALL), options: { mode: "aead" }, require: "aead" },
  { name: "v2 hmac", frame: () => v2Frame(SMALL), options: { mode: "hmac" }, require: "hmac" },
  {
    name: "v2 xchacha20-poly1305",
    frame: () => v2Frame(SMALL),
    options: { cipher: "xchacha20-poly1305" },
    require: "aead",
  },
  {
    name: "v2 chacha20-poly1305",
    frame: () => v2Frame(SMALL),
    options: { cipher: "chacha20-poly1305" },
    require: "aead",
  },
];

/** Refusal codes a tampered frame may produce: authentication, downgrade, or a malformed frame. */
const REFUSALS = new Set<string>([
  CryptoErrorCode.AUTH_FAILED,
  CryptoErrorCode.POLICY_REFUSED,
  ...Object.values(WireErrorCode),
]);

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (!M2MError.isInstance(e)) throw e;
    return e.code;
  }
  return "ACCEPTED";
}

describe("tampering", () => {
  for (const c of CASES) {
    it(`${c.name}: every single-bit flip is refused (exhaustive)`, () => {
      const sealed = sealFrame(c.frame(), KEY, c.options);
      const policy: ReceivePolicy = { require: c.require, keys: [KEY] };
      expect(openFrame(sealed, policy).length).toBeGreaterThan(0);
      const counts = new Map<string, number>();
      for (let i = 0; i < sealed.length; i++) {
        for (let bit = 0; bit < 8; bit++) {
          const copy = sealed.slice();
          copy[i] = copy[i]! ^ (1 << bit);
          const result = refusal(() => openFrame(copy, policy));
          counts.set(result, (counts.get(result) ?? 0) + 1);
          if (!REFUSALS.has(result))
            throw new Error(`${c.name}: flip of byte ${i} bit ${bit} gave ${result}`);
        }
      }
      // Most flips land in crypto-covered bytes and must be authentication failures.
      expect(counts.get(CryptoErrorCode.AUTH_FAILED) ?? 0).toBeGreaterThan(sealed.length * 4);
      expect(counts.has("ACCEPTED")).toBe(false);
    });

    it(`${c.name}: every truncation and every one-byte extension is refused`, () => {
      const sealed = sealFrame(c.frame(), KEY, c.options);
      const policy: ReceivePolicy = { require: c.require, keys: [KEY] };
      for (let n = 0; n < sealed.length; n++) {
        const result = refusal(() => openFrame(sealed.subarray(0, n), policy));
        if (!REFUSALS.has(result)) throw new Error(`${c.name}: truncation to ${n} bytes gave ${result}`);
      }
      for (let b = 0; b < 256; b += 17) {
        const longer = new Uint8Array(sealed.length + 1);
        longer.set(sealed);
        longer[sealed.length] = b;
        const result = refusal(() => openFrame(longer, policy));
        if (!REFUSALS.has(result)) throw new Error(`${c.name}: extension by ${b} gave ${result}`);
      }
    });
  }

  it("v1: clearing the security byte of a sealed frame is a refused downgrade", () => {
    const sealed = sealFrame(v1Frame(SMALL), KEY, { mode: "hmac" });
    const stripped = sealed.slice();
    stripped[7 + 3] = 0;
    expect(refusal(() => openFrame(stripped, { require: "hmac", keys: [KEY] }))).toBe(
      CryptoErrorCode.POLICY_REFUSED,
    );
  });

  it("v2: an HMAC frame relabelled as AEAD (and back) is refused", () => {
    const sealed = sealFrame(v2Frame(SMALL, false), KEY, { mode: "aead", cipher: "chacha20-poly1305" });
    const relabelled = sealed.slice();
    // Find the security mode byte: it is the only 0x02 right before the params length (1+2+8+12 = 23 = 0x17).
    const at = relabelled.findIndex((b, i) => b === 0x02 && relabelled[i + 1] === 0x17);
    expect(at).toBeGreaterThan(0);
    relabelled[at] = 0x03; // XChaCha expects a longer nonce: malformed params → generic failure
    expect(refusal(() => openFrame(relabelled, { require: "aead", keys: [KEY] }))).not.toBe("ACCEPTED");
  });
});
