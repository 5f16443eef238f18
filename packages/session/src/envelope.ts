import { decodeUtf8, M2MError, parseJsonLimited } from "@m2m/wire";
import { SessionErrorCode } from "./errors.js";
import type { Capabilities } from "./negotiate.js";

/**
 * The reference implementation's capabilities object (m2m-protocol 0.4, `Capabilities`), with
 * camel-cased field names. Read and written only for interop; sessions use {@link Capabilities}.
 */
export interface ReferenceCapabilities {
  readonly version: string;
  readonly agentId: string;
  readonly agentType: string;
  /** `m2m`, `tokennative`, `brotli`, `none`, in preference order. */
  readonly algorithms: readonly string[];
  readonly maxPayload: number;
  readonly streaming: boolean;
  readonly mlRouting: boolean;
  /** `Cl100kBase`, `O200kBase`, `LlamaBpe`, `Heuristic`. */
  readonly encodings: readonly string[];
  readonly preferredEncoding: string;
  readonly threatDetection: boolean;
  readonly modelVersion: string | null;
  readonly blockingMode: boolean;
  readonly blockThreshold: number;
  readonly extensions: Readonly<Record<string, string>>;
}

/** A reference JSON envelope, parsed strictly (the payload shape follows from `type`). */
export type ReferenceEnvelope =
  | {
      readonly type: "HELLO" | "ACCEPT";
      readonly sessionId: string | null;
      readonly capabilities: ReferenceCapabilities;
      readonly timestamp: number;
    }
  | {
      readonly type: "REJECT";
      readonly sessionId: string | null;
      readonly code: string;
      readonly message: string;
      readonly timestamp: number;
    }
  | {
      readonly type: "DATA";
      readonly sessionId: string | null;
      readonly algorithm: string;
      readonly content: string;
      readonly originalSize: number | null;
      readonly timestamp: number;
    }
  | {
      readonly type: "PING" | "PONG" | "CLOSE";
      readonly sessionId: string | null;
      /** CLOSE only: the spec's `{reason, message}` (the reference code sends `{}`, i.e. null here). */
      readonly reason: string | null;
      readonly message: string | null;
      readonly timestamp: number;
    };

const ALGORITHMS = new Set(["none", "m2m", "tokennative", "brotli"]);
const ENCODINGS = new Set(["Cl100kBase", "O200kBase", "LlamaBpe", "Heuristic"]);
const REJECT_CODES = new Set([
  "VERSION_MISMATCH",
  "NO_COMMON_ALGORITHM",
  "SECURITY_POLICY",
  "RATE_LIMITED",
  "SERVER_BUSY",
  "UNKNOWN",
]);
const CLOSE_REASONS = new Set(["NORMAL", "TIMEOUT", "ERROR", "CLIENT_SHUTDOWN", "SERVER_SHUTDOWN"]);
/** Largest envelope accepted (a DATA content string included). */
export const MAX_ENVELOPE_BYTES: number = 16 * 1024 * 1024;

function bad(message: string): M2MError {
  return new M2MError(SessionErrorCode.BAD_MESSAGE, `reference envelope: ${message}`);
}

type Json = Record<string, unknown>;
function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
function str(o: Json, key: string, max = 1024): string {
  const v = o[key];
  if (typeof v !== "string" || v.length > max) throw bad(`"${key}" must be a string`);
  return v;
}
function bool(o: Json, key: string): boolean {
  const v = o[key];
  if (typeof v !== "boolean") throw bad(`"${key}" must be a boolean`);
  return v;
}
function uint(o: Json, key: string): number {
  const v = o[key];
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0)
    throw bad(`"${key}" must be a non-negative integer`);
  return v;
}
function names(o: Json, key: string, allowed: ReadonlySet<string>): string[] {
  const v = o[key];
  if (!Array.isArray(v) || v.length > 32) throw bad(`"${key}" must be a list`);
  for (const item of v)
    if (typeof item !== "string" || !allowed.has(item)) throw bad(`"${key}" has an unknown name`);
  return v as string[];
}

