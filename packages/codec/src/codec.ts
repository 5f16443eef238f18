import {
  CodecId,
  checkLimit,
  decodeUtf8,
  decodeV2Frame,
  detectFormat,
  encodeUtf8,
  encodeV2Frame,
  M2MError,
  parseJsonLimited,
  peekV2Header,
  peekV2HeaderText,
  type Routing,
  resolveLimits,
  routingHeaderFrom,
  Schema,
  type V2Frame,
  v1BinaryToText,
  v2BinaryToText,
  v2TextToBinary,
  WireFormat,
  type WireLimits,
} from "@m2m/wire";
import { type CompressionBackend, frameCrc32, getDefaultBackend } from "./backend.js";
import {
  contextDictionary,
  type Dictionary,
  dictionaryReference,
  getDefaultDictionary,
  referencedDictionaryId,
} from "./dictionary.js";
import { CodecErrorCode, codecError } from "./errors.js";
import { bytesEqual } from "./hash.js";
import { lzrContext, lzrDecode, lzrEffort, lzrEncode } from "./lzr.js";
import {
  decodeBrotliReference,
  decodeM2MV1,
  decodeTokenNativeText,
  decodeTokenPayload,
  encodeBrotliReference,
  encodeM2MV1,
  encodeTokenNativeText,
  REFERENCE_BROTLI,
  tokenIdsToVarints,
} from "./reference.js";
import {
  loadTokenizer,
  requireTokenizer,
  type TokenizerName,
  tokenizerForBinaryId,
  tokenizerForWireId,
} from "./tokenizers.js";

/** Algorithms selectable by name. */
export const Algorithm = {
  AUTO: "auto",
  M2M: "m2m",
  BROTLI: "brotli",
  TK: "tk",
  /** The dictionary codec, LZR (spec/codec.md §10). */
  DICT: "dict",
  /** Raw deflate with the dictionary's last 32 KiB as preset dictionary (faster, larger). */
  DICT_DEFLATE: "dict-deflate",
  NONE: "none",
} as const;
export type Algorithm = (typeof Algorithm)[keyof typeof Algorithm];

/** Options for {@link compress} and {@link compressToText}. */
export interface CompressOptions {
  /** Default `"auto"`. */
  readonly algorithm?: Algorithm;
  /** TokenNative tokenizer (default cl100k); must be loaded with `loadTokenizer` first. */
  readonly tokenizer?: TokenizerName;
  /** Dictionary for `dict`/`auto` (default: the shipped one). */
  readonly dictionary?: Dictionary;
  /** Compression backend (default: Node zlib when present, else portable). */
  readonly backend?: CompressionBackend;
  /**
   * LZR encoder effort for `dict`/`auto`: `"fast"` (default, price-weighed lazy parse) or `"best"`
   * (price-driven optimal parse up to 16 KiB: ~3 % smaller, ~5x slower). Decoding does not depend on it.
   */
  readonly effort?: "best" | "fast";
  /** Put a routing header (model, roles, sizes, cost estimate) in v2 frames; parses the JSON (default false). */
  readonly routing?: boolean;
  readonly limits?: Partial<WireLimits>;
}

/** Options for {@link decompress} and {@link decompressToString}. */
export interface DecompressOptions {
  /** Dictionaries a frame may name, besides the shipped default. */
  readonly dictionaries?: readonly Dictionary[];
  readonly backend?: CompressionBackend;
  /** `maxDecodedBytes` (default 16 MiB) is the decompression-bomb guard. */
  readonly limits?: Partial<WireLimits>;
}

/** Deflate level used by the dictionary codec. */
export const DICTIONARY_DEFLATE_LEVEL = 6;
/** Auto never emits more than this many bytes beyond the input. */
export const MAX_INFLATION_BYTES = 16;
/**
 * Largest input `auto` codes with LZR (pure JavaScript, ~0.3 µs per byte); larger inputs use brotli
 * at {@link AUTO_BROTLI_QUALITY} through the backend.
 */
export const AUTO_LZR_MAX_BYTES = 262144;
export const AUTO_BROTLI_QUALITY = 5;

const EMPTY = new Uint8Array(0);

function toBytes(input: string | Uint8Array): Uint8Array {
  return typeof input === "string" ? encodeUtf8(input) : input;
}

