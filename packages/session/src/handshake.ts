import {
  constantTimeEqual,
  generateX25519KeyPair,
  hkdfSha256,
  hmacSha256,
  wipe,
  type X25519KeyPair,
  x25519PublicKey,
  x25519SharedSecret,
} from "@m2m/crypto";
import { BinaryWriter, encodeUtf8, M2MError } from "@m2m/wire";
import { SessionErrorCode } from "./errors.js";
import { PROOF_BYTES } from "./messages.js";

/**
 * A long-term identity: a static X25519 key pair and, optionally, the peer static keys it trusts.
 * With no `trustedPeerKeys`, any peer that proves possession of its key is accepted and the
 * application should check `session.peerStaticKey` itself.
 *
 * @example
 * const identity: SessionIdentity = { staticKeyPair: generateX25519KeyPair(), trustedPeerKeys: [peerPublic] };
 */
export interface SessionIdentity {
  readonly staticKeyPair: X25519KeyPair;
  readonly trustedPeerKeys?: readonly Uint8Array[];
}

/** Keys produced by a completed handshake. */
export interface HandshakeResult {
  readonly initiatorProof: Uint8Array;
  readonly responderProof: Uint8Array;
  /** Initiator → responder DATA key. */
  readonly initiatorToResponder: Uint8Array;
  /** Responder → initiator DATA key. */
  readonly responderToInitiator: Uint8Array;
  /** Transcript hash (also a channel binding for the application). */
  readonly transcriptHash: Uint8Array;
}

const TRANSCRIPT_KEY = encodeUtf8("m2m-session/1 transcript");
const KEYS_INFO = encodeUtf8("m2m-session/1 keys");

/**
 * Hash of the handshake transcript: HMAC-SHA256 under a fixed public label over the length-
 * prefixed HELLO bytes and ACCEPT bytes without the proof (used as a keyed hash; the crypto
 * package exposes no bare SHA-256).
 */
export function transcriptHash(hello: Uint8Array, acceptWithoutProof: Uint8Array): Uint8Array {
  const data = new BinaryWriter(hello.length + acceptWithoutProof.length + 16)
    .lengthPrefixed(hello)
    .lengthPrefixed(acceptWithoutProof)
    .finish();
  return hmacSha256(TRANSCRIPT_KEY, data);
}

/**
 * Derive proofs and DATA keys from the three DH results (ee, es, se; Noise XX's pattern), with the
 * transcript hash as HKDF salt so any change to HELLO or ACCEPT (a stripped algorithm, a swapped
 * key, another session id) yields different keys and a failed proof.
 */
export function deriveHandshake(
  ee: Uint8Array,
  es: Uint8Array,
  se: Uint8Array,
  hash: Uint8Array,
): HandshakeResult {
  const ikm = new Uint8Array(96);
  ikm.set(ee, 0);
  ikm.set(es, 32);
  ikm.set(se, 64);
  const okm = hkdfSha256(ikm, hash, KEYS_INFO, 4 * 32);
  wipe(ikm);
  return {
    responderProof: okm.slice(0, 32),
    initiatorProof: okm.slice(32, 64),
    initiatorToResponder: okm.slice(64, 96),
    responderToInitiator: okm.slice(96, 128),
    transcriptHash: hash,
  };
}

/** Run `fn` and turn any crypto failure (low-order key, bad length) into one generic auth error. */
export function authStep<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new M2MError(SessionErrorCode.AUTH_FAILED, "session authentication failed", { cause: e });
  }
}

/** Responder side: DH results from its static and ephemeral private keys and the initiator's public keys. */
export function responderSecrets(
  staticPrivate: Uint8Array,
  ephemeralPrivate: Uint8Array,
  initiatorEphemeral: Uint8Array,
  initiatorStatic: Uint8Array,
): { ee: Uint8Array; es: Uint8Array; se: Uint8Array } {
  return authStep(() => ({
    ee: x25519SharedSecret(ephemeralPrivate, initiatorEphemeral),
    es: x25519SharedSecret(staticPrivate, initiatorEphemeral),
    se: x25519SharedSecret(ephemeralPrivate, initiatorStatic),
  }));
}

/** Initiator side: the same three DH results from the other end. */
export function initiatorSecrets(
  staticPrivate: Uint8Array,
  ephemeralPrivate: Uint8Array,
  responderEphemeral: Uint8Array,
  responderStatic: Uint8Array,
): { ee: Uint8Array; es: Uint8Array; se: Uint8Array } {
  return authStep(() => ({
    ee: x25519SharedSecret(ephemeralPrivate, responderEphemeral),
    es: x25519SharedSecret(ephemeralPrivate, responderStatic),
    se: x25519SharedSecret(staticPrivate, responderEphemeral),
  }));
}

/** Constant-time proof check. */
export function proofMatches(expected: Uint8Array, received: Uint8Array): boolean {
  return received.length === PROOF_BYTES && constantTimeEqual(expected, received);
}

/** True when `key` is trusted by `identity` (always true with no trust list). */
export function isTrusted(identity: SessionIdentity, key: Uint8Array): boolean {
  const list = identity.trustedPeerKeys;
  if (list === undefined) return true;
  return list.some((k) => k.length === key.length && constantTimeEqual(k, key));
}

/** Key pairs already checked: the check costs a scalar multiplication, servers reuse one pair. */
const checkedPairs = new WeakSet<X25519KeyPair>();

/** Check that `identity.staticKeyPair` is a consistent X25519 pair (fails fast on a config error). */
export function checkIdentity(identity: SessionIdentity): void {
  if (checkedPairs.has(identity.staticKeyPair)) return;
  let derived: Uint8Array;
  try {
    derived = x25519PublicKey(identity.staticKeyPair.privateKey);
  } catch (e) {
    throw new M2MError(
      SessionErrorCode.INVALID_ARGUMENT,
      "identity.staticKeyPair is not an X25519 key pair",
      {
        cause: e,
      },
    );
  }
  if (!constantTimeEqual(derived, identity.staticKeyPair.publicKey)) {
    throw new M2MError(
      SessionErrorCode.INVALID_ARGUMENT,
      "identity public key does not match its private key",
    );
  }
}

/** A fresh ephemeral key pair (wiped by the session after the handshake). */
export function ephemeralKeyPair(): X25519KeyPair {
  return generateX25519KeyPair();
}