function parseCapabilities(p: Json): ReferenceCapabilities {
  const compression = p.compression;
  const security = p.security;
  if (!isObject(compression) || !isObject(security)) throw bad("capabilities need compression and security");
  const extensionsValue = p.extensions ?? {};
  if (!isObject(extensionsValue)) throw bad(`"extensions" must be an object`);
  const extensions: Record<string, string> = {};
  for (const [k, v] of Object.entries(extensionsValue)) {
    if (typeof v !== "string") throw bad("extension values must be strings");
    extensions[k] = v;
  }
  const threshold = security.block_threshold;
  if (typeof threshold !== "number" || !(threshold >= 0 && threshold <= 1))
    throw bad(`"block_threshold" must be 0..1`);
  const modelVersion = security.model_version ?? null;
  if (modelVersion !== null && typeof modelVersion !== "string")
    throw bad(`"model_version" must be a string or null`);
  const encodings =
    compression.encodings === undefined
      ? ["Cl100kBase", "O200kBase"]
      : names(compression, "encodings", ENCODINGS);
  const preferred =
    compression.preferred_encoding === undefined ? "Cl100kBase" : str(compression, "preferred_encoding");
  if (!ENCODINGS.has(preferred)) throw bad(`"preferred_encoding" is unknown`);
  return {
    version: str(p, "version", 16),
    agentId: str(p, "agent_id", 128),
    agentType: str(p, "agent_type", 128),
    algorithms: names(compression, "algorithms", ALGORITHMS),
    maxPayload: uint(compression, "max_payload"),
    streaming: bool(compression, "streaming"),
    mlRouting: bool(compression, "ml_routing"),
    encodings,
    preferredEncoding: preferred,
    threatDetection: bool(security, "threat_detection"),
    modelVersion,
    blockingMode: bool(security, "blocking_mode"),
    blockThreshold: threshold,
    extensions,
  };
}

/**
 * Parse a reference (m2m-protocol 0.4) JSON envelope strictly: unknown types, missing required
 * fields and payloads of the wrong shape are `SESSION_BAD_MESSAGE` (the reference silently turned
 * them into an empty payload). Accepts the spec's CLOSE `{reason, message}` as well as `{}`.
 *
 * @example
 * const env = parseReferenceEnvelope('{"type":"PING","session_id":"s","payload":{},"timestamp":1}');
 */
export function parseReferenceEnvelope(input: string | Uint8Array): ReferenceEnvelope {
  let value: unknown;
  try {
    const text = typeof input === "string" ? input : decodeUtf8(input);
    if (text.length > MAX_ENVELOPE_BYTES) throw bad("envelope too large");
    value = parseJsonLimited(text, { maxJsonDepth: 16, maxArrayLength: 64 });
  } catch (e) {
    if (M2MError.isInstance(e) && e.code === SessionErrorCode.BAD_MESSAGE) throw e;
    throw new M2MError(SessionErrorCode.BAD_MESSAGE, "reference envelope: not valid JSON", { cause: e });
  }
  if (!isObject(value)) throw bad("must be a JSON object");
  const type = value.type;
  const rawId = value.session_id ?? null;
  if (rawId !== null && (typeof rawId !== "string" || rawId.length > 128))
    throw bad(`"session_id" must be a string`);
  const sessionId = rawId as string | null;
  const timestamp = uint(value, "timestamp");
  const payload = value.payload ?? {};
  if (!isObject(payload)) throw bad(`"payload" must be an object`);
  switch (type) {
    case "HELLO":
    case "ACCEPT":
      return { type, sessionId, capabilities: parseCapabilities(payload), timestamp };
    case "REJECT": {
      const code = str(payload, "code", 64);
      if (!REJECT_CODES.has(code)) throw bad("unknown rejection code");
      return { type, sessionId, code, message: str(payload, "message", 4096), timestamp };
    }
    case "DATA": {
      const algorithm = str(payload, "algorithm", 32);
      if (!ALGORITHMS.has(algorithm)) throw bad("unknown algorithm");
      const size = payload.original_size ?? null;
      if (size !== null && (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0)) {
        throw bad(`"original_size" must be a non-negative integer`);
      }
      return {
        type,
        sessionId,
        algorithm,
        content: str(payload, "content", MAX_ENVELOPE_BYTES),
        originalSize: size as number | null,
        timestamp,
      };
    }
    case "PING":
    case "PONG":
    case "CLOSE": {
      const reason = payload.reason ?? null;
      const message = payload.message ?? null;
      if (type !== "CLOSE" && (reason !== null || message !== null))
        throw bad(`${type} payload must be empty`);
      if (reason !== null && (typeof reason !== "string" || !CLOSE_REASONS.has(reason)))
        throw bad("unknown close reason");
      if (message !== null && (typeof message !== "string" || message.length > 4096))
        throw bad(`"message" must be a string`);
      return {
        type,
        sessionId,
        reason: reason as string | null,
        message: message as string | null,
        timestamp,
      };
    }
    default:
      throw bad("unknown message type");
  }
}

