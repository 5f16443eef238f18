import { decodeBase64, encodeBase64 } from "./base64.js";
import { BinaryReader, BinaryWriter } from "./binary.js";
import { M2MError, WireErrorCode } from "./errors.js";
import { checkLimit, resolveLimits, type WireLimits } from "./limits.js";
import { Prefix } from "./prefix.js";
import { decodeV1Routing, encodeV1Routing, type Routing, Schema } from "./routing.js";

/** Security byte of a v1 frame. Any other value is refused (the reference silently read it as NONE). */
export const V1Security = { NONE: 0x00, HMAC: 0x01, AEAD: 0x02 } as const;
export type V1Security = (typeof V1Security)[keyof typeof V1Security];

/** Bits of the v1 common-flags byte (flag bits 24–31). */
export const V1CommonFlag = { COMPRESSED: 0x01, HAS_EXTENSIONS: 0x02 } as const;

/** Size of the v1 fixed header after the prefix. */
export const V1_FIXED_HEADER_BYTES = 20;
/** HMAC-SHA256 tag length appended to an HMAC v1 frame. */
export const V1_HMAC_TAG_BYTES = 32;
const PREFIX_BYTES = Prefix.M2M_V1.length;
const PREFIX = Uint8Array.from(Prefix.M2M_V1, (c) => c.charCodeAt(0));

/** The parts of a v1 frame. */
export interface V1FrameParts {
  readonly schema: number;
  readonly security: V1Security;
  /** Request or response flag bits (0–15). */
  readonly flags: number;
  /** Byte 6: {@link V1ExtraFlag} bits (reserved in the reference). */
  readonly extraFlags: number;
  /** Byte 7: {@link V1CommonFlag} bits. */
  readonly commonFlags: number;
  /** Decoded variable header, or null for schemas without one. */
  readonly routing: Routing | null;
}

/** A decoded v1 frame. Nothing here is decompressed, decrypted or verified. */
export interface V1Frame extends V1FrameParts {
  /** Fixed + variable header bytes as on the wire (AEAD associated data; start of the HMAC input). */
  readonly header: Uint8Array;
  /** Security NONE/HMAC: the payload as stored (brotli if COMPRESSED). Empty for AEAD. */
  readonly payload: Uint8Array;
  /** Security NONE/HMAC: CRC-32 of the original JSON. 0 for AEAD. */
  readonly crc32: number;
  /** Security HMAC: the bytes after the payload (the 32-byte tag). Empty otherwise. */
  readonly trailer: Uint8Array;
  /** Security AEAD: `nonce(12) ‖ ciphertext ‖ tag(16)`. Null otherwise. */
  readonly sealed: Uint8Array | null;
}

/** Input to {@link encodeV1Frame}. */
export interface V1FrameInput {
  readonly routing: Routing | null;
  readonly schema?: number;
  readonly security?: V1Security;
  readonly flags?: number;
  readonly compressed: boolean;
  /** The payload as stored (already compressed when `compressed`). */
  readonly payload: Uint8Array;
  /** CRC-32 of the original JSON bytes. */
  readonly crc32: number;
  /** Appended after the payload (the HMAC tag). */
  readonly trailer?: Uint8Array;
}

/** Encode the fixed + variable v1 header (the AEAD associated data). */
export function encodeV1Header(input: Omit<V1FrameInput, "payload" | "crc32" | "trailer">): Uint8Array {
  const routing = input.routing;
  const schema = input.schema ?? (routing?.kind === "response" ? Schema.RESPONSE : Schema.REQUEST);
  const variable = routing ? encodeV1Routing(routing) : { bytes: new Uint8Array(0), extraFlags: 0 };
  const headerLength = V1_FIXED_HEADER_BYTES + variable.bytes.length;
  if (headerLength > 0xffff)
    throw new M2MError(WireErrorCode.LIMIT_EXCEEDED, "v1 header exceeds 65535 bytes");
  return new BinaryWriter(headerLength)
    .uint16le(headerLength)
    .uint8(schema)
    .uint8(input.security ?? V1Security.NONE)
    .uint16le((input.flags ?? routing?.flags ?? 0) & 0xffff)
    .uint8(variable.extraFlags)
    .uint8(input.compressed ? V1CommonFlag.COMPRESSED : 0)
    .bytes(new Uint8Array(12))
    .bytes(variable.bytes)
    .finish();
}

