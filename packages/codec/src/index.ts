// @m2m/codec: every M2M compression algorithm behind one compress/decompress pair.
export {
  type BrotliOptions,
  type BrotliWasmModule,
  type CompressionBackend,
  createNodeBackend,
  createPortableBackend,
  type DeflateOptions,
  getDefaultBackend,
  setDefaultBackend,
} from "./backend.js";
export {
  Algorithm,
  type CompressOptions,
  compress,
  compressAsync,
  compressToText,
  compressToTextAsync,
  type DecompressOptions,
  DICTIONARY_DEFLATE_LEVEL,
  decompress,
  decompressAsync,
  decompressJson,
  decompressToString,
  guessSchema,
  MAX_INFLATION_BYTES,
} from "./codec.js";
export { DeltaDecoder, DeltaEncoder, DeltaInner, DeltaKind, type DeltaOptions } from "./delta.js";
export {
  createDictionary,
  DEFAULT_DICTIONARY_BYTES,
  DEFLATE_WINDOW_BYTES,
  type Dictionary,
  decodeDictionaryFile,
  encodeDictionaryFile,
  getDefaultDictionary,
  MAX_DICTIONARY_BYTES,
  type TrainOptions,
  trainDictionary,
} from "./dictionary.js";
export { CodecErrorCode } from "./errors.js";
export { fnv1a64, toHex } from "./hash.js";
export {
  decodeBrotliReference,
  decodeM2MV1,
  decodeTokenNativeBinary,
  decodeTokenNativeText,
  encodeBrotliReference,
  encodeM2MV1,
  encodeM2MV1Text,
  encodeTokenNativeBinary,
  encodeTokenNativeText,
  REFERENCE_BROTLI,
  V1_COMPRESSION_THRESHOLD,
} from "./reference.js";
export { SseDecoder, SseEncoder, type SseOptions } from "./sse.js";
export { loadTokenizer, TOKENIZERS, type Tokenizer, type TokenizerName } from "./tokenizers.js";
