import { decodeBase64, encodeBase64 } from "./base64.js";
import { BinaryReader, BinaryWriter } from "./binary.js";
import { M2MError, WireErrorCode } from "./errors.js";
import { checkLimit, resolveLimits, type WireLimits } from "./limits.js";
import { Prefix, V2_MAGIC } from "./prefix.js";
import { decodeV2Routing, encodeV2Routing, type Routing } from "./routing.js";
import { varintSize } from "./varint.js";

/** Version byte of the v2 frame. */
export const V2_VERSION = 2;

/** Bits of the v2 flags byte. Undefined bits must be zero. */
export const V2Flag = {
  /** A routing section follows the codec parameters. */
  ROUTING: 0x01,
  /** A CRC-32 of the original bytes follows the payload. Never set together with an AEAD mode. */
  CHECKSUM: 0x02,
  /** A security section follows the routing section and a tag ends the frame. */
  SECURED: 0x04,
} as const;
const V2_KNOWN_FLAGS = 0x07;

/**
 * Codec ids of the v2 frame (spec/v2.md §3). `@m2m/codec` implements them; a decoder that meets an
 * id it does not implement must fail with an error, never guess.
 */
export const CodecId = {
  /** Payload is the original bytes. */
  RAW: 0x00,
  /** Brotli stream. */
  BROTLI: 0x01,
  /** Raw deflate (RFC 1951) stream. */
  DEFLATE: 0x02,
  /** Raw deflate with a preset dictionary named by the codec parameters. */
  DICTIONARY_DEFLATE: 0x03,
  /** Brotli with a custom dictionary named by the codec parameters. */
  DICTIONARY_BROTLI: 0x04,
  /** Session delta against an earlier payload named by the codec parameters. */
  DELTA: 0x05,
  /** TokenNative varint token ids; the parameters name the tokenizer. */
  TOKEN_NATIVE: 0x06,
  /** Structured JSON transform then an inner codec (parameters name both). */
  STRUCTURED: 0x07,
  /** LZ77 over a dictionary with a dictionary-primed range coder (LZR); parameters name the dictionary. */
  DICTIONARY_LZR: 0x08,
} as const;
export type CodecId = (typeof CodecId)[keyof typeof CodecId];

/** Security modes of the v2 security section. */
export const V2Security = {
  HMAC_SHA256: 0x01,
  CHACHA20_POLY1305: 0x02,
  XCHACHA20_POLY1305: 0x03,
} as const;
export type V2Security = (typeof V2Security)[keyof typeof V2Security];

/** Tag bytes that end a secured frame, by security mode. */
export const V2_TAG_BYTES: Readonly<Record<number, number>> = {
  [V2Security.HMAC_SHA256]: 32,
  [V2Security.CHACHA20_POLY1305]: 16,
  [V2Security.XCHACHA20_POLY1305]: 16,
};

/** The security section: a mode and crypto-owned parameters (key id, timestamp, nonce). */
export interface V2SecuritySection {
  readonly mode: V2Security;
  readonly params: Uint8Array;
}

/** Everything needed to write a v2 frame. */
export interface V2FrameInput {
  readonly schema: number;
  readonly codec: number;
  /** Codec-owned parameters (dictionary id, delta base, tokenizer…). Empty when none. */
  readonly codecParams?: Uint8Array;
  readonly routing?: Routing | null;
  readonly security?: V2SecuritySection | null;
  /** Length of the original (decoded) bytes: the receiver's decompression-bomb guard, checked before decoding. */
  readonly originalLength: number;
  /** CRC-32 of the original bytes, or null to omit it (required to be null under AEAD). */
  readonly crc32?: number | null;
  /** The encoded payload (ciphertext, without tag, under AEAD). */
  readonly payload: Uint8Array;
  /** The tag for a secured frame (length fixed by the mode). */
  readonly tag?: Uint8Array;
}