function indexOfAscii(bytes: Uint8Array, needle: string, end: number): number {
  const first = needle.charCodeAt(0);
  outer: for (let i = 0; i + needle.length <= end; i++) {
    if (bytes[i] !== first) continue;
    for (let k = 1; k < needle.length; k++) if (bytes[i + k] !== needle.charCodeAt(k)) continue outer;
    return i;
  }
  return -1;
}

/** Cheap schema guess from the first 4 KiB (the v2 schema byte is informational). */
export function guessSchema(bytes: Uint8Array): number {
  const end = Math.min(bytes.length, 4096);
  if (indexOfAscii(bytes, "data:", Math.min(end, 64)) === 0) return Schema.STREAM;
  if (indexOfAscii(bytes, '"messages"', end) >= 0) return Schema.REQUEST;
  if (indexOfAscii(bytes, '"choices"', end) >= 0) return Schema.RESPONSE;
  if (indexOfAscii(bytes, '"error"', end) >= 0) return Schema.ERROR;
  return Schema.UNKNOWN;
}

function routingFor(bytes: Uint8Array, options: CompressOptions): Routing | null {
  if (!options.routing) return null;
  const limits = resolveLimits(options.limits);
  try {
    const value = parseJsonLimited(decodeUtf8(bytes), limits);
    return routingHeaderFrom(typeof value === "string" ? null : value, limits);
  } catch {
    return null; // not JSON: no routing header, still compressible
  }
}

interface FrameParts {
  readonly codec: number;
  readonly params?: Uint8Array;
  readonly payload: Uint8Array;
  readonly checksum: boolean;
}

/** @internal assemble a v2 frame around an encoded payload. */
export function buildFrame(
  original: Uint8Array,
  parts: FrameParts,
  schema: number,
  routing: Routing | null,
): Uint8Array {
  return encodeV2Frame({
    schema,
    codec: parts.codec,
    codecParams: parts.params ?? EMPTY,
    routing,
    originalLength: original.length,
    crc32: parts.checksum ? frameCrc32(original) : null,
    payload: parts.payload,
  });
}

function rawParts(bytes: Uint8Array): FrameParts {
  // No checksum: a raw payload is its own proof, and this keeps the frame within 16 bytes of the input.
  return { codec: CodecId.RAW, payload: bytes, checksum: false };
}

/** The part of a dictionary raw deflate can reference: its last 32 KiB, as delta and SSE use it. */
const deflateWindow = (dictionary: Dictionary): Uint8Array =>
  contextDictionary(dictionary.bytes) ?? dictionary.bytes;

function dictDeflateParts(
  bytes: Uint8Array,
  dictionary: Dictionary,
  backend: CompressionBackend,
): FrameParts {
  return {
    codec: CodecId.DICTIONARY_DEFLATE,
    params: dictionaryReference(dictionary),
    payload: backend.deflateRaw(bytes, {
      level: DICTIONARY_DEFLATE_LEVEL,
      dictionary: deflateWindow(dictionary),
    }),
    checksum: true,
  };
}

function lzrParts(bytes: Uint8Array, dictionary: Dictionary, effort: CompressOptions["effort"]): FrameParts {
  if (effort !== undefined && effort !== "best" && effort !== "fast")
    throw codecError(CodecErrorCode.INVALID_ARGUMENT, `unknown effort "${String(effort)}"`);
  const ctx = lzrContext(dictionary);
  return {
    codec: CodecId.DICTIONARY_LZR,
    params: dictionaryReference(dictionary),
    payload: lzrEncode(ctx, bytes, lzrEffort(effort ?? "fast", bytes.length)),
    checksum: true,
  };
}

function brotliParts(bytes: Uint8Array, backend: CompressionBackend, quality: number): FrameParts {
  return {
    codec: CodecId.BROTLI,
    payload: backend.brotliCompress(bytes, { quality, lgwin: REFERENCE_BROTLI.lgwin }),
    checksum: true,
  };
}

function tkParts(bytes: Uint8Array, name: TokenizerName): FrameParts {
  const t = requireTokenizer(name);
  let text: string;
  try {
    text = decodeUtf8(bytes);
  } catch (cause) {
    throw new M2MError(CodecErrorCode.UNSUPPORTED_INPUT, "TokenNative needs UTF-8 text", { cause });
  }
  return {
    codec: CodecId.TOKEN_NATIVE,
    params: Uint8Array.of(t.binaryId),
    payload: tokenIdsToVarints(t.encode(text)),
    checksum: true,
  };
}

