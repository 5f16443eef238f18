import { M2MError } from "@m2m/wire";

/**
 * Error codes thrown by `@m2m/codec` (always inside an {@link M2MError}). Codes from `@m2m/wire`
 * (`WIRE_TRUNCATED`, `WIRE_BAD_BASE64`, `WIRE_LIMIT_EXCEEDED`…) pass through unchanged.
 *
 * @example
 * try { decompress(frame) } catch (e) { if (M2MError.isInstance(e) && e.code === CodecErrorCode.DELTA_BASE_MISSING) resend() }
 */
export const CodecErrorCode = {
  /** Decoded output would exceed `maxDecodedBytes` (the decompression-bomb guard) or another limit. */
  LIMIT_EXCEEDED: "CODEC_LIMIT_EXCEEDED",
  /** The compressed stream is malformed, truncated or decodes to the wrong length. */
  CORRUPT: "CODEC_CORRUPT",
  /** The decoded bytes do not match the CRC-32 carried by the frame. */
  CHECKSUM_MISMATCH: "CODEC_CHECKSUM_MISMATCH",
  /** The frame names a codec id this version does not implement. */
  UNKNOWN_CODEC: "CODEC_UNKNOWN_CODEC",
  /** The frame names a dictionary the decoder was not given. */
  UNKNOWN_DICTIONARY: "CODEC_UNKNOWN_DICTIONARY",
  /** A dictionary file is malformed or its content hash does not match. */
  BAD_DICTIONARY: "CODEC_BAD_DICTIONARY",
  /** Unknown tokenizer name or id, or a token id outside the vocabulary. */
  UNKNOWN_TOKENIZER: "CODEC_UNKNOWN_TOKENIZER",
  /** A tokenizer is needed synchronously but was not loaded with `loadTokenizer` first. */
  TOKENIZER_NOT_LOADED: "CODEC_TOKENIZER_NOT_LOADED",
  /** The selected backend cannot do this (e.g. brotli in the portable backend without brotli-wasm). */
  BACKEND_UNAVAILABLE: "CODEC_BACKEND_UNAVAILABLE",
  /** A delta frame references a base payload this decoder does not hold: resend a full frame. */
  DELTA_BASE_MISSING: "CODEC_DELTA_BASE_MISSING",
  /** The frame is authenticated or encrypted: open it with `@m2m/crypto` before decompressing. */
  SECURED_FRAME: "CODEC_SECURED_FRAME",
  /** The input cannot be encoded with the requested algorithm (e.g. `m2m` needs JSON, `tk` needs UTF-8). */
  UNSUPPORTED_INPUT: "CODEC_UNSUPPORTED_INPUT",
  /** A caller passed an invalid option. */
  INVALID_ARGUMENT: "CODEC_INVALID_ARGUMENT",
} as const;
export type CodecErrorCode = (typeof CodecErrorCode)[keyof typeof CodecErrorCode];

/** Shorthand used across the package. */
export function codecError(
  code: CodecErrorCode,
  message: string,
  details?: Readonly<Record<string, string | number | boolean>>,
): M2MError {
  return new M2MError(code, message, details ? { details } : {});
}