/** A decoded v2 frame: nothing is decompressed, decrypted or verified yet. */
export interface V2Frame {
  readonly schema: number;
  readonly codec: number;
  readonly codecParams: Uint8Array;
  readonly routing: Routing | null;
  readonly security: V2SecuritySection | null;
  readonly originalLength: number;
  readonly crc32: number | null;
  readonly payload: Uint8Array;
  readonly tag: Uint8Array;
  /** Bytes from the magic up to the payload: what HMAC and AEAD authenticate as header. */
  readonly header: Uint8Array;
}

/** Write the v2 header (everything before the payload) for `input`. */
export function encodeV2Header(
  input: Omit<V2FrameInput, "payload" | "tag">,
  limits: Partial<WireLimits> = {},
): Uint8Array {
  const resolved = resolveLimits(limits);
  if (input.security && input.crc32 != null && input.security.mode !== V2Security.HMAC_SHA256) {
    throw new M2MError(
      WireErrorCode.INVALID_ARGUMENT,
      "a checksum of the plaintext must not travel beside AEAD ciphertext",
    );
  }
  let flags = 0;
  if (input.routing) flags |= V2Flag.ROUTING;
  if (input.crc32 != null) flags |= V2Flag.CHECKSUM;
  if (input.security) flags |= V2Flag.SECURED;
  const w = new BinaryWriter(64)
    .uint8(V2_MAGIC[0])
    .uint8(V2_MAGIC[1])
    .uint8(V2_VERSION)
    .uint8(flags)
    .uint8(input.schema)
    .uint8(input.codec)
    .lengthPrefixed(input.codecParams ?? new Uint8Array(0));
  if (input.routing) w.lengthPrefixed(encodeV2Routing(input.routing, resolved));
  if (input.security) w.uint8(input.security.mode).lengthPrefixed(input.security.params);
  return w.varint(input.originalLength).finish();
}

/** Encode a binary v2 frame. */
export function encodeV2Frame(input: V2FrameInput, limits: Partial<WireLimits> = {}): Uint8Array {
  const header = encodeV2Header(input, limits);
  const tag = input.tag ?? new Uint8Array(0);
  const expectedTag = input.security ? V2_TAG_BYTES[input.security.mode] : 0;
  if (expectedTag === undefined || tag.length !== expectedTag) {
    throw new M2MError(
      WireErrorCode.INVALID_ARGUMENT,
      `"tag" expected ${expectedTag ?? "?"} bytes, got ${tag.length}`,
    );
  }
  const n = input.payload.length;
  const size = header.length + varintSize(n) + n + (input.crc32 != null ? 4 : 0) + tag.length;
  const w = new BinaryWriter(size).bytes(header).lengthPrefixed(input.payload);
  if (input.crc32 != null) w.uint32le(input.crc32 >>> 0);
  return w.bytes(tag).finish();
}

/** Offset where the payload-length varint starts, i.e. the length of the header. */
function readHeader(
  frame: Uint8Array,
  limits: WireLimits,
): { reader: BinaryReader; flags: number; partial: Omit<V2Frame, "payload" | "crc32" | "tag" | "header"> } {
  const r = new BinaryReader(frame);
  if (r.uint8() !== V2_MAGIC[0] || r.uint8() !== V2_MAGIC[1])
    throw new M2MError(WireErrorCode.BAD_PREFIX, "not an M2M v2 frame");
  const version = r.uint8();
  if (version !== V2_VERSION)
    throw new M2MError(WireErrorCode.UNSUPPORTED_VERSION, `unsupported M2M frame version ${version}`);
  const flags = r.uint8();
  if (flags & ~V2_KNOWN_FLAGS)
    throw new M2MError(WireErrorCode.BAD_HEADER, `unknown v2 flag bits 0x${flags.toString(16)}`);
  const schema = r.uint8();
  const codec = r.uint8();
  const codecParams = r.lengthPrefixed(4096);
  const routing = flags & V2Flag.ROUTING ? decodeV2Routing(r.lengthPrefixed(1 << 20), limits) : null;
  let security: V2SecuritySection | null = null;
  if (flags & V2Flag.SECURED) {
    const mode = r.uint8();
    if (V2_TAG_BYTES[mode] === undefined)
      throw new M2MError(WireErrorCode.BAD_HEADER, `unknown v2 security mode ${mode}`);
    if (mode !== V2Security.HMAC_SHA256 && flags & V2Flag.CHECKSUM) {
      throw new M2MError(WireErrorCode.BAD_HEADER, "AEAD frame must not carry a plaintext checksum");
    }
    security = { mode: mode as V2Security, params: r.lengthPrefixed(4096) };
  }
  const originalLength = r.varint();
  checkLimit("maxDecodedBytes", originalLength, limits.maxDecodedBytes);
  return { reader: r, flags, partial: { schema, codec, codecParams, routing, security, originalLength } };
}

