import { M2MError, WireErrorCode } from "./errors.js";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const ENCODE = new Uint8Array(64);
const DECODE = new Int16Array(256).fill(-1);
for (let i = 0; i < 64; i++) {
  ENCODE[i] = ALPHABET.charCodeAt(i);
  DECODE[ALPHABET.charCodeAt(i)] = i;
}
const PAD = 0x3d; // "="
const ascii = new TextDecoder();

/** Encode bytes as standard, padded base64 (RFC 4648 §4). */
export function encodeBase64(bytes: Uint8Array): string {
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  const full = bytes.length - (bytes.length % 3);
  let o = 0;
  for (let i = 0; i < full; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = ENCODE[n >>> 18]!;
    out[o++] = ENCODE[(n >>> 12) & 63]!;
    out[o++] = ENCODE[(n >>> 6) & 63]!;
    out[o++] = ENCODE[n & 63]!;
  }
  const rest = bytes.length - full;
  if (rest === 1) {
    const n = bytes[full]! << 16;
    out[o++] = ENCODE[n >>> 18]!;
    out[o++] = ENCODE[(n >>> 12) & 63]!;
    out[o++] = PAD;
    out[o++] = PAD;
  } else if (rest === 2) {
    const n = (bytes[full]! << 16) | (bytes[full + 1]! << 8);
    out[o++] = ENCODE[n >>> 18]!;
    out[o++] = ENCODE[(n >>> 12) & 63]!;
    out[o++] = ENCODE[(n >>> 6) & 63]!;
    out[o++] = PAD;
  }
  return ascii.decode(out);
}

const bad = (why: string): M2MError => new M2MError(WireErrorCode.BAD_BASE64, `invalid base64: ${why}`);

/**
 * Decode strict standard base64: length a multiple of 4, only `A–Z a–z 0–9 + /`, `=` only as
 * final padding, zero trailing bits, and no whitespace. This is exactly what the reference accepts.
 * `start`/`end` select a slice of `text` without copying it.
 */
export function decodeBase64(text: string, start = 0, end: number = text.length): Uint8Array {
  const length = end - start;
  if (length % 4 !== 0) throw bad("length is not a multiple of 4");
  if (length === 0) return new Uint8Array(0);
  let padding = 0;
  if (text.charCodeAt(end - 1) === PAD) padding = text.charCodeAt(end - 2) === PAD ? 2 : 1;
  const out = new Uint8Array((length / 4) * 3 - padding);
  const fullEnd = padding === 0 ? end : end - 4;
  let o = 0;
  for (let i = start; i < fullEnd; i += 4) {
    // Char codes above 255 index past the table and read `undefined`, which becomes -1.
    const a = DECODE[text.charCodeAt(i)] ?? -1;
    const b = DECODE[text.charCodeAt(i + 1)] ?? -1;
    const c = DECODE[text.charCodeAt(i + 2)] ?? -1;
    const d = DECODE[text.charCodeAt(i + 3)] ?? -1;
    if ((a | b | c | d) < 0) throw bad(`unexpected character near offset ${i - start}`);
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = n >>> 16;
    out[o++] = (n >>> 8) & 0xff;
    out[o++] = n & 0xff;
  }
  if (padding > 0) {
    const i = end - 4;
    const a = DECODE[text.charCodeAt(i)] ?? -1;
    const b = DECODE[text.charCodeAt(i + 1)] ?? -1;
    if ((a | b) < 0) throw bad(`unexpected character near offset ${i - start}`);
    if (padding === 2) {
      if (b & 0x0f) throw bad("non-zero trailing bits");
      out[o] = (a << 2) | (b >>> 4);
    } else {
      const c = DECODE[text.charCodeAt(i + 2)] ?? -1;
      if (c < 0) throw bad(`unexpected character near offset ${i + 2 - start}`);
      if (c & 0x03) throw bad("non-zero trailing bits");
      out[o++] = (a << 2) | (b >>> 4);
      out[o] = ((b & 0x0f) << 4) | (c >>> 2);
    }
  }
  return out;
}

/** Bytes that `decodeBase64` would produce for a base64 text of `length` characters ending in `padding` `=`. */
export function base64DecodedLength(length: number, padding: number): number {
  return (length / 4) * 3 - padding;
}

/** True when `code` (a char code) is one of the 64 base64 alphabet characters. */
export function isBase64Char(code: number): boolean {
  return code < 256 && DECODE[code]! >= 0;
}