/** Size a frame would have, for selection without building it twice. */
function frameSize(original: number, p: FrameParts): number {
  const v = (n: number): number => (n < 128 ? 1 : n < 16384 ? 2 : n < 2097152 ? 3 : 4);
  const params = p.params?.length ?? 0;
  return 6 + v(params) + params + v(original) + v(p.payload.length) + p.payload.length + (p.checksum ? 4 : 0);
}

function autoParts(bytes: Uint8Array, options: CompressOptions): FrameParts {
  const raw = rawParts(bytes);
  if (bytes.length < 24) return raw;
  const packed =
    bytes.length <= AUTO_LZR_MAX_BYTES
      ? lzrParts(bytes, options.dictionary ?? getDefaultDictionary(), options.effort)
      : brotliParts(bytes, options.backend ?? getDefaultBackend(), AUTO_BROTLI_QUALITY);
  return frameSize(bytes.length, packed) < frameSize(bytes.length, raw) ? packed : raw;
}

function looksFramed(bytes: Uint8Array): boolean {
  return detectFormat(bytes).format !== WireFormat.PASSTHROUGH;
}

/**
 * Compress to a binary frame. `auto` (default), `dict`, `brotli`, `tk` and `none` produce a v2 frame
 * (`C1 4D 02 …`, see spec/codec.md); `m2m` produces the reference binary `#M2M|1|` frame.
 * `auto` output is never more than 16 bytes larger than the input.
 *
 * @example const frame = compress('{"model":"gpt-4o","messages":[]}'); decompressToString(frame)
 */
export function compress(input: string | Uint8Array, options: CompressOptions = {}): Uint8Array {
  const bytes = toBytes(input);
  const limits = resolveLimits(options.limits);
  checkLimit("maxDecodedBytes", bytes.length, limits.maxDecodedBytes);
  const algorithm = options.algorithm ?? Algorithm.AUTO;
  const backend = options.backend ?? getDefaultBackend();
  let parts: FrameParts;
  switch (algorithm) {
    case Algorithm.M2M:
      return encodeM2MV1(bytes, { backend, limits });
    case Algorithm.NONE:
      // Passthrough: the bytes themselves, unless they would be mistaken for a frame.
      if (!looksFramed(bytes)) return bytes;
      parts = rawParts(bytes);
      break;
    case Algorithm.BROTLI:
      parts = brotliParts(bytes, backend, REFERENCE_BROTLI.codecQuality);
      break;
    case Algorithm.TK:
      parts = tkParts(bytes, options.tokenizer ?? "cl100k");
      break;
    case Algorithm.DICT:
      parts = lzrParts(bytes, options.dictionary ?? getDefaultDictionary(), options.effort);
      break;
    case Algorithm.DICT_DEFLATE:
      parts = dictDeflateParts(bytes, options.dictionary ?? getDefaultDictionary(), backend);
      break;
    case Algorithm.AUTO:
      parts = autoParts(bytes, options);
      break;
    default:
      throw codecError(CodecErrorCode.INVALID_ARGUMENT, `unknown algorithm "${String(algorithm)}"`);
  }
  return buildFrame(bytes, parts, guessSchema(bytes), routingFor(bytes, options));
}

/**
 * Compress to a text form: `#M2M|1|…` (m2m), `#M2M[v3.0]|DATA:…` (brotli), `#TK|C|…` (tk),
 * `#M2M|2|…` (dict, dict-deflate, auto) or the text itself (none; auto when that is shorter and unambiguous).
 *
 * @example compressToText(json, { algorithm: "brotli" }).startsWith("#M2M[v3.0]|DATA:")
 */
