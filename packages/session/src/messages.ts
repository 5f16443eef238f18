import { BinaryReader, BinaryWriter, decodeUtf8, encodeUtf8, M2MError, truncateUtf8 } from "@m2m/wire";
import { SessionErrorCode } from "./errors.js";
import {
  type Capabilities,
  MAX_CAPABILITY_LIST,
  MAX_CAPABILITY_NAME,
  type Negotiated,
  type SecurityMode,
  validateCapabilities,
} from "./negotiate.js";

/** First two bytes of every binary session message: `C1 53` (distinct from the v2 frame's `C1 4D`). */
export const SESSION_MAGIC: Uint8Array = Uint8Array.of(0xc1, 0x53);
/** Version byte after the magic. */
export const SESSION_WIRE_VERSION = 1;

/** Message type bytes (spec/session.md §3). */
export const MessageType = {
  HELLO: 1,
  ACCEPT: 2,
  REJECT: 3,
  CONFIRM: 4,
  DATA: 5,
  PING: 6,
  PONG: 7,
  CLOSE: 8,
} as const;
/** Name of a message type. */
export type MessageTypeName = keyof typeof MessageType;
const TYPE_NAMES: Readonly<Record<number, MessageTypeName>> = Object.fromEntries(
  Object.entries(MessageType).map(([name, code]) => [code, name as MessageTypeName]),
);

/** REJECT codes that travel on the wire (the reference's names, plus ours). */
export const RejectCode = {
  UNKNOWN: 0,
  VERSION_MISMATCH: 1,
  NO_COMMON_ALGORITHM: 2,
  SECURITY_POLICY: 3,
  RATE_LIMITED: 4,
  SERVER_BUSY: 5,
  AUTH_FAILED: 6,
  BAD_MESSAGE: 7,
} as const;
/** A {@link RejectCode} value. */
export type RejectCode = (typeof RejectCode)[keyof typeof RejectCode];

/** CLOSE reason codes that travel on the wire. */
export const CloseCode = {
  NORMAL: 0,
  TIMEOUT: 1,
  ERROR: 2,
  CLIENT_SHUTDOWN: 3,
  SERVER_SHUTDOWN: 4,
  PROTOCOL_ERROR: 5,
  AUTH_FAILED: 6,
  KEEPALIVE_TIMEOUT: 7,
  LIMIT_EXCEEDED: 8,
} as const;
/** A {@link CloseCode} value. */
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Name of a reject or close code, for logs (`"AUTH_FAILED"`), or `"UNKNOWN"`. */
export function codeName(table: typeof RejectCode | typeof CloseCode, code: number): string {
  for (const [name, value] of Object.entries(table)) if (value === code) return name;
  return "UNKNOWN";
}

/** Bytes of an X25519 public key, a handshake proof, a session id and a HELLO nonce. */
export const KEY_BYTES = 32;
export const PROOF_BYTES = 32;
export const SESSION_ID_BYTES = 16;
export const NONCE_BYTES = 16;
/** Longest REJECT/CLOSE reason text, in bytes (longer text is truncated on encode). */
export const MAX_REASON_BYTES = 256;

/** HELLO: the initiator's offer. `keys` present iff it offers the `aead` mode. */
export interface HelloMessage {
  readonly type: "HELLO";
  readonly capabilities: Capabilities;
  readonly nonce: Uint8Array;
  readonly keys: { readonly ephemeral: Uint8Array; readonly static: Uint8Array } | null;
}
/** ACCEPT: the responder's id for the session, its capabilities, the result it computed and its proof. */
export interface AcceptMessage {
  readonly type: "ACCEPT";
  readonly sessionId: Uint8Array;
  readonly capabilities: Capabilities;
  readonly negotiated: Negotiated;
  readonly keys: {
    readonly ephemeral: Uint8Array;
    readonly static: Uint8Array;
    readonly proof: Uint8Array;
  } | null;
}
/** REJECT: the responder refuses the HELLO. */
export interface RejectMessage {
  readonly type: "REJECT";
  readonly code: number;
  readonly reason: string;
}
/** CONFIRM: the initiator's proof (authenticated sessions only). */
export interface ConfirmMessage {
  readonly type: "CONFIRM";
  readonly proof: Uint8Array;
}
/** DATA: one application payload, numbered from 0 per direction. */
export interface DataMessage {
  readonly type: "DATA";
  readonly seq: number;
  readonly body: Uint8Array;
}
/** PING / PONG: keep-alive; PONG echoes the PING's nonce. */
export interface PingMessage {
  readonly type: "PING" | "PONG";
  readonly nonce: number;
}
/** CLOSE: graceful close with a reason. */
export interface CloseMessage {
  readonly type: "CLOSE";
  readonly code: number;
  readonly reason: string;
}
/** Any session message. */
export type SessionMessage =
  | HelloMessage
  | AcceptMessage
  | RejectMessage
  | ConfirmMessage
  | DataMessage
  | PingMessage
  | CloseMessage;

