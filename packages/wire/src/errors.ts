const BRAND: unique symbol = Symbol.for("@m2m/wire/M2MError");

/** Options accepted by {@link M2MError}. */
export interface M2MErrorOptions {
  /** The underlying error, kept for debugging; never shown to a remote peer. */
  cause?: unknown;
  /** Machine-readable context (limits, offsets). Never put payload bytes or key material here. */
  details?: Readonly<Record<string, string | number | boolean>>;
}

/**
 * The one error type of every M2M package. `code` is a stable string namespaced by package
 * (`WIRE_TRUNCATED`, `CODEC_LIMIT_EXCEEDED`, `CRYPTO_AUTH_FAILED`, …): match on it, not on `message`.
 *
 * @example
 * try { decodeBase64("abc") } catch (e) { if (M2MError.isInstance(e) && e.code === WireErrorCode.BAD_BASE64) … }
 */
export class M2MError extends Error {
  readonly code: string;
  readonly details: Readonly<Record<string, string | number | boolean>> | undefined;

  constructor(code: string, message: string, options: M2MErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "M2MError";
    this.code = code;
    this.details = options.details;
    // A registered symbol, not a class field, so isInstance works across copies of this package.
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** True for an `M2MError` from any copy of this package (works across duplicated installs and realms). */
  static isInstance(value: unknown): value is M2MError {
    return (
      typeof value === "object" &&
      value !== null &&
      (value as { [BRAND]?: unknown })[BRAND] === true &&
      typeof (value as { code?: unknown }).code === "string"
    );
  }
}

/** Error codes raised by `@m2m/wire`. */
export const WireErrorCode = {
  /** Input ended before a complete value or frame. */
  TRUNCATED: "WIRE_TRUNCATED",
  /** A varint used more bytes than its value needs, or does not fit its type. */
  BAD_VARINT: "WIRE_BAD_VARINT",
  /** Text is not strict, padded, standard base64. */
  BAD_BASE64: "WIRE_BAD_BASE64",
  /** Bytes are not well-formed UTF-8. */
  BAD_UTF8: "WIRE_BAD_UTF8",
  /** Input does not start with the prefix or magic the decoder expects. */
  BAD_PREFIX: "WIRE_BAD_PREFIX",
  /** A header field is malformed or inconsistent. */
  BAD_HEADER: "WIRE_BAD_HEADER",
  /** The frame version is not one this implementation reads. */
  UNSUPPORTED_VERSION: "WIRE_UNSUPPORTED_VERSION",
  /** A configured limit (frame bytes, model length, messages, depth…) would be exceeded. */
  LIMIT_EXCEEDED: "WIRE_LIMIT_EXCEEDED",
  /** CRC-32 of the decoded payload does not match the frame. */
  CHECKSUM_MISMATCH: "WIRE_CHECKSUM_MISMATCH",
  /** Input is not valid JSON where JSON is required. */
  BAD_JSON: "WIRE_BAD_JSON",
  /** A caller passed an argument outside its documented domain. */
  INVALID_ARGUMENT: "WIRE_INVALID_ARGUMENT",
} as const;
export type WireErrorCode = (typeof WireErrorCode)[keyof typeof WireErrorCode];
