// @m2m/session: sans-I/O session protocol (handshake, negotiation, keep-alive) and transport adapters.
export { codecPayloadCodecs } from "./codec-payload.js";
export {
  acceptSession,
  type ClosedInfo,
  type ConnectionOptions,
  connectSession,
  type EstablishedInfo,
  type MessageTransport,
  SessionConnection,
  type TransportHandlers,
} from "./connection.js";
export {
  capabilitiesFromReference,
  MAX_ENVELOPE_BYTES,
  parseReferenceEnvelope,
  type ReferenceCapabilities,
  type ReferenceEnvelope,
  writeReferenceEnvelope,
} from "./envelope.js";
export { SessionErrorCode } from "./errors.js";
export { type HandshakeResult, type SessionIdentity, transcriptHash } from "./handshake.js";
export {
  type HttpDataContext,
  type HttpExchange,
  HttpSessionEndpoint,
  type HttpSessionEndpointOptions,
  type HttpTransportOptions,
  httpTransport,
  MAX_HTTP_BATCH,
  packMessages,
  SESSION_HTTP_CONTENT_TYPE,
  SESSION_HTTP_HEADER,
  unpackMessages,
} from "./http.js";
export {
  type AcceptMessage,
  CloseCode,
  type CloseMessage,
  type ConfirmMessage,
  codeName,
  type DataMessage,
  DEFAULT_MAX_WIRE_MESSAGE_BYTES,
  type DecodeMessageOptions,
  decodeMessage,
  encodeMessage,
  type HelloMessage,
  KEY_BYTES,
  MAX_REASON_BYTES,
  MessageType,
  type MessageTypeName,
  NONCE_BYTES,
  type PingMessage,
  PROOF_BYTES,
  peekMessageType,
  RejectCode,
  type RejectMessage,
  SESSION_ID_BYTES,
  SESSION_MAGIC,
  SESSION_WIRE_VERSION,
  type SessionMessage,
} from "./messages.js";
export {
  type Capabilities,
  defaultCapabilities,
  MAX_CAPABILITY_LIST,
  MAX_CAPABILITY_NAME,
  type Negotiated,
  type NegotiationFailure,
  negotiate,
  SESSION_PROTOCOL_VERSIONS,
  SecurityMode,
  sameNegotiated,
  TIMEOUT_BOUNDS,
  validateCapabilities,
} from "./negotiate.js";
export { type PayloadCodec, type PayloadCodecFactory, rawPayloadCodec, rawPayloadCodecs } from "./payload.js";
export {
  ACCEPTS,
  DEFAULT_TIMEOUTS,
  Session,
  type SessionEvent,
  type SessionOptions,
  SessionState,
  type SessionStats,
  type SessionTimeouts,
} from "./session.js";
export { type WebSocketLike, webSocketTransport } from "./websocket.js";
