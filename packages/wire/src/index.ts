// @m2m/wire: the narrow wire-format core every other M2M package depends on.
export { decodeBase64, encodeBase64, isBase64Char } from "./base64.js";
export { BinaryReader, BinaryWriter } from "./binary.js";
export { DEFAULT_COMPLETION_TOKENS, estimateCostUsd, estimateTokensFromBytes, modelPricing } from "./cost.js";
export { crc32 } from "./crc32.js";
export { M2MError, type M2MErrorOptions, WireErrorCode } from "./errors.js";
export {
  decodeV1Frame,
  encodeV1Frame,
  encodeV1Header,
  encodeV1SealedFrame,
  peekV1Header,
  peekV1HeaderText,
  V1_FIXED_HEADER_BYTES,
  V1_HMAC_TAG_BYTES,
  V1CommonFlag,
  type V1Frame,
  type V1FrameInput,
  type V1FrameParts,
  V1Security,
  v1BinaryToText,
  v1TextToBinary,
} from "./frame-v1.js";
export {
  CodecId,
  decodeV2Frame,
  encodeV2Frame,
  encodeV2Header,
  peekV2Header,
  peekV2HeaderText,
  V2_TAG_BYTES,
  V2_VERSION,
  V2Flag,
  type V2Frame,
  type V2FrameInput,
  V2Security,
  type V2SecuritySection,
  v2BinaryToText,
  v2TextToBinary,
} from "./frame-v2.js";
export { checkJsonLimits, type JsonLimits, parseJsonLimited } from "./json-limits.js";
export { checkLimit, DEFAULT_LIMITS, resolveLimits, type WireLimits } from "./limits.js";
export { type PeekedHeader, peekHeader, type SecurityName } from "./peek.js";
export { type DetectedFormat, detectFormat, Prefix, V2_MAGIC, WireFormat } from "./prefix.js";
export {
  decodeV1Routing,
  decodeV2Routing,
  encodeV1Routing,
  encodeV2Routing,
  type FinishReason,
  messageRole,
  RequestFlag,
  type RequestRouting,
  ResponseFlag,
  type ResponseRouting,
  type Role,
  type Routing,
  routingHeaderFrom,
  Schema,
  schemaOf,
  V1ExtraFlag,
} from "./routing.js";
export { decodeUtf8, encodeUtf8, truncateUtf8, utf8Length } from "./utf8.js";
export {
  decodeVarint32,
  decodeVarint64,
  decodeVarintSafe,
  encodeVarint32,
  encodeVarint64,
  encodeVarintSafe,
  type VarintResult,
  varintSize,
} from "./varint.js";
