import {
  checkLimit,
  decodeBase64,
  decodeUtf8,
  decodeV1Frame,
  decodeVarint32,
  encodeBase64,
  encodeUtf8,
  encodeV1Frame,
  encodeVarint32,
  M2MError,
  Prefix,
  parseJsonLimited,
  resolveLimits,
  routingHeaderFrom,
  V1CommonFlag,
  V1Security,
  v1BinaryToText,
  v1TextToBinary,
  type WireLimits,
} from "@m2m/wire";
import { type CompressionBackend, frameCrc32, getDefaultBackend } from "./backend.js";
import { CodecErrorCode, codecError } from "./errors.js";
import {
  requireTokenizer,
  type Tokenizer,
  type TokenizerName,
  tokenizerForBinaryId,
  tokenizerForWireId,
} from "./tokenizers.js";

/** Reference M2M v1: JSON of this many UTF-8 bytes or more gets a brotli payload. */
export const V1_COMPRESSION_THRESHOLD = 100;
/** Reference brotli settings: v1 payload q5, `#M2M[v3.0]` codec q11, both lgwin 22. */
export const REFERENCE_BROTLI = { v1Quality: 5, codecQuality: 11, lgwin: 22 } as const;

function utf8Text(input: string | Uint8Array): { text: string; bytes: Uint8Array } {
  if (typeof input === "string") return { text: input, bytes: encodeUtf8(input) };
  try {
    return { text: decodeUtf8(input), bytes: input };
  } catch (cause) {
    throw new M2MError(CodecErrorCode.UNSUPPORTED_INPUT, "input is not valid UTF-8 text", { cause });
  }
}

/**
 * Encode JSON as a reference M2M v1 binary frame (`#M2M|1|` + fixed header, routing header,
 * length, CRC-32, payload). The payload is brotli q5/lgwin22 when the JSON is ≥ 100 bytes, exactly as
 * the reference does (even when that does not make it smaller), else the raw JSON.
 *
 * @example v1BinaryToText(encodeM2MV1('{"model":"gpt-4o","messages":[]}'))
 */
export function encodeM2MV1(
  input: string | Uint8Array,
  options: { backend?: CompressionBackend; limits?: Partial<WireLimits> } = {},
): Uint8Array {
  const { text, bytes } = utf8Text(input);
  const limits = resolveLimits(options.limits);
  let value: unknown;
  try {
    // The reference refuses nesting deeper than 128 on encode; our limit is at most that.
    value = parseJsonLimited(text, {
      maxJsonDepth: Math.min(128, limits.maxJsonDepth),
      maxArrayLength: limits.maxArrayLength,
    });
  } catch (cause) {
    throw new M2MError(CodecErrorCode.UNSUPPORTED_INPUT, "the m2m (v1) algorithm needs JSON input", {
      cause,
    });
  }
  // A top-level JSON string would be re-parsed as JSON text by routingHeaderFrom; like any non-object it routes as an empty request.
  const routing = routingHeaderFrom(typeof value === "string" ? null : value, limits);
  const compressed = bytes.length >= V1_COMPRESSION_THRESHOLD;
  const backend = options.backend ?? getDefaultBackend();
  const payload = compressed
    ? backend.brotliCompress(bytes, { quality: REFERENCE_BROTLI.v1Quality, lgwin: REFERENCE_BROTLI.lgwin })
    : bytes;
  return encodeV1Frame({ routing, compressed, payload, crc32: frameCrc32(bytes) });
}