function bad(message: string, cause?: unknown): M2MError {
  return new M2MError(SessionErrorCode.BAD_MESSAGE, message, cause === undefined ? {} : { cause });
}

function writeNames(w: BinaryWriter, names: readonly string[]): void {
  w.varint(names.length);
  for (const name of names) w.lengthPrefixed(encodeUtf8(name));
}

function readNames(r: BinaryReader): string[] {
  const count = r.varint();
  if (count > MAX_CAPABILITY_LIST) throw bad("capability list too long");
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(decodeUtf8(r.lengthPrefixed(MAX_CAPABILITY_NAME)));
  return out;
}

function writeCapabilities(w: BinaryWriter, caps: Capabilities): void {
  w.varint(caps.versions.length);
  for (const v of caps.versions) w.uint8(v);
  w.lengthPrefixed(encodeUtf8(caps.agentId));
  writeNames(w, caps.algorithms);
  writeNames(w, caps.tokenizers);
  writeNames(w, caps.dictionaries);
  writeNames(w, caps.securityModes);
  writeNames(w, caps.features);
  w.varint(caps.maxMessageBytes).varint(caps.idleTimeoutMs).varint(caps.pingIntervalMs);
}

function readCapabilities(r: BinaryReader): Capabilities {
  const versionCount = r.varint();
  if (versionCount > MAX_CAPABILITY_LIST) throw bad("version list too long");
  const versions: number[] = [];
  for (let i = 0; i < versionCount; i++) versions.push(r.uint8());
  const caps: Capabilities = {
    versions,
    agentId: decodeUtf8(r.lengthPrefixed(MAX_CAPABILITY_NAME)),
    algorithms: readNames(r),
    tokenizers: readNames(r),
    dictionaries: readNames(r),
    securityModes: readNames(r) as SecurityMode[],
    features: readNames(r),
    maxMessageBytes: r.varint(),
    idleTimeoutMs: r.varint(),
    pingIntervalMs: r.varint(),
  };
  validateCapabilities(caps);
  return caps;
}

function writeNegotiated(w: BinaryWriter, n: Negotiated): void {
  w.uint8(n.version);
  writeNames(w, n.algorithms);
  writeNames(w, n.tokenizer === null ? [] : [n.tokenizer]);
  writeNames(w, n.dictionaries);
  w.lengthPrefixed(encodeUtf8(n.securityMode));
  writeNames(w, n.features);
  w.varint(n.maxMessageBytes).varint(n.idleTimeoutMs).varint(n.pingIntervalMs);
}