/**
 * Decode a binary v2 frame. Checks the frame-size limit first and the declared original length
 * against `maxDecodedBytes` before any payload work, and refuses trailing bytes.
 */
export function decodeV2Frame(frame: Uint8Array, limits: Partial<WireLimits> = {}): V2Frame {
  const resolved = resolveLimits(limits);
  checkLimit("maxFrameBytes", frame.length, resolved.maxFrameBytes);
  const { reader: r, flags, partial } = readHeader(frame, resolved);
  const header = frame.subarray(0, r.pos);
  const payload = r.lengthPrefixed();
  const crc = flags & V2Flag.CHECKSUM ? r.uint32le() : null;
  const tag = r.bytes(partial.security ? V2_TAG_BYTES[partial.security.mode]! : 0);
  if (r.remaining !== 0)
    throw new M2MError(WireErrorCode.BAD_HEADER, `${r.remaining} trailing bytes after the v2 frame`);
  // Field by field, not spread: V8's object spread is a slow generic copy (~6 µs here, measured).
  const { schema, codec, codecParams, routing, security, originalLength } = partial;
  return { schema, codec, codecParams, routing, security, originalLength, header, payload, crc32: crc, tag };
}

/** Read the v2 header fields (routing included) without reading the payload. */
export function peekV2Header(
  frame: Uint8Array,
  limits: Partial<WireLimits> = {},
): Omit<V2Frame, "payload" | "crc32" | "tag" | "header"> {
  return readHeader(frame, resolveLimits(limits)).partial;
}

/** The text form: `#M2M|2|` + base64 of the whole binary frame. */
export function v2BinaryToText(frame: Uint8Array): string {
  return Prefix.M2M_V2 + encodeBase64(frame);
}

/** Binary form of a `#M2M|2|` text frame; the size limit is checked before base64 is decoded. */
export function v2TextToBinary(text: string, limits: Partial<WireLimits> = {}): Uint8Array {
  if (!text.startsWith(Prefix.M2M_V2)) throw new M2MError(WireErrorCode.BAD_PREFIX, "not an #M2M|2| frame");
  checkLimit(
    "maxFrameBytes",
    Math.floor(((text.length - Prefix.M2M_V2.length) * 3) / 4),
    resolveLimits(limits).maxFrameBytes,
  );
  return decodeBase64(text, Prefix.M2M_V2.length);
}

/** Header fields of a `#M2M|2|` text frame, decoding only as much base64 as the header needs. */
export function peekV2HeaderText(
  text: string,
  limits: Partial<WireLimits> = {},
): Omit<V2Frame, "payload" | "crc32" | "tag" | "header"> {
  if (!text.startsWith(Prefix.M2M_V2)) throw new M2MError(WireErrorCode.BAD_PREFIX, "not an #M2M|2| frame");
  const start = Prefix.M2M_V2.length;
  // Decode a growing window: headers are usually < 100 bytes, so one small step is typical.
  for (let chars = 256; ; chars *= 4) {
    const end = Math.min(text.length, start + chars);
    const aligned = end === text.length ? end : end - ((end - start) % 4);
    try {
      return peekV2Header(decodeBase64(text, start, aligned), limits);
    } catch (e) {
      if (!(M2MError.isInstance(e) && e.code === WireErrorCode.TRUNCATED) || aligned === text.length) throw e;
    }
  }
}
