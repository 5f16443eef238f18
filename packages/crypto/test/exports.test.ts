import { describe, expect, it } from "vitest";
import * as api from "../src/index.js";

describe("public surface", () => {
  it("exports exactly the documented names", () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        "AeadCipher",
        "CryptoErrorCode",
        "FRAME_KEY_BYTES",
        "FrameProtection",
        "HKDF_SHA256_MAX_LENGTH",
        "KDF_VERSION",
        "KeyHierarchy",
        "KeyPurpose",
        "Keyring",
        "MAX_KEY_ID_BYTES",
        "NONCE_BYTES",
        "RESERVED_AGENT_IDS",
        "ReplayGuard",
        "X25519_KEY_BYTES",
        "assertBytes",
        "assertFrameKey",
        "constantTimeEqual",
        "deriveKey",
        "deriveX25519SessionKeys",
        "fromHex",
        "generateX25519KeyPair",
        "hkdfSha256",
        "hmacSha256",
        "isBytes",
        "isValidKeyId",
        "openFrame",
        "openFrameDetailed",
        "parseKey",
        "peekFrameSecurity",
        "randomBytes",
        "sealFrame",
        "toHex",
        "wipe",
        "x25519PublicKey",
        "x25519SharedSecret",
      ].sort(),
    );
  });

  it("error codes are namespaced CRYPTO_*", () => {
    for (const code of Object.values(api.CryptoErrorCode)) expect(code).toMatch(/^CRYPTO_[A-Z_]+$/);
    expect(api.CryptoErrorCode.AUTH_FAILED).toBe("CRYPTO_AUTH_FAILED");
    expect(api.CryptoErrorCode.REPLAY).toBe("CRYPTO_REPLAY");
  });
});
