import { decodeBase64, M2MError } from "@m2m/wire";
import { CryptoErrorCode, invalidKey } from "./errors.js";

/**
 * True when `value` is a `Uint8Array` (also from another realm).
 *
 * @example isBytes(new Uint8Array(1)) // true
 */
export function isBytes(value: unknown): value is Uint8Array {
  return (
    value instanceof Uint8Array || (ArrayBuffer.isView(value) && value.constructor?.name === "Uint8Array")
  );
}

/**
 * Throw a precise argument error unless `value` is a Uint8Array of an accepted length.
 *
 * @example assertBytes(nonce, "nonce", [24]) // '"nonce" expected Uint8Array of length 24, got length=12'
 */
export function assertBytes(
  value: unknown,
  name: string,
  lengths?: readonly number[] | { min: number; max: number },
  code: string = CryptoErrorCode.INVALID_ARGUMENT,
): Uint8Array {
  if (!isBytes(value)) throw new M2MError(code, `"${name}" expected Uint8Array, got ${typeof value}`);
  if (lengths === undefined) return value;
  if (Array.isArray(lengths)) {
    if (!lengths.includes(value.length)) {
      throw new M2MError(
        code,
        `"${name}" expected Uint8Array of length ${lengths.join(" or ")}, got length=${value.length}`,
      );
    }
  } else {
    const range = lengths as { min: number; max: number };
    if (value.length < range.min || value.length > range.max) {
      throw new M2MError(
        code,
        `"${name}" expected Uint8Array of length ${range.min}..${range.max}, got length=${value.length}`,
      );
    }
  }
  return value;
}

/**
 * Constant-time equality of two byte arrays (time depends only on the lengths).
 *
 * @example constantTimeEqual(tag, expected) // true or false
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/**
 * Overwrite secret bytes with zeros. JavaScript cannot guarantee no copy survives elsewhere (the
 * engine may have moved the buffer), but this wipes the copy we hold.
 *
 * @example const key = randomBytes(32); use(key); wipe(key);
 */
export function wipe(...arrays: (Uint8Array | null | undefined)[]): void {
  for (const a of arrays) a?.fill(0);
}

const HEX_RE = /^(?:[0-9a-fA-F]{2})+$/;

/**
 * Lowercase hex of `bytes`.
 *
 * @example toHex(Uint8Array.of(1, 255)) // "01ff"
 */
export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += bytes[i]!.toString(16).padStart(2, "0");
  return out;
}

/**
 * Strict hex (even length, 0-9a-f, case-insensitive) to bytes; error messages never echo the input.
 *
 * @example fromHex("01ff") // Uint8Array [1, 255]
 */
export function fromHex(text: string, name = "hex"): Uint8Array {
  if (text.length === 0) return new Uint8Array(0);
  if (!HEX_RE.test(text)) {
    throw new M2MError(
      CryptoErrorCode.INVALID_ARGUMENT,
      `"${name}" is not valid hex (length ${text.length})`,
    );
  }
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/**
 * Parse key material given as hex (optionally `hex:`-prefixed) or standard padded base64
 * (optionally `base64:`-prefixed). Unprefixed text is read as hex when it is valid hex of the
 * expected length, else as base64. Errors name the key but never echo it.
 *
 * @example parseKey("4242…42", { length: 32 }) // Uint8Array(32)
 */
export function parseKey(text: string, options: { length?: number; name?: string } = {}): Uint8Array {
  const name = options.name ?? "key";
  const trimmed = text.trim();
  let key: Uint8Array | undefined;
  if (trimmed.startsWith("hex:")) key = tryHex(trimmed.slice(4));
  else if (trimmed.startsWith("base64:")) key = tryBase64(trimmed.slice(7));
  else {
    const asHex = tryHex(trimmed);
    if (asHex && (options.length === undefined || asHex.length === options.length)) key = asHex;
    else key = tryBase64(trimmed) ?? asHex;
  }
  if (!key) throw invalidKey(`"${name}" is neither hex nor base64 (${trimmed.length} characters)`);
  if (options.length !== undefined && key.length !== options.length) {
    const got = key.length;
    key.fill(0);
    throw invalidKey(`"${name}" must be ${options.length} bytes, got ${got}`);
  }
  return key;
}

function tryHex(text: string): Uint8Array | undefined {
  return text.length > 0 && HEX_RE.test(text) ? fromHex(text) : undefined;
}

function tryBase64(text: string): Uint8Array | undefined {
  try {
    const out = decodeBase64(text);
    return out.length > 0 ? out : undefined;
  } catch {
    return undefined;
  }
}