function readNegotiated(r: BinaryReader): Negotiated {
  const version = r.uint8();
  const algorithms = readNames(r);
  const tokenizers = readNames(r);
  const dictionaries = readNames(r);
  const securityMode = decodeUtf8(r.lengthPrefixed(MAX_CAPABILITY_NAME)) as SecurityMode;
  const features = readNames(r);
  const algorithm = algorithms[0];
  if (algorithm === undefined || tokenizers.length > 1) throw bad("negotiated result is malformed");
  const n: Negotiated = {
    version,
    algorithms,
    algorithm,
    tokenizer: tokenizers[0] ?? null,
    dictionaries,
    securityMode,
    features,
    maxMessageBytes: r.varint(),
    idleTimeoutMs: r.varint(),
    pingIntervalMs: r.varint(),
  };
  // Reuse the capability checks: a negotiated result must itself be a valid capability set.
  validateCapabilities({
    versions: [version],
    agentId: "negotiated",
    algorithms,
    tokenizers,
    dictionaries,
    securityModes: [securityMode],
    features,
    maxMessageBytes: n.maxMessageBytes,
    idleTimeoutMs: n.idleTimeoutMs,
    pingIntervalMs: n.pingIntervalMs,
  });
  return n;
}

function checkLength(bytes: Uint8Array, length: number, what: string): void {
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    throw new M2MError(
      SessionErrorCode.INVALID_ARGUMENT,
      `"${what}" expected Uint8Array of length ${length}`,
    );
  }
}

/**
 * Encode a session message to its binary form (spec/session.md §3).
 *
 * @example
 * const bytes = encodeMessage({ type: "PING", nonce: 7 });
 */
export function encodeMessage(message: SessionMessage): Uint8Array {
  // DATA is the hot path: size the buffer once instead of growing it.
  const w = new BinaryWriter(message.type === "DATA" ? 16 + message.body.length : 256);
  w.bytes(SESSION_MAGIC).uint8(SESSION_WIRE_VERSION).uint8(MessageType[message.type]);
  switch (message.type) {
    case "HELLO":
      validateCapabilities(message.capabilities);
      checkLength(message.nonce, NONCE_BYTES, "nonce");
      writeCapabilities(w, message.capabilities);
      w.bytes(message.nonce);
      if (message.keys === null) w.uint8(0);
      else {
        checkLength(message.keys.ephemeral, KEY_BYTES, "ephemeral");
        checkLength(message.keys.static, KEY_BYTES, "static");
        w.uint8(1).bytes(message.keys.ephemeral).bytes(message.keys.static);
      }
      break;
    case "ACCEPT":
      checkLength(message.sessionId, SESSION_ID_BYTES, "sessionId");
      validateCapabilities(message.capabilities);
      w.bytes(message.sessionId);
      writeCapabilities(w, message.capabilities);
      writeNegotiated(w, message.negotiated);
      if (message.keys === null) w.uint8(0);
      else {
        checkLength(message.keys.ephemeral, KEY_BYTES, "ephemeral");
        checkLength(message.keys.static, KEY_BYTES, "static");
        checkLength(message.keys.proof, PROOF_BYTES, "proof");
        // The proof is last so the transcript is "the ACCEPT bytes minus the final 32".
        w.uint8(1).bytes(message.keys.ephemeral).bytes(message.keys.static).bytes(message.keys.proof);
      }
      break;
    case "REJECT":
    case "CLOSE":
      if (!Number.isInteger(message.code) || message.code < 0 || message.code > 255) {
        throw new M2MError(SessionErrorCode.INVALID_ARGUMENT, "code must be an integer 0..255");
      }
      w.uint8(message.code).lengthPrefixed(encodeUtf8(truncateUtf8(message.reason, MAX_REASON_BYTES)));
      break;
    case "CONFIRM":
      checkLength(message.proof, PROOF_BYTES, "proof");
      w.bytes(message.proof);
      break;
    case "DATA":
      if (!Number.isSafeInteger(message.seq) || message.seq < 0) {
        throw new M2MError(SessionErrorCode.INVALID_ARGUMENT, "seq must be a non-negative integer");
      }
      w.varint(message.seq).bytes(message.body);
      break;
    case "PING":
    case "PONG":
      if (!Number.isInteger(message.nonce) || message.nonce < 0 || message.nonce > 0xffffffff) {
        throw new M2MError(SessionErrorCode.INVALID_ARGUMENT, "nonce must be a u32");
      }
      w.varint(message.nonce);
      break;
  }
  return w.finish();
}

/** Options of {@link decodeMessage}. */
export interface DecodeMessageOptions {
  /** Largest message accepted, checked before anything is parsed (default 16 MiB + 1 KiB). */
  readonly maxMessageBytes?: number;
}