/**
 * Encode a v1 frame in binary form: `#M2M|1|` followed by the raw frame. Compression is the
 * caller's job (`@m2m/codec`); this writes exactly the bytes it is given.
 */
export function encodeV1Frame(input: V1FrameInput): Uint8Array {
  const header = encodeV1Header(input);
  const trailer = input.trailer ?? new Uint8Array(0);
  return new BinaryWriter(PREFIX_BYTES + header.length + 8 + input.payload.length + trailer.length)
    .bytes(PREFIX)
    .bytes(header)
    .uint32le(input.payload.length)
    .uint32le(input.crc32 >>> 0)
    .bytes(input.payload)
    .bytes(trailer)
    .finish();
}

/** Assemble an AEAD v1 frame from its header and `nonce ‖ ciphertext ‖ tag`. */
export function encodeV1SealedFrame(header: Uint8Array, sealed: Uint8Array): Uint8Array {
  return new BinaryWriter(PREFIX_BYTES + header.length + sealed.length)
    .bytes(PREFIX)
    .bytes(header)
    .bytes(sealed)
    .finish();
}

/** The text form: `#M2M|1|` + base64 of every byte after the prefix. */
export function v1BinaryToText(frame: Uint8Array): string {
  assertPrefix(frame);
  return Prefix.M2M_V1 + encodeBase64(frame.subarray(PREFIX_BYTES));
}

/** Binary form of a text-form frame, with the frame-size limit checked before decoding base64. */
export function v1TextToBinary(text: string, limits: Partial<WireLimits> = {}): Uint8Array {
  if (!text.startsWith(Prefix.M2M_V1)) throw new M2MError(WireErrorCode.BAD_PREFIX, "not an #M2M|1| frame");
  const { maxFrameBytes } = resolveLimits(limits);
  checkLimit("maxFrameBytes", Math.floor(((text.length - PREFIX_BYTES) * 3) / 4), maxFrameBytes);
  const body = decodeBase64(text, PREFIX_BYTES);
  const out = new Uint8Array(PREFIX_BYTES + body.length);
  out.set(PREFIX);
  out.set(body, PREFIX_BYTES);
  return out;
}

function assertPrefix(frame: Uint8Array): void {
  for (let i = 0; i < PREFIX_BYTES; i++) {
    if (frame[i] !== PREFIX[i]) throw new M2MError(WireErrorCode.BAD_PREFIX, "not an #M2M|1| frame");
  }
}

interface ParsedHeader extends V1FrameParts {
  readonly headerLength: number;
}

function parseHeader(body: Uint8Array, limits: WireLimits): ParsedHeader {
  const r = new BinaryReader(body);
  const headerLength = r.uint16le();
  if (headerLength < V1_FIXED_HEADER_BYTES)
    throw new M2MError(WireErrorCode.BAD_HEADER, `invalid header_len ${headerLength}`);
  if (body.length < headerLength)
    throw new M2MError(WireErrorCode.TRUNCATED, "input ends inside the v1 header");
  const schema = r.uint8();
  const security = r.uint8();
  if (security !== V1Security.NONE && security !== V1Security.HMAC && security !== V1Security.AEAD) {
    throw new M2MError(WireErrorCode.BAD_HEADER, `unknown security mode 0x${security.toString(16)}`);
  }
  const flags = r.uint16le();
  const extraFlags = r.uint8();
  const commonFlags = r.uint8();
  const routing = decodeV1Routing(
    body.subarray(V1_FIXED_HEADER_BYTES, headerLength),
    schema,
    flags,
    extraFlags,
    limits,
  );
  return { headerLength, schema, security: security as V1Security, flags, extraFlags, commonFlags, routing };
}

