import { M2MError, WireErrorCode } from "./errors.js";

/** Result of decoding one varint: the value and how many bytes it used. */
export interface VarintResult<T> {
  readonly value: T;
  readonly length: number;
}

const truncated = (): M2MError => new M2MError(WireErrorCode.TRUNCATED, "varint is truncated");
const overlong = (): M2MError =>
  new M2MError(WireErrorCode.BAD_VARINT, "varint is overlong (non-minimal encoding)");

/** Bytes needed to encode `value` (an unsigned integer up to 2^53-1) as LEB128. */
export function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

/** Encode an unsigned 32-bit integer as LEB128. */
export function encodeVarint32(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new M2MError(WireErrorCode.INVALID_ARGUMENT, `varint32 value out of range: ${value}`);
  }
  const out = new Uint8Array(varintSize(value));
  let i = 0;
  while (value >= 0x80) {
    out[i++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  out[i] = value;
  return out;
}

/**
 * Decode an unsigned 32-bit LEB128 varint at `offset` (reading no further than `end`). Rejects
 * truncated input, more than 5 bytes, values above 2^32-1 and overlong (non-minimal) encodings such
 * as `80 00`.
 */
export function decodeVarint32(
  bytes: Uint8Array,
  offset = 0,
  end: number = bytes.length,
): VarintResult<number> {
  let value = 0;
  let shift = 0;
  for (let at = offset; at < offset + 5; at++) {
    if (at >= end) throw truncated();
    const byte = bytes[at]!;
    value |= (byte & 0x7f) << shift;
    if (byte < 0x80) {
      if (shift === 28 && byte > 0x0f) break;
      if (byte === 0 && at > offset) throw overlong();
      return { value: value >>> 0, length: at - offset + 1 };
    }
    shift += 7;
  }
  throw new M2MError(WireErrorCode.BAD_VARINT, "varint does not fit in 32 bits");
}

/** Encode an unsigned 64-bit integer (bigint) as LEB128. */
export function encodeVarint64(value: bigint): Uint8Array {
  if (value < 0n || value > 0xffff_ffff_ffff_ffffn) {
    throw new M2MError(WireErrorCode.INVALID_ARGUMENT, `varint64 value out of range: ${value}`);
  }
  const out: number[] = [];
  while (value >= 0x80n) {
    out.push(Number(value & 0x7fn) | 0x80);
    value >>= 7n;
  }
  out.push(Number(value));
  return Uint8Array.from(out);
}

/** Decode an unsigned 64-bit LEB128 varint (at most 10 bytes, minimal encoding) as a bigint. */
export function decodeVarint64(
  bytes: Uint8Array,
  offset = 0,
  end: number = bytes.length,
): VarintResult<bigint> {
  let value = 0n;
  for (let i = 0; i < 10; i++) {
    const at = offset + i;
    if (at >= end) throw truncated();
    const byte = bytes[at]!;
    if (i === 9 && byte > 0x01)
      throw new M2MError(WireErrorCode.BAD_VARINT, "varint does not fit in 64 bits");
    value |= BigInt(byte & 0x7f) << BigInt(7 * i);
    if (byte < 0x80) {
      if (byte === 0 && i > 0) throw overlong();
      return { value, length: i + 1 };
    }
  }
  throw new M2MError(WireErrorCode.BAD_VARINT, "varint does not fit in 64 bits");
}

/**
 * Decode a varint holding a safe integer (≤ 2^53-1) without bigint arithmetic: the fast path for
 * lengths and counts. Rejects anything `decodeVarint64` rejects, plus values above 2^53-1.
 */
export function decodeVarintSafe(
  bytes: Uint8Array,
  offset = 0,
  end: number = bytes.length,
): VarintResult<number> {
  if (offset < end && bytes[offset]! < 0x80) return { value: bytes[offset]!, length: 1 };
  let value = 0;
  for (let i = 0; i < 8; i++) {
    const at = offset + i;
    if (at >= end) throw truncated();
    const byte = bytes[at]!;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if (byte < 0x80) {
      if (byte === 0 && i > 0) throw overlong();
      if (!Number.isSafeInteger(value)) break;
      return { value, length: i + 1 };
    }
  }
  throw new M2MError(WireErrorCode.BAD_VARINT, "varint exceeds 2^53-1");
}

/** Encode a safe non-negative integer (≤ 2^53-1) as LEB128. */
export function encodeVarintSafe(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new M2MError(WireErrorCode.INVALID_ARGUMENT, `varint value out of range: ${value}`);
  }
  const out = new Uint8Array(varintSize(value));
  let i = 0;
  while (value >= 0x80) {
    out[i++] = (value % 128) | 0x80;
    value = Math.floor(value / 128);
  }
  out[i] = value;
  return out;
}
