import { V2Security } from "@m2m/wire";
import { MAX_KEY_ID_BYTES } from "./frame-key.js";

/**
 * Nonce length per v2 security mode. HMAC frames carry a random nonce too: it makes every frame
 * unique so the receiver's replay memory can tell a replay from a legitimate repeat of a payload.
 */
export const NONCE_BYTES: Readonly<Record<V2Security, number>> = {
  [V2Security.HMAC_SHA256]: 16,
  [V2Security.CHACHA20_POLY1305]: 12,
  [V2Security.XCHACHA20_POLY1305]: 24,
};

/** Decoded v2 security parameters (spec/crypto.md §4). */
export interface SecurityParams {
  readonly keyId: string;
  /** ms since the epoch. */
  readonly timestamp: number;
  readonly nonce: Uint8Array;
}

/**
 * Write `u8 keyIdLength (1..64) ‖ keyId (ASCII) ‖ u64 LE timestamp (ms, ≤ 2^53-1)` into `out` at
 * `at` and return the offset where the nonce goes (the caller writes it). The caller has validated
 * the key id.
 */
export function writeSecurityParams(out: Uint8Array, at: number, keyId: string, timestamp: number): number {
  out[at++] = keyId.length;
  for (let i = 0; i < keyId.length; i++) out[at++] = keyId.charCodeAt(i);
  const low = timestamp % 0x1_0000_0000;
  const high = Math.floor(timestamp / 0x1_0000_0000);
  for (let i = 0; i < 4; i++) out[at + i] = (low >>> (8 * i)) & 0xff;
  for (let i = 0; i < 4; i++) out[at + 4 + i] = (high >>> (8 * i)) & 0xff;
  return at + 8;
}

const KEY_ID_CHAR = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-")
  KEY_ID_CHAR[c.charCodeAt(0)] = 1;

/** Parse v2 security parameters; null when malformed in any way (the caller reports an auth failure). */
export function decodeSecurityParams(params: Uint8Array, mode: V2Security): SecurityParams | null {
  const nonceLength = NONCE_BYTES[mode];
  if (nonceLength === undefined || params.length < 1) return null;
  const idLength = params[0]!;
  if (idLength < 1 || idLength > MAX_KEY_ID_BYTES) return null;
  if (params.length !== 1 + idLength + 8 + nonceLength) return null;
  let keyId = "";
  for (let i = 1; i <= idLength; i++) {
    const c = params[i]!;
    if (c >= 128 || KEY_ID_CHAR[c] !== 1) return null;
    keyId += String.fromCharCode(c);
  }
  const view = new DataView(params.buffer, params.byteOffset, params.byteLength);
  const at = 1 + idLength;
  const low = view.getUint32(at, true);
  const high = view.getUint32(at + 4, true);
  if (high > 0x1f_ffff) return null; // beyond 2^53-1
  return { keyId, timestamp: high * 0x1_0000_0000 + low, nonce: params.subarray(at + 8) };
}
