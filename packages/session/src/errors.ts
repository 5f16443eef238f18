/**
 * Error codes raised by `@m2m/session`. Local codes: they describe what this end refused; the codes
 * that travel on the wire are {@link RejectCode} and {@link CloseCode}.
 *
 * @example
 * if (M2MError.isInstance(e) && e.code === SessionErrorCode.UNEXPECTED_MESSAGE) { … }
 */
export const SessionErrorCode = {
  /** A message arrived that the current state does not accept (it was refused, state unchanged). */
  UNEXPECTED_MESSAGE: "SESSION_UNEXPECTED_MESSAGE",
  /** Bytes are not a well-formed session message (or JSON envelope). */
  BAD_MESSAGE: "SESSION_BAD_MESSAGE",
  /** A local call was made in a state that does not allow it (send before established, …). */
  INVALID_STATE: "SESSION_INVALID_STATE",
  /** The two capability sets have nothing usable in common. */
  NEGOTIATION_FAILED: "SESSION_NEGOTIATION_FAILED",
  /** The peer's negotiated result differs from the one computed here (a downgrade or a bug). */
  NEGOTIATION_MISMATCH: "SESSION_NEGOTIATION_MISMATCH",
  /** Handshake authentication failed (unknown or wrong static key, bad proof, tampered transcript). */
  AUTH_FAILED: "SESSION_AUTH_FAILED",
  /** A DATA message was replayed, reordered or dropped (sequence number not the next one). */
  REPLAY: "SESSION_REPLAY",
  /** The peer refused the session with REJECT. */
  REJECTED: "SESSION_REJECTED",
  /** The session is closed. */
  CLOSED: "SESSION_CLOSED",
  /** A timeout expired (handshake, keep-alive, idle or close). */
  TIMEOUT: "SESSION_TIMEOUT",
  /** A message or payload is larger than the negotiated or configured limit. */
  LIMIT_EXCEEDED: "SESSION_LIMIT_EXCEEDED",
  /** A caller passed an argument outside its documented domain. */
  INVALID_ARGUMENT: "SESSION_INVALID_ARGUMENT",
  /** The transport failed or closed underneath the session. */
  TRANSPORT_FAILED: "SESSION_TRANSPORT_FAILED",
} as const;
/** One of the {@link SessionErrorCode} values. */
export type SessionErrorCode = (typeof SessionErrorCode)[keyof typeof SessionErrorCode];
