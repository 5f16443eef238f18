import { M2MError, WireErrorCode } from "./errors.js";
import { peekV1Header, peekV1HeaderText, V1CommonFlag, V1Security } from "./frame-v1.js";
import { peekV2Header, peekV2HeaderText, V2Security } from "./frame-v2.js";
import type { WireLimits } from "./limits.js";
import { detectFormat, WireFormat } from "./prefix.js";
import type { Routing } from "./routing.js";
import { decodeUtf8 } from "./utf8.js";

/** Names of security modes, across frame versions. */
export type SecurityName = "none" | "hmac-sha256" | "chacha20-poly1305" | "xchacha20-poly1305";

/** What a router can read from a frame without touching its payload. */
export interface PeekedHeader {
  readonly format: typeof WireFormat.M2M_V1 | typeof WireFormat.M2M_V2;
  readonly form: "text" | "binary";
  readonly schema: number;
  readonly security: SecurityName;
  /** v1: the COMPRESSED flag; v2: codec id is not RAW. */
  readonly compressed: boolean;
  /** v2 codec id (v1 frames report 0x01, brotli, when compressed, else 0x00). */
  readonly codec: number;
  readonly routing: Routing | null;
}

const V1_SECURITY: Readonly<Record<number, SecurityName>> = {
  [V1Security.NONE]: "none",
  [V1Security.HMAC]: "hmac-sha256",
  [V1Security.AEAD]: "chacha20-poly1305",
};
const V2_SECURITY: Readonly<Record<number, SecurityName>> = {
  [V2Security.HMAC_SHA256]: "hmac-sha256",
  [V2Security.CHACHA20_POLY1305]: "chacha20-poly1305",
  [V2Security.XCHACHA20_POLY1305]: "xchacha20-poly1305",
};

/**
 * Read the routing header of an M2M frame (v1 or v2, text or binary) without decompressing,
 * decrypting or even base64-decoding the payload.
 *
 * @example peekHeader("#M2M|1|IgAB…").routing?.model // "gpt-4o"
 */
export function peekHeader(input: string | Uint8Array, limits: Partial<WireLimits> = {}): PeekedHeader {
  const detected = detectFormat(input);
  if (detected.format === WireFormat.M2M_V1) {
    const text = typeof input === "string" ? input : detected.form === "text" ? asciiText(input) : null;
    const h = text === null ? peekV1Header(input as Uint8Array, limits) : peekV1HeaderText(text, limits);
    const compressed = (h.commonFlags & V1CommonFlag.COMPRESSED) !== 0;
    return {
      format: WireFormat.M2M_V1,
      form: detected.form,
      schema: h.schema,
      security: V1_SECURITY[h.security]!,
      compressed,
      codec: compressed ? 0x01 : 0x00,
      routing: h.routing,
    };
  }
  if (detected.format === WireFormat.M2M_V2) {
    const text = typeof input === "string" ? input : detected.form === "text" ? asciiText(input) : null;
    const h = text === null ? peekV2Header(input as Uint8Array, limits) : peekV2HeaderText(text, limits);
    return {
      format: WireFormat.M2M_V2,
      form: detected.form,
      schema: h.schema,
      security: h.security ? V2_SECURITY[h.security.mode]! : "none",
      compressed: h.codec !== 0,
      codec: h.codec,
      routing: h.routing,
    };
  }
  if (detected.format === WireFormat.M2M_UNKNOWN_VERSION) {
    throw new M2MError(WireErrorCode.UNSUPPORTED_VERSION, "unsupported M2M frame version");
  }
  throw new M2MError(WireErrorCode.BAD_PREFIX, `a ${detected.format} message carries no routing header`);
}

function asciiText(bytes: Uint8Array): string {
  return decodeUtf8(bytes);
}