/** Default largest binary session message: a 16 MiB DATA body plus headroom. */
export const DEFAULT_MAX_WIRE_MESSAGE_BYTES: number = 16 * 1024 * 1024 + 1024;

/** Read the type of a binary session message without decoding the rest (null when not one). */
export function peekMessageType(bytes: Uint8Array): MessageTypeName | null {
  if (bytes.length < 4 || bytes[0] !== 0xc1 || bytes[1] !== 0x53 || bytes[2] !== SESSION_WIRE_VERSION)
    return null;
  return TYPE_NAMES[bytes[3]!] ?? null;
}

/**
 * Decode a binary session message. Throws `SESSION_BAD_MESSAGE` (never anything else) on malformed,
 * truncated, oversized or trailing input; DATA bodies are views into `bytes`.
 *
 * @example
 * const message = decodeMessage(bytes); if (message.type === "DATA") …
 */
export function decodeMessage(bytes: Uint8Array, options: DecodeMessageOptions = {}): SessionMessage {
  if (!(bytes instanceof Uint8Array)) throw bad("message must be a Uint8Array");
  const max = options.maxMessageBytes ?? DEFAULT_MAX_WIRE_MESSAGE_BYTES;
  if (bytes.length > max) {
    throw new M2MError(SessionErrorCode.LIMIT_EXCEEDED, `message of ${bytes.length} bytes exceeds ${max}`);
  }
  if (bytes.length < 4 || bytes[0] !== 0xc1 || bytes[1] !== 0x53) throw bad("not a session message");
  if (bytes[2] !== SESSION_WIRE_VERSION) throw bad("unsupported session message version");
  const name = TYPE_NAMES[bytes[3]!];
  if (name === undefined) throw bad("unknown message type");
  const r = new BinaryReader(bytes, 4);
  let message: SessionMessage;
  try {
    switch (name) {
      case "HELLO": {
        const capabilities = readCapabilities(r);
        const nonce = r.bytes(NONCE_BYTES).slice();
        const flag = r.uint8();
        if (flag > 1) throw bad("bad key flag");
        const keys =
          flag === 1 ? { ephemeral: r.bytes(KEY_BYTES).slice(), static: r.bytes(KEY_BYTES).slice() } : null;
        message = { type: "HELLO", capabilities, nonce, keys };
        break;
      }
      case "ACCEPT": {
        const sessionId = r.bytes(SESSION_ID_BYTES).slice();
        const capabilities = readCapabilities(r);
        const negotiated = readNegotiated(r);
        const flag = r.uint8();
        if (flag > 1) throw bad("bad key flag");
        const keys =
          flag === 1
            ? {
                ephemeral: r.bytes(KEY_BYTES).slice(),
                static: r.bytes(KEY_BYTES).slice(),
                proof: r.bytes(PROOF_BYTES).slice(),
              }
            : null;
        message = { type: "ACCEPT", sessionId, capabilities, negotiated, keys };
        break;
      }
      case "REJECT":
      case "CLOSE": {
        const code = r.uint8();
        const reason = decodeUtf8(r.lengthPrefixed(MAX_REASON_BYTES));
        message = { type: name, code, reason };
        break;
      }
      case "CONFIRM":
        message = { type: "CONFIRM", proof: r.bytes(PROOF_BYTES).slice() };
        break;
      case "DATA": {
        const seq = r.varint();
        message = { type: "DATA", seq, body: r.bytes(r.remaining) };
        break;
      }
      case "PING":
      case "PONG": {
        const nonce = r.varint();
        if (nonce > 0xffffffff) throw bad("nonce must be a u32");
        message = { type: name, nonce };
        break;
      }
    }
  } catch (e) {
    if (M2MError.isInstance(e) && e.code === SessionErrorCode.BAD_MESSAGE) throw e;
    throw bad(`malformed ${name} message`, e);
  }
  if (r.remaining !== 0) throw bad(`trailing bytes after ${name} message`);
  return message;
}
