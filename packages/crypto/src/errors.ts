import { M2MError } from "@m2m/wire";

/**
 * Error codes raised by `@m2m/crypto`. Authentication failures of every kind (bad tag, unknown
 * key id, malformed security parameters, wrong key) share {@link CryptoErrorCode.AUTH_FAILED} and
 * one fixed message, so a remote sender learns nothing about why a frame was refused.
 *
 * @example
 * try { openFrame(frame, policy) } catch (e) {
 *   if (M2MError.isInstance(e) && e.code === CryptoErrorCode.REPLAY) dropSilently();
 * }
 */
export const CryptoErrorCode = {
  /** The frame could not be authenticated. Deliberately carries no detail. */
  AUTH_FAILED: "CRYPTO_AUTH_FAILED",
  /** An authentic frame was seen before, or its timestamp is outside the accepted window. */
  REPLAY: "CRYPTO_REPLAY",
  /** The frame's protection is below what the receiver's policy requires (downgrade refused). */
  POLICY_REFUSED: "CRYPTO_POLICY_REFUSED",
  /** A key has the wrong size or encoding, or a key id is malformed. */
  INVALID_KEY: "CRYPTO_INVALID_KEY",
  /** An X25519 public key is low-order or yields an all-zero shared secret. */
  INVALID_PUBLIC_KEY: "CRYPTO_INVALID_PUBLIC_KEY",
  /** An argument is outside its documented domain (lengths, paths, options). */
  INVALID_ARGUMENT: "CRYPTO_INVALID_ARGUMENT",
} as const;
export type CryptoErrorCode = (typeof CryptoErrorCode)[keyof typeof CryptoErrorCode];

/** The one authentication-failure error. No cause, no details: nothing to leak. */
export function authFailed(): M2MError {
  return new M2MError(CryptoErrorCode.AUTH_FAILED, "frame authentication failed");
}

export function invalidArgument(message: string): M2MError {
  return new M2MError(CryptoErrorCode.INVALID_ARGUMENT, message);
}

export function invalidKey(message: string): M2MError {
  return new M2MError(CryptoErrorCode.INVALID_KEY, message);
}
