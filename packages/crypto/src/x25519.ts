import { encodeUtf8, M2MError } from "@m2m/wire";
import { x25519 } from "@noble/curves/ed25519.js";
import { assertBytes } from "./bytes.js";
import { CryptoErrorCode, invalidArgument } from "./errors.js";
import { hkdfSha256 } from "./primitives.js";

/** X25519 private and public keys are 32 bytes (RFC 7748). */
export const X25519_KEY_BYTES = 32;

/** An X25519 key pair. Wipe `privateKey` (`fill(0)`) when done with it. */
export interface X25519KeyPair {
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

/**
 * A fresh random X25519 key pair.
 *
 * @example const { privateKey, publicKey } = generateX25519KeyPair();
 */
export function generateX25519KeyPair(): X25519KeyPair {
  const privateKey = x25519.utils.randomSecretKey();
  return { privateKey, publicKey: x25519.getPublicKey(privateKey) };
}

/**
 * The public key of an X25519 private key.
 *
 * @example const publicKey = x25519PublicKey(privateKey);
 */
export function x25519PublicKey(privateKey: Uint8Array): Uint8Array {
  assertBytes(privateKey, "privateKey", [X25519_KEY_BYTES], CryptoErrorCode.INVALID_KEY);
  return x25519.getPublicKey(privateKey);
}

/**
 * The raw X25519 shared secret. Refuses low-order public keys, whose result is all zeros and
 * would let a peer force a known "secret" (`CRYPTO_INVALID_PUBLIC_KEY`). Feed the result to
 * HKDF (see {@link deriveX25519SessionKeys}); never use it as a key directly.
 *
 * @example const shared = x25519SharedSecret(mine.privateKey, peerPublicKey);
 */
export function x25519SharedSecret(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  assertBytes(privateKey, "privateKey", [X25519_KEY_BYTES], CryptoErrorCode.INVALID_KEY);
  assertBytes(publicKey, "publicKey", [X25519_KEY_BYTES], CryptoErrorCode.INVALID_PUBLIC_KEY);
  let shared: Uint8Array;
  try {
    shared = x25519.getSharedSecret(privateKey, publicKey);
  } catch {
    throw lowOrder();
  }
  // noble already refuses this; the check is kept so the guarantee does not depend on a dependency.
  let acc = 0;
  for (let i = 0; i < shared.length; i++) acc |= shared[i]!;
  if (acc === 0) throw lowOrder();
  return shared;
}

function lowOrder(): M2MError {
  return new M2MError(
    CryptoErrorCode.INVALID_PUBLIC_KEY,
    "X25519 public key is low-order (all-zero shared secret)",
  );
}

/** Input of {@link deriveX25519SessionKeys}. */
export interface X25519SessionInput {
  /** This side's private key. */
  readonly privateKey: Uint8Array;
  /** This side's public key (derived from `privateKey` when omitted). */
  readonly publicKey?: Uint8Array;
  /** The peer's public key. */
  readonly peerPublicKey: Uint8Array;
  /** Application context (for example the session id); both sides must use the same one. 1–1024 bytes. */
  readonly context: string | Uint8Array;
}

/** Per-direction session keys: this side seals with `send` and opens with `receive`. */
export interface SessionKeys {
  readonly send: Uint8Array;
  readonly receive: Uint8Array;
}

const LABEL = encodeUtf8("m2m/x25519-session/v1");

/**
 * Session keys from an X25519 exchange, bound to both public keys and a context string:
 * `key(from→to) = HKDF-SHA256(IKM = shared, salt = empty, info = label ‖ 0x00 ‖ u16be(len(ctx)) ‖ ctx ‖ pk_from ‖ pk_to, 32)`.
 * `send` is key(self→peer), `receive` is key(peer→self), so the peer's `send` is this side's
 * `receive` and a frame cannot be reflected back. The shared secret is wiped before returning.
 * Public keys are not authenticated here: check them out of band or sign them.
 *
 * @example
 * const a = deriveX25519SessionKeys({ privateKey: alice.privateKey, peerPublicKey: bob.publicKey, context: "sess-1" });
 */
export function deriveX25519SessionKeys(input: X25519SessionInput): SessionKeys {
  const own = input.publicKey ?? x25519PublicKey(input.privateKey);
  assertBytes(own, "publicKey", [X25519_KEY_BYTES], CryptoErrorCode.INVALID_PUBLIC_KEY);
  const context =
    typeof input.context === "string" ? encodeUtf8(input.context) : assertBytes(input.context, "context");
  if (context.length < 1 || context.length > 1024) throw invalidArgument(`"context" must be 1-1024 bytes`);
  const shared = x25519SharedSecret(input.privateKey, input.peerPublicKey);
  try {
    return {
      send: directionKey(shared, context, own, input.peerPublicKey),
      receive: directionKey(shared, context, input.peerPublicKey, own),
    };
  } finally {
    shared.fill(0);
  }
}

function directionKey(shared: Uint8Array, context: Uint8Array, from: Uint8Array, to: Uint8Array): Uint8Array {
  const info = new Uint8Array(LABEL.length + 1 + 2 + context.length + 64);
  let at = 0;
  info.set(LABEL, at);
  at += LABEL.length + 1; // 0x00 separator
  info[at++] = context.length >>> 8;
  info[at++] = context.length & 0xff;
  info.set(context, at);
  at += context.length;
  info.set(from, at);
  info.set(to, at + 32);
  return hkdfSha256(shared, undefined, info, 32);
}