/** Decode a binary or text `#M2M|1|` frame to the original JSON bytes (CRC, UTF-8 and size checked). */
export function decodeM2MV1(
  frame: string | Uint8Array,
  options: { backend?: CompressionBackend; limits?: Partial<WireLimits> } = {},
): Uint8Array {
  const limits = resolveLimits(options.limits);
  const binary = typeof frame === "string" ? v1TextToBinary(frame, limits) : frame;
  const f = decodeV1Frame(binary, limits);
  if (f.security !== V1Security.NONE) {
    throw codecError(
      CodecErrorCode.SECURED_FRAME,
      "v1 frame is authenticated or encrypted: open it with @m2m/crypto",
    );
  }
  let out: Uint8Array;
  if (f.commonFlags & V1CommonFlag.COMPRESSED) {
    out = (options.backend ?? getDefaultBackend()).brotliDecompress(f.payload, limits.maxDecodedBytes);
  } else {
    checkLimit("maxDecodedBytes", f.payload.length, limits.maxDecodedBytes);
    out = f.payload;
  }
  if (frameCrc32(out) !== f.crc32 >>> 0)
    throw codecError(CodecErrorCode.CHECKSUM_MISMATCH, "v1 payload checksum mismatch");
  decodeUtf8(out); // the reference refuses non-UTF-8 payloads
  return out;
}

/** Text form of {@link encodeM2MV1} (what the reference engine sends). */
export function encodeM2MV1Text(
  input: string | Uint8Array,
  options: { backend?: CompressionBackend; limits?: Partial<WireLimits> } = {},
): string {
  return v1BinaryToText(encodeM2MV1(input, options));
}

/**
 * Reference brotli codec text form: `#M2M[v3.0]|DATA:` + base64(brotli q11, lgwin 22).
 *
 * @example encodeBrotliReference('{"a":1}').startsWith("#M2M[v3.0]|DATA:") // true
 */
export function encodeBrotliReference(
  input: string | Uint8Array,
  options: { backend?: CompressionBackend } = {},
): string {
  const bytes = typeof input === "string" ? encodeUtf8(input) : input;
  const out = (options.backend ?? getDefaultBackend()).brotliCompress(bytes, {
    quality: REFERENCE_BROTLI.codecQuality,
    lgwin: REFERENCE_BROTLI.lgwin,
  });
  return Prefix.BROTLI + encodeBase64(out);
}

/** Decode `#M2M[v3.0]|DATA:` text (bounded brotli, UTF-8 checked like the reference). */
export function decodeBrotliReference(
  text: string,
  options: { backend?: CompressionBackend; limits?: Partial<WireLimits> } = {},
): Uint8Array {
  if (!text.startsWith(Prefix.BROTLI))
    throw codecError(CodecErrorCode.CORRUPT, "not a #M2M[v3.0]|DATA: frame");
  const limits = resolveLimits(options.limits);
  checkLimit("maxFrameBytes", text.length, limits.maxFrameBytes);
  const compressed = decodeBase64(text, Prefix.BROTLI.length);
  const out = (options.backend ?? getDefaultBackend()).brotliDecompress(compressed, limits.maxDecodedBytes);
  decodeUtf8(out);
  return out;
}

function idsToVarints(ids: readonly number[], prefixBytes = 0): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = prefixBytes;
  for (const id of ids) {
    const v = encodeVarint32(id);
    parts.push(v);
    total += v.length;
  }
  const out = new Uint8Array(total);
  let off = prefixBytes;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

function varintsToIds(bytes: Uint8Array, start: number): number[] {
  const ids: number[] = [];
  let pos = start;
  while (pos < bytes.length) {
    const r = decodeVarint32(bytes, pos);
    ids.push(r.value);
    pos += r.length;
  }
  return ids;
}

function decodeIds(tokenizer: Tokenizer, ids: number[], maxDecodedBytes: number): Uint8Array {
  // Every token is at least one byte: refuse early when the count alone exceeds the limit.
  checkLimit("maxDecodedBytes", ids.length, maxDecodedBytes);
  for (const id of ids) {
    if (!tokenizer.isKnownId(id)) {
      throw codecError(CodecErrorCode.CORRUPT, `token id ${id} is outside the ${tokenizer.name} vocabulary`);
    }
  }
  let text: string;
  try {
    if (ids.length * 8 > maxDecodedBytes) {
      // A UTF-16 unit needs at least one byte, so summing chunk lengths is a lower bound: stop a long-token bomb early.
      let units = 0;
      for (let i = 0; i < ids.length; i += 8192) {
        units += tokenizer.decode(ids.slice(i, i + 8192)).length;
        checkLimit("maxDecodedBytes", units, maxDecodedBytes);
      }
    }
    text = tokenizer.decode(ids);
  } catch (e) {
    if (M2MError.isInstance(e)) throw e;
    throw codecError(CodecErrorCode.CORRUPT, `token id outside the ${tokenizer.name} vocabulary`);
  }
  const out = encodeUtf8(text);
  checkLimit("maxDecodedBytes", out.length, maxDecodedBytes);
  return out;
}