export function compressToText(input: string | Uint8Array, options: CompressOptions = {}): string {
  const algorithm = options.algorithm ?? Algorithm.AUTO;
  const backend = options.backend ?? getDefaultBackend();
  const limits = resolveLimits(options.limits);
  switch (algorithm) {
    case Algorithm.M2M:
      return v1BinaryToText(encodeM2MV1(input, { backend, limits }));
    case Algorithm.BROTLI:
      checkLimit("maxDecodedBytes", toBytes(input).length, limits.maxDecodedBytes);
      return encodeBrotliReference(input, { backend });
    case Algorithm.TK:
      return encodeTokenNativeText(input, options.tokenizer ?? "cl100k");
    case Algorithm.NONE: {
      const text = typeof input === "string" ? input : decodeUtf8(input);
      if (detectFormat(text).format === WireFormat.PASSTHROUGH) return text;
      return v2BinaryToText(compress(input, options));
    }
    case Algorithm.DICT:
    case Algorithm.DICT_DEFLATE:
      return v2BinaryToText(compress(input, options));
    case Algorithm.AUTO: {
      const framed = v2BinaryToText(compress(input, options));
      if (typeof input !== "string") {
        try {
          input = decodeUtf8(input);
        } catch {
          return framed;
        }
      }
      return input.length <= framed.length && detectFormat(input).format === WireFormat.PASSTHROUGH
        ? input
        : framed;
    }
    default:
      throw codecError(CodecErrorCode.INVALID_ARGUMENT, `unknown algorithm "${String(algorithm)}"`);
  }
}

function findDictionary(reference: Uint8Array, options: DecompressOptions): Dictionary {
  const id = referencedDictionaryId(reference);
  for (const d of options.dictionaries ?? []) if (bytesEqual(d.id, id)) return d;
  const def = getDefaultDictionary();
  if (bytesEqual(def.id, id)) return def;
  throw codecError(CodecErrorCode.UNKNOWN_DICTIONARY, "frame names a dictionary this decoder was not given");
}

/** @internal decode the payload of a parsed v2 frame (not DELTA) and verify its length and CRC. */
export function decodeV2Payload(frame: V2Frame, options: DecompressOptions, limits: WireLimits): Uint8Array {
  if (frame.security)
    throw codecError(CodecErrorCode.SECURED_FRAME, "frame is sealed: open it with @m2m/crypto first");
  const backend = options.backend ?? getDefaultBackend();
  const cap = Math.min(frame.originalLength, limits.maxDecodedBytes);
  let out: Uint8Array;
  switch (frame.codec) {
    case CodecId.RAW:
      if (frame.codecParams.length) throw codecError(CodecErrorCode.CORRUPT, "raw codec takes no parameters");
      out = frame.payload;
      break;
    case CodecId.BROTLI:
      out = backend.brotliDecompress(frame.payload, cap);
      break;
    case CodecId.DEFLATE:
      out = backend.inflateRaw(frame.payload, cap);
      break;
    case CodecId.DICTIONARY_DEFLATE: {
      const dict = findDictionary(frame.codecParams, options);
      out = backend.inflateRaw(frame.payload, cap, deflateWindow(dict));
      break;
    }
    case CodecId.DICTIONARY_LZR: {
      const dict = findDictionary(frame.codecParams, options);
      // originalLength was checked against maxDecodedBytes when the header was read.
      out = lzrDecode(lzrContext(dict), frame.payload, frame.originalLength);
      break;
    }
    case CodecId.TOKEN_NATIVE: {
      if (frame.codecParams.length !== 1)
        throw codecError(CodecErrorCode.CORRUPT, "tokenizer parameter must be 1 byte");
      out = decodeTokenPayload(tokenizerForBinaryId(frame.codecParams[0]!), frame.payload, cap);
      break;
    }
    case CodecId.DELTA:
      throw codecError(
        CodecErrorCode.DELTA_BASE_MISSING,
        "delta frame: decode it with the session's DeltaDecoder",
      );
    default:
      throw codecError(CodecErrorCode.UNKNOWN_CODEC, `unknown v2 codec id ${frame.codec}`);
  }
  verifyDecoded(frame, out);
  return out;
}

/** @internal length and CRC check shared by every v2 codec. */
export function verifyDecoded(frame: V2Frame, out: Uint8Array): void {
  if (out.length !== frame.originalLength) {
    throw codecError(
      CodecErrorCode.CORRUPT,
      `decoded ${out.length} bytes, header says ${frame.originalLength}`,
    );
  }
  if (frame.crc32 !== null && frameCrc32(out) !== frame.crc32 >>> 0) {
    throw codecError(CodecErrorCode.CHECKSUM_MISMATCH, "decoded bytes do not match the frame checksum");
  }
}

/**
 * Decompress any M2M form (detected by prefix/magic): v2 binary or `#M2M|2|`, `#M2M|1|` binary or
 * text, `#M2M[v3.0]|DATA:`, `#TK|x|`. Anything else is passthrough and returned unchanged.
 * Sizes are checked before and during decompression; every failure is an `M2MError`.
 *
 * @example decompress(compress("hello")) // Uint8Array of "hello"
 */
