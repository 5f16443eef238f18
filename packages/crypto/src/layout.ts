import {
  BinaryReader,
  checkLimit,
  M2MError,
  V1_FIXED_HEADER_BYTES,
  V1Security,
  V2_MAGIC,
  V2_TAG_BYTES,
  V2_VERSION,
  V2Flag,
  V2Security,
  WireErrorCode,
  type WireLimits,
} from "@m2m/wire";

/**
 * Structural scans of v1 and v2 frames: where each section starts and ends, with the same
 * structural checks and limits as `@m2m/wire`'s decoders, but without interpreting the routing
 * header (crypto authenticates those bytes; `@m2m/codec` decodes them later). Parsing the routing
 * header was most of the fixed cost of sealing a small frame. A property test pins that these
 * scans agree with `decodeV1Frame` / `decodeV2Frame` on every valid frame.
 */

const V1_PREFIX_BYTES = 7;
const KNOWN_V2_FLAGS = V2Flag.ROUTING | V2Flag.CHECKSUM | V2Flag.SECURED;

/** Offsets in a binary v2 frame. */
export interface V2Layout {
  readonly flags: number;
  /** End of the bytes before the security section (or before originalLength when unsecured). */
  readonly preEnd: number;
  readonly security: { readonly mode: V2Security; readonly params: Uint8Array } | null;
  readonly originalLength: number;
  /** Offset of the originalLength varint (the end of the security section). */
  readonly originalLengthStart: number;
  /** End of the header (start of the payload-length varint). */
  readonly headerEnd: number;
  readonly payloadStart: number;
  readonly payloadEnd: number;
  readonly crc32: number | null;
  readonly tagStart: number;
}

export function scanV2(frame: Uint8Array, limits: WireLimits): V2Layout {
  checkLimit("maxFrameBytes", frame.length, limits.maxFrameBytes);
  const r = new BinaryReader(frame);
  if (r.uint8() !== V2_MAGIC[0] || r.uint8() !== V2_MAGIC[1])
    throw new M2MError(WireErrorCode.BAD_PREFIX, "not an M2M v2 frame");
  const version = r.uint8();
  if (version !== V2_VERSION)
    throw new M2MError(WireErrorCode.UNSUPPORTED_VERSION, `unsupported M2M frame version ${version}`);
  const flags = r.uint8();
  if (flags & ~KNOWN_V2_FLAGS)
    throw new M2MError(WireErrorCode.BAD_HEADER, `unknown v2 flag bits 0x${flags.toString(16)}`);
  r.uint8(); // schema
  r.uint8(); // codec
  r.lengthPrefixed(4096); // codec params
  if (flags & V2Flag.ROUTING) r.lengthPrefixed(1 << 20);
  const preEnd = r.pos;
  let security: V2Layout["security"] = null;
  if (flags & V2Flag.SECURED) {
    const mode = r.uint8();
    if (V2_TAG_BYTES[mode] === undefined)
      throw new M2MError(WireErrorCode.BAD_HEADER, `unknown v2 security mode ${mode}`);
    if (mode !== V2Security.HMAC_SHA256 && flags & V2Flag.CHECKSUM)
      throw new M2MError(WireErrorCode.BAD_HEADER, "AEAD frame must not carry a plaintext checksum");
    security = { mode: mode as V2Security, params: r.lengthPrefixed(4096) };
  }
  const originalLengthStart = r.pos;
  const originalLength = r.varint();
  checkLimit("maxDecodedBytes", originalLength, limits.maxDecodedBytes);
  const headerEnd = r.pos;
  const payloadLength = r.varint();
  const payloadStart = r.pos;
  r.bytes(payloadLength);
  const payloadEnd = r.pos;
  const crc32 = flags & V2Flag.CHECKSUM ? r.uint32le() : null;
  const tagStart = r.pos;
  r.bytes(security ? V2_TAG_BYTES[security.mode]! : 0);
  if (r.remaining !== 0)
    throw new M2MError(WireErrorCode.BAD_HEADER, `${r.remaining} trailing bytes after the v2 frame`);
  return {
    flags,
    preEnd,
    security,
    originalLength,
    originalLengthStart,
    headerEnd,
    payloadStart,
    payloadEnd,
    crc32,
    tagStart,
  };
}

/** Offsets in a binary v1 frame (prefix included). */
export interface V1Layout {
  readonly security: V1Security;
  /** Offset just after the prefix (start of the fixed header). */
  readonly headerStart: number;
  /** End of fixed + variable header. */
  readonly headerEnd: number;
  /** NONE/HMAC: end of the payload (start of the trailer). AEAD: the frame's end. */
  readonly payloadEnd: number;
}

export function scanV1(frame: Uint8Array, limits: WireLimits): V1Layout {
  checkLimit("maxFrameBytes", frame.length, limits.maxFrameBytes);
  const r = new BinaryReader(frame, V1_PREFIX_BYTES);
  const headerLength = r.uint16le();
  if (headerLength < V1_FIXED_HEADER_BYTES)
    throw new M2MError(WireErrorCode.BAD_HEADER, `invalid header_len ${headerLength}`);
  if (frame.length - V1_PREFIX_BYTES < headerLength)
    throw new M2MError(WireErrorCode.TRUNCATED, "input ends inside the v1 header");
  r.uint8(); // schema
  const security = r.uint8();
  if (security !== V1Security.NONE && security !== V1Security.HMAC && security !== V1Security.AEAD)
    throw new M2MError(WireErrorCode.BAD_HEADER, `unknown security mode 0x${security.toString(16)}`);
  const headerEnd = V1_PREFIX_BYTES + headerLength;
  if (security === V1Security.AEAD) {
    if (frame.length - headerEnd < 12 + 16)
      throw new M2MError(WireErrorCode.TRUNCATED, "AEAD frame is shorter than nonce and tag");
    return { security, headerStart: V1_PREFIX_BYTES, headerEnd, payloadEnd: frame.length };
  }
  r.pos = headerEnd;
  const payloadLength = r.uint32le();
  r.uint32le(); // crc
  r.bytes(payloadLength);
  return { security: security as V1Security, headerStart: V1_PREFIX_BYTES, headerEnd, payloadEnd: r.pos };
}