/**
 * Decode a v1 frame (binary form, prefix included) without decompressing or verifying anything.
 * Limits are checked before any allocation; bytes after the payload are kept as `trailer`.
 */
export function decodeV1Frame(frame: Uint8Array, limits: Partial<WireLimits> = {}): V1Frame {
  const resolved = resolveLimits(limits);
  checkLimit("maxFrameBytes", frame.length, resolved.maxFrameBytes);
  assertPrefix(frame);
  const body = frame.subarray(PREFIX_BYTES);
  const header = parseHeader(body, resolved);
  const headerBytes = body.subarray(0, header.headerLength);
  if (header.security === V1Security.AEAD) {
    const sealed = body.subarray(header.headerLength);
    if (sealed.length < 12 + 16)
      throw new M2MError(WireErrorCode.TRUNCATED, "AEAD frame is shorter than nonce and tag");
    return v1Frame(header, headerBytes, new Uint8Array(0), 0, new Uint8Array(0), sealed);
  }
  const r = new BinaryReader(body, header.headerLength);
  const payloadLength = r.uint32le();
  const crc = r.uint32le();
  const payload = r.bytes(payloadLength);
  const trailer = r.rest();
  if (header.security === V1Security.HMAC && trailer.length < V1_HMAC_TAG_BYTES) {
    throw new M2MError(WireErrorCode.TRUNCATED, "HMAC frame is missing its tag");
  }
  return v1Frame(header, headerBytes, payload, crc, trailer, null);
}

function v1Frame(
  h: ParsedHeader,
  header: Uint8Array,
  payload: Uint8Array,
  crc32: number,
  trailer: Uint8Array,
  sealed: Uint8Array | null,
): V1Frame {
  const { schema, security, flags, extraFlags, commonFlags, routing } = h;
  return {
    schema,
    security,
    flags,
    extraFlags,
    commonFlags,
    routing,
    header,
    payload,
    crc32,
    trailer,
    sealed,
  };
}

// Frames are built field by field, not with object rest/spread: V8 copies those through a slow
// generic path (several µs per frame, measured).
function stripLength(h: ParsedHeader): V1FrameParts {
  const { schema, security, flags, extraFlags, commonFlags, routing } = h;
  return { schema, security, flags, extraFlags, commonFlags, routing };
}

/** Read only the v1 header from a binary frame (the payload is not read, so it may be absent). */
export function peekV1Header(frame: Uint8Array, limits: Partial<WireLimits> = {}): V1FrameParts {
  assertPrefix(frame);
  return stripLength(parseHeader(frame.subarray(PREFIX_BYTES), resolveLimits(limits)));
}

/**
 * Read only the v1 header from a text-form frame, base64-decoding just the characters that cover
 * the header (a few dozen), however large the payload is.
 */
export function peekV1HeaderText(text: string, limits: Partial<WireLimits> = {}): V1FrameParts {
  if (!text.startsWith(Prefix.M2M_V1)) throw new M2MError(WireErrorCode.BAD_PREFIX, "not an #M2M|1| frame");
  const available = text.length - PREFIX_BYTES;
  if (available < 4) throw new M2MError(WireErrorCode.TRUNCATED, "input ends inside the v1 header");
  const first = decodeBase64(text, PREFIX_BYTES, PREFIX_BYTES + 4);
  const headerLength = first[0]! | (first[1]! << 8);
  const chars = Math.min(available, Math.ceil(headerLength / 3) * 4);
  const body = decodeBase64(text, PREFIX_BYTES, PREFIX_BYTES + chars);
  return stripLength(parseHeader(body, resolveLimits(limits)));
}
