import { encodeUtf8 } from "@m2m/wire";
import { hkdf } from "@noble/hashes/hkdf.js";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { randomBytes as nobleRandomBytes } from "@noble/hashes/utils.js";
import { assertBytes } from "./bytes.js";
import { invalidArgument } from "./errors.js";

/** Largest output of HKDF-SHA256 (255 blocks of 32 bytes, RFC 5869 §2.3). */
export const HKDF_SHA256_MAX_LENGTH: number = 255 * 32;

/**
 * `n` cryptographically secure random bytes (the platform's `crypto.getRandomValues`).
 *
 * @example const key = randomBytes(32);
 */
export function randomBytes(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0 || n > 65536) {
    throw invalidArgument(`"n" expected an integer 0..65536, got ${String(n)}`);
  }
  return nobleRandomBytes(n);
}

/**
 * HKDF-SHA256 (RFC 5869): extract with `salt` (empty or undefined = 32 zero bytes, as the RFC
 * specifies), then expand with `info` to `length` bytes. Strings are UTF-8 encoded.
 *
 * @example hkdfSha256(master, undefined, "m2m/v1/test-org/agent-001", 32)
 */
export function hkdfSha256(
  ikm: Uint8Array,
  salt: Uint8Array | undefined,
  info: Uint8Array | string,
  length: number,
): Uint8Array {
  assertBytes(ikm, "ikm");
  if (salt !== undefined) assertBytes(salt, "salt");
  if (!Number.isSafeInteger(length) || length < 1 || length > HKDF_SHA256_MAX_LENGTH) {
    throw invalidArgument(`"length" expected an integer 1..${HKDF_SHA256_MAX_LENGTH}, got ${String(length)}`);
  }
  const infoBytes = typeof info === "string" ? encodeUtf8(info) : assertBytes(info, "info");
  return hkdf(sha256, ikm, salt !== undefined && salt.length > 0 ? salt : undefined, infoBytes, length);
}

/**
 * HMAC-SHA256 (RFC 2104 / FIPS 198-1) of `data` under `key`.
 *
 * @example hmacSha256(key, data) // 32-byte tag
 */
export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  return hmac(sha256, assertBytes(key, "key"), assertBytes(data, "data"));
}
