import { describe, expect, it } from "vitest";
import { errorCode as code } from "../test/error-code.js";
import { fromHex, toHex } from "./bytes.js";
import { CryptoErrorCode } from "./errors.js";
import {
  deriveX25519SessionKeys,
  generateX25519KeyPair,
  x25519PublicKey,
  x25519SharedSecret,
} from "./x25519.js";

describe("X25519", () => {
  it("both sides agree; keys are 32 bytes", () => {
    const a = generateX25519KeyPair();
    const b = generateX25519KeyPair();
    expect(a.publicKey.length).toBe(32);
    expect(toHex(x25519PublicKey(a.privateKey))).toBe(toHex(a.publicKey));
    expect(toHex(x25519SharedSecret(a.privateKey, b.publicKey))).toBe(
      toHex(x25519SharedSecret(b.privateKey, a.publicKey)),
    );
  });

  it("session keys: per direction, mirrored, bound to the context and to both public keys", () => {
    const a = generateX25519KeyPair();
    const b = generateX25519KeyPair();
    const ka = deriveX25519SessionKeys({
      privateKey: a.privateKey,
      peerPublicKey: b.publicKey,
      context: "sess-1",
    });
    const kb = deriveX25519SessionKeys({
      privateKey: b.privateKey,
      publicKey: b.publicKey,
      peerPublicKey: a.publicKey,
      context: "sess-1",
    });
    expect(toHex(ka.send)).toBe(toHex(kb.receive));
    expect(toHex(ka.receive)).toBe(toHex(kb.send));
    expect(toHex(ka.send)).not.toBe(toHex(ka.receive));
    const other = deriveX25519SessionKeys({
      privateKey: a.privateKey,
      peerPublicKey: b.publicKey,
      context: "sess-2",
    });
    expect(toHex(other.send)).not.toBe(toHex(ka.send));
    // Claiming a different own public key changes the keys (transcript binding).
    const c = generateX25519KeyPair();
    const lying = deriveX25519SessionKeys({
      privateKey: a.privateKey,
      publicKey: c.publicKey,
      peerPublicKey: b.publicKey,
      context: "sess-1",
    });
    expect(toHex(lying.send)).not.toBe(toHex(ka.send));
  });

  it("refuses low-order public keys and bad sizes", () => {
    const a = generateX25519KeyPair();
    expect(code(() => x25519SharedSecret(a.privateKey, new Uint8Array(32)))).toBe(
      CryptoErrorCode.INVALID_PUBLIC_KEY,
    );
    expect(
      code(() =>
        deriveX25519SessionKeys({
          privateKey: a.privateKey,
          peerPublicKey: fromHex("0100000000000000000000000000000000000000000000000000000000000000"),
          context: "x",
        }),
      ),
    ).toBe(CryptoErrorCode.INVALID_PUBLIC_KEY);
    expect(code(() => x25519SharedSecret(a.privateKey, new Uint8Array(31)))).toBe(
      CryptoErrorCode.INVALID_PUBLIC_KEY,
    );
    expect(code(() => x25519SharedSecret(new Uint8Array(16), a.publicKey))).toBe(CryptoErrorCode.INVALID_KEY);
    expect(
      code(() =>
        deriveX25519SessionKeys({ privateKey: a.privateKey, peerPublicKey: a.publicKey, context: "" }),
      ),
    ).toBe(CryptoErrorCode.INVALID_ARGUMENT);
  });
});