/**
 * Write a reference JSON envelope with the reference's field order (`type`, `session_id` left
 * out when null, `payload`, `timestamp`), as its serde serialiser would.
 *
 * @example
 * writeReferenceEnvelope({ type: "PING", sessionId: "s", reason: null, message: null, timestamp: 1 });
 */
export function writeReferenceEnvelope(envelope: ReferenceEnvelope): string {
  let payload: Json;
  switch (envelope.type) {
    case "HELLO":
    case "ACCEPT": {
      const c = envelope.capabilities;
      payload = {
        version: c.version,
        agent_id: c.agentId,
        agent_type: c.agentType,
        compression: {
          algorithms: c.algorithms,
          max_payload: c.maxPayload,
          streaming: c.streaming,
          ml_routing: c.mlRouting,
          encodings: c.encodings,
          preferred_encoding: c.preferredEncoding,
        },
        security: {
          threat_detection: c.threatDetection,
          model_version: c.modelVersion,
          blocking_mode: c.blockingMode,
          block_threshold: c.blockThreshold,
        },
        extensions: c.extensions,
      };
      break;
    }
    case "REJECT":
      payload = { code: envelope.code, message: envelope.message };
      break;
    case "DATA":
      payload = { algorithm: envelope.algorithm, content: envelope.content };
      if (envelope.originalSize !== null) payload.original_size = envelope.originalSize;
      break;
    default:
      payload = {};
      if (envelope.type === "CLOSE" && envelope.reason !== null) {
        payload.reason = envelope.reason;
        if (envelope.message !== null) payload.message = envelope.message;
      }
  }
  const out: Json = { type: envelope.type };
  if (envelope.sessionId !== null) out.session_id = envelope.sessionId;
  out.payload = payload;
  out.timestamp = envelope.timestamp;
  return JSON.stringify(out);
}

const TO_OURS: Readonly<Record<string, string>> = {
  m2m: "m2m",
  tokennative: "tk",
  brotli: "brotli",
  none: "none",
};
const TOKENIZERS: Readonly<Record<string, string>> = {
  Cl100kBase: "cl100k",
  O200kBase: "o200k",
  LlamaBpe: "llama3",
};

/**
 * Map reference capabilities to ours (algorithm `tokennative` → `tk`, encodings → tokenizer names,
 * `max_payload` 0 = unlimited → 16 MiB, security → `none`: the reference has no authenticated mode).
 *
 * @example const caps = capabilitiesFromReference(env.capabilities);
 */
export function capabilitiesFromReference(ref: ReferenceCapabilities): Capabilities {
  const major = Number.parseInt(ref.version.split(".")[0] ?? "", 10);
  const preferred = TOKENIZERS[ref.preferredEncoding];
  const tokenizers = ref.encodings.flatMap((e) => (TOKENIZERS[e] ? [TOKENIZERS[e]] : []));
  const ordered = preferred ? [preferred, ...tokenizers.filter((t) => t !== preferred)] : tokenizers;
  return {
    // Reference 3.x speaks the JSON envelope; it maps to no binary session version we implement.
    versions: [Number.isInteger(major) && major > 0 && major < 256 ? major : 255],
    agentId: ref.agentId.replace(/[^A-Za-z0-9._:/+-]/g, "_").slice(0, 64) || "reference",
    algorithms: ref.algorithms.map((a) => TO_OURS[a] ?? a),
    tokenizers: [...new Set(ordered)],
    dictionaries: [],
    securityModes: ["none"],
    features: ref.streaming ? ["streaming"] : [],
    maxMessageBytes: ref.maxPayload === 0 ? 16 * 1024 * 1024 : ref.maxPayload,
    idleTimeoutMs: 300_000,
    pingIntervalMs: 60_000,
  };
}