export function decompress(input: string | Uint8Array, options: DecompressOptions = {}): Uint8Array {
  const limits = resolveLimits(options.limits);
  checkLimit("maxFrameBytes", input.length, limits.maxFrameBytes);
  const detected = detectFormat(input);
  const backend = options.backend ?? getDefaultBackend();
  switch (detected.format) {
    case WireFormat.M2M_V2: {
      const binary = typeof input === "string" ? v2TextToBinary(input, limits) : input;
      return decodeV2Payload(decodeV2Frame(binary, limits), options, limits);
    }
    case WireFormat.M2M_V1:
      return decodeM2MV1(input, { backend, limits });
    case WireFormat.BROTLI:
      return decodeBrotliReference(asText(input), { backend, limits });
    case WireFormat.TOKEN_NATIVE:
      return decodeTokenNativeText(asText(input), { limits });
    case WireFormat.M2M_UNKNOWN_VERSION:
      throw codecError(CodecErrorCode.UNKNOWN_CODEC, "unsupported M2M frame version");
    default: {
      const bytes = toBytes(input);
      checkLimit("maxDecodedBytes", bytes.length, limits.maxDecodedBytes);
      return bytes;
    }
  }
}

function asText(input: string | Uint8Array): string {
  if (typeof input === "string") return input;
  // Text forms are ASCII; decode strictly so stray bytes fail as bad UTF-8/base64, not silently.
  return decodeUtf8(input);
}

/**
 * {@link decompress}, then strict UTF-8 decoding.
 *
 * @example decompressToString(compressToText("hi")) // "hi"
 */
export function decompressToString(input: string | Uint8Array, options: DecompressOptions = {}): string {
  return decodeUtf8(decompress(input, options));
}

/**
 * {@link decompress}, then JSON parsing under the JSON depth and array-length limits.
 *
 * @example decompressJson(frame, { limits: { maxJsonDepth: 32 } })
 */
export function decompressJson(input: string | Uint8Array, options: DecompressOptions = {}): unknown {
  const limits = resolveLimits(options.limits);
  return parseJsonLimited(decompressToString(input, options), limits);
}

/**
 * {@link compress} after loading the tokenizer the options need (TokenNative), for callers that
 * do not preload with `loadTokenizer`.
 *
 * @example const frame = await compressAsync(json, { algorithm: "tk", tokenizer: "llama3" })
 */
export async function compressAsync(
  input: string | Uint8Array,
  options: CompressOptions = {},
): Promise<Uint8Array> {
  if (options.algorithm === Algorithm.TK) await loadTokenizer(options.tokenizer ?? "cl100k");
  return compress(input, options);
}

/** {@link compressToText} after loading the tokenizer the options need. */
export async function compressToTextAsync(
  input: string | Uint8Array,
  options: CompressOptions = {},
): Promise<string> {
  if (options.algorithm === Algorithm.TK) await loadTokenizer(options.tokenizer ?? "cl100k");
  return compressToText(input, options);
}

/**
 * {@link decompress} after loading the tokenizer a TokenNative frame names (`#TK|x|` or a v2
 * TOKEN_NATIVE frame). Unknown ids still fail with `CODEC_UNKNOWN_TOKENIZER`.
 *
 * @example const bytes = await decompressAsync("#TK|L|sk39Dg==")
 */
export async function decompressAsync(
  input: string | Uint8Array,
  options: DecompressOptions = {},
): Promise<Uint8Array> {
  const detected = detectFormat(input);
  try {
    if (detected.format === WireFormat.TOKEN_NATIVE && detected.tokenizer) {
      await loadTokenizer(tokenizerForWireId(detected.tokenizer));
    } else if (detected.format === WireFormat.M2M_V2) {
      const header =
        typeof input === "string"
          ? peekV2HeaderText(input, options.limits)
          : peekV2Header(input, options.limits);
      if (header.codec === CodecId.TOKEN_NATIVE && header.codecParams.length === 1) {
        await loadTokenizer(tokenizerForBinaryId(header.codecParams[0]!));
      }
    }
  } catch {
    // Let decompress report the precise error for a malformed header or unknown tokenizer.
  }
  return decompress(input, options);
}
