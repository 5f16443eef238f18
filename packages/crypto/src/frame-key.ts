import { assertBytes } from "./bytes.js";
import { invalidKey } from "./errors.js";

/** Symmetric frame keys are exactly 32 bytes (ChaCha20/XChaCha20 keys; HMAC-SHA256 keys of full strength). */
export const FRAME_KEY_BYTES = 32;
/** Longest key id, in bytes (ASCII). */
export const MAX_KEY_ID_BYTES = 64;
const KEY_ID_RE = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * A symmetric frame key and the id that names it on the wire (v2 frames carry the id in the
 * authenticated header; v1 frames have no room for one and ignore it).
 *
 * @example const key: FrameKey = { id: "k1", key: randomBytes(32) };
 */
export interface FrameKey {
  /** 1–64 characters of `[A-Za-z0-9._:-]`. */
  readonly id: string;
  /** Exactly {@link FRAME_KEY_BYTES} secret bytes. */
  readonly key: Uint8Array;
}

/**
 * True when `id` is a well-formed key id.
 *
 * @example isValidKeyId("2026-11") // true
 */
export function isValidKeyId(id: unknown): id is string {
  return typeof id === "string" && KEY_ID_RE.test(id);
}

/**
 * Throw `CRYPTO_INVALID_KEY` unless `key` is a well-formed {@link FrameKey}.
 *
 * @example assertFrameKey({ id: "k1", key: randomBytes(32) })
 */
export function assertFrameKey(key: unknown): FrameKey {
  if (typeof key !== "object" || key === null) throw invalidKey(`"key" expected a FrameKey { id, key }`);
  const k = key as { id?: unknown; key?: unknown };
  if (!isValidKeyId(k.id)) throw invalidKey(`"key.id" must be 1-64 characters of [A-Za-z0-9._:-]`);
  const bytes = assertBytes(k.key, "key.key", [FRAME_KEY_BYTES], "CRYPTO_INVALID_KEY");
  if (isAllZero(bytes)) throw invalidKey(`"key.key" is all zeros (a wiped or uninitialised key)`);
  return key as FrameKey;
}

/** True when every byte is zero: a key removed from a {@link Keyring} is wiped to zeros. */
export function isAllZero(bytes: Uint8Array): boolean {
  let acc = 0;
  for (let i = 0; i < bytes.length; i++) acc |= bytes[i]!;
  return acc === 0;
}