function textOf(input: string | Uint8Array): string {
  return utf8Text(input).text;
}

/**
 * TokenNative text form `#TK|<C|O|L>|` + base64(LEB128 token ids). cl100k/o200k use js-tiktoken with
 * special tokens allowed (reference-compatible ids); special-token text round-trips as the same text.
 * The tokenizer must be loaded first ({@link loadTokenizer}).
 *
 * @example await loadTokenizer("cl100k"); encodeTokenNativeText("Hello, world!", "cl100k") // "#TK|C|sk0L/Q4A"
 */
export function encodeTokenNativeText(
  input: string | Uint8Array,
  tokenizer: TokenizerName = "cl100k",
): string {
  const t = requireTokenizer(tokenizer);
  return `${Prefix.TOKEN_NATIVE}${t.wireId}|${encodeBase64(idsToVarints(t.encode(textOf(input))))}`;
}

/** Decode a `#TK|x|` text frame. Unknown tokenizer ids are an error (the reference silently used cl100k). */
export function decodeTokenNativeText(
  text: string,
  options: { limits?: Partial<WireLimits> } = {},
): Uint8Array {
  if (!text.startsWith(Prefix.TOKEN_NATIVE)) throw codecError(CodecErrorCode.CORRUPT, "not a #TK| frame");
  const limits = resolveLimits(options.limits);
  checkLimit("maxFrameBytes", text.length, limits.maxFrameBytes);
  const bar = text.indexOf("|", Prefix.TOKEN_NATIVE.length);
  if (bar < 0 || bar === Prefix.TOKEN_NATIVE.length)
    throw codecError(CodecErrorCode.CORRUPT, "#TK| frame without a tokenizer id");
  const name = tokenizerForWireId(text.charAt(Prefix.TOKEN_NATIVE.length));
  const ids = varintsToIds(decodeBase64(text, bar + 1), 0);
  return decodeIds(requireTokenizer(name), ids, limits.maxDecodedBytes);
}

/** Reference binary TokenNative: `<tokenizer byte><LEB128 ids>` (no prefix; 0 cl100k, 1 o200k, 2 Llama 3). */
export function encodeTokenNativeBinary(
  input: string | Uint8Array,
  tokenizer: TokenizerName = "cl100k",
): Uint8Array {
  const t = requireTokenizer(tokenizer);
  const out = idsToVarints(t.encode(textOf(input)), 1);
  out[0] = t.binaryId;
  return out;
}

/** Decode the reference binary TokenNative form. */
export function decodeTokenNativeBinary(
  bytes: Uint8Array,
  options: { limits?: Partial<WireLimits> } = {},
): Uint8Array {
  const limits = resolveLimits(options.limits);
  checkLimit("maxFrameBytes", bytes.length, limits.maxFrameBytes);
  if (bytes.length === 0) throw codecError(CodecErrorCode.CORRUPT, "empty TokenNative binary");
  const name = tokenizerForBinaryId(bytes[0]!);
  return decodeIds(requireTokenizer(name), varintsToIds(bytes, 1), limits.maxDecodedBytes);
}

/** Token ids only (for the v2 TOKEN_NATIVE codec payload). */
export function tokenIdsToVarints(ids: readonly number[]): Uint8Array {
  return idsToVarints(ids);
}

/** @internal decode a varint id payload with a loaded tokenizer. */
export function decodeTokenPayload(
  name: TokenizerName,
  payload: Uint8Array,
  maxDecodedBytes: number,
): Uint8Array {
  return decodeIds(requireTokenizer(name), varintsToIds(payload, 0), maxDecodedBytes);
}
