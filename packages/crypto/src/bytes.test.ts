import { M2MError } from "@m2m/wire";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { constantTimeEqual, fromHex, parseKey, toHex } from "./bytes.js";
import { CryptoErrorCode } from "./errors.js";
import { hkdfSha256, randomBytes } from "./primitives.js";

function error(fn: () => unknown): M2MError {
  try {
    fn();
  } catch (e) {
    if (M2MError.isInstance(e)) return e;
    throw e;
  }
  throw new Error("no error");
}

describe("bytes and primitives", () => {
  it("hex round-trips", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        expect(fromHex(toHex(b))).toEqual(b);
      }),
    );
    expect(error(() => fromHex("abc")).code).toBe(CryptoErrorCode.INVALID_ARGUMENT);
    expect(error(() => fromHex("zz")).code).toBe(CryptoErrorCode.INVALID_ARGUMENT);
  });

  it("parseKey reads hex and base64 and never echoes the key in errors", () => {
    const key = new Uint8Array(32).fill(0xab);
    expect(parseKey(toHex(key), { length: 32 })).toEqual(key);
    expect(parseKey(`hex:${toHex(key)}`)).toEqual(key);
    const b64 = btoa(String.fromCharCode(...key));
    expect(parseKey(b64, { length: 32 })).toEqual(key);
    expect(parseKey(`base64:${b64}`)).toEqual(key);
    const short = error(() => parseKey("ab".repeat(16), { length: 32 }));
    expect(short.code).toBe(CryptoErrorCode.INVALID_KEY);
    expect(short.message).not.toContain("abab");
    const junk = error(() => parseKey("secret-not-a-key!"));
    expect(junk.code).toBe(CryptoErrorCode.INVALID_KEY);
    expect(junk.message).not.toContain("secret");
  });

  it("constantTimeEqual", () => {
    expect(constantTimeEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(true);
    expect(constantTimeEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(false);
    expect(constantTimeEqual(Uint8Array.of(1), Uint8Array.of(1, 2))).toBe(false);
  });

  it("randomBytes and hkdfSha256 validate their arguments", () => {
    expect(randomBytes(24).length).toBe(24);
    expect(error(() => randomBytes(-1)).code).toBe(CryptoErrorCode.INVALID_ARGUMENT);
    expect(error(() => hkdfSha256(new Uint8Array(32), undefined, "x", 0)).code).toBe(
      CryptoErrorCode.INVALID_ARGUMENT,
    );
    expect(error(() => hkdfSha256(new Uint8Array(32), undefined, "x", 8161)).code).toBe(
      CryptoErrorCode.INVALID_ARGUMENT,
    );
    expect(hkdfSha256(new Uint8Array(32), undefined, "x", 8160).length).toBe(8160);
    // empty salt and no salt are the same (RFC 5869: zeros)
    expect(toHex(hkdfSha256(new Uint8Array(32), new Uint8Array(0), "x", 32))).toBe(
      toHex(hkdfSha256(new Uint8Array(32), new Uint8Array(32), "x", 32)),
    );
  });
});
