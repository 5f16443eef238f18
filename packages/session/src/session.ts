import {
  type FrameKey,
  openFrameDetailed,
  ReplayGuard,
  randomBytes,
  sealFrame,
  wipe,
  type X25519KeyPair,
} from "@m2m/crypto";
import { M2MError } from "@m2m/wire";
import { codecPayloadCodecs } from "./codec-payload.js";
import { SessionErrorCode } from "./errors.js";
import {
  checkIdentity,
  deriveHandshake,
  ephemeralKeyPair,
  type HandshakeResult,
  initiatorSecrets,
  isTrusted,
  proofMatches,
  responderSecrets,
  type SessionIdentity,
  transcriptHash,
} from "./handshake.js";
import {
  type AcceptMessage,
  CloseCode,
  decodeMessage,
  encodeMessage,
  type HelloMessage,
  NONCE_BYTES,
  PROOF_BYTES,
  RejectCode,
  SESSION_ID_BYTES,
  type SessionMessage,
} from "./messages.js";
import {
  type Capabilities,
  defaultCapabilities,
  type Negotiated,
  negotiate,
  SecurityMode,
  sameNegotiated,
  validateCapabilities,
} from "./negotiate.js";
import type { PayloadCodec, PayloadCodecFactory } from "./payload.js";

/** States of a session (spec/session.md §5). */
export const SessionState = {
  IDLE: "idle",
  HELLO_SENT: "hello-sent",
  AWAIT_CONFIRM: "await-confirm",
  ESTABLISHED: "established",
  CLOSING: "closing",
  CLOSED: "closed",
} as const;
/** One of the {@link SessionState} values. */
export type SessionState = (typeof SessionState)[keyof typeof SessionState];

/** Local timeouts (negotiated ones, idle and ping interval, come from {@link Capabilities}). */
export interface SessionTimeouts {
  /** From start (initiator) or creation (responder) to established (default 30 s). */
  readonly handshakeMs: number;
  /** Wait for a PONG (default 10 s). */
  readonly pongTimeoutMs: number;
  /** Missed PONGs before the session is closed (default 3). */
  readonly maxMissedPongs: number;
  /** Wait for the peer's CLOSE after sending ours (default 5 s). */
  readonly closeTimeoutMs: number;
  /**
   * Send PINGs on idle (default true). Off for the server side of request/response transports
   * (HTTP), where the client drives keep-alive and PINGs could only ride on its next request.
   */
  readonly keepAlive: boolean;
}

/** The defaults of {@link SessionTimeouts}. */
export const DEFAULT_TIMEOUTS: SessionTimeouts = Object.freeze({
  handshakeMs: 30_000,
  pongTimeoutMs: 10_000,
  maxMissedPongs: 3,
  closeTimeoutMs: 5_000,
  keepAlive: true,
});

/** Options of {@link Session}. */
export interface SessionOptions {
  readonly role: "initiator" | "responder";
  /** Overrides of {@link defaultCapabilities}. With an identity, `securityModes` defaults to `["aead"]`. */
  readonly capabilities?: Partial<Capabilities>;
  /** Static key and trust list: enables the authenticated handshake and AEAD DATA. */
  readonly identity?: SessionIdentity;
  /** Clock in ms (default `Date.now`). Inject a fake one in tests. */
  readonly clock?: () => number;
  readonly timeouts?: Partial<SessionTimeouts>;
  /** Payload codecs per negotiated parameters (default {@link codecPayloadCodecs}: `@m2m/codec` with session delta). */
  readonly payloadCodecs?: PayloadCodecFactory;
  /** Accepted clock difference for the DATA replay guard (default 120 s). */
  readonly replaySkewMs?: number;
}

/** What a session reports to its driver. */
export type SessionEvent =
  | {
      readonly type: "established";
      readonly sessionId: string;
      readonly negotiated: Negotiated;
      readonly peerStaticKey: Uint8Array | null;
    }
  | { readonly type: "data"; readonly payload: Uint8Array; readonly seq: number; readonly wireBytes: number }
  | { readonly type: "pong"; readonly rttMs: number }
  | { readonly type: "rejected"; readonly code: number; readonly reason: string }
  | {
      readonly type: "closed";
      readonly code: number;
      readonly reason: string;
      readonly by: "local" | "remote";
    };

/** Counters kept by a session. */
export interface SessionStats {
  messagesSent: number;
  messagesReceived: number;
  bytesSent: number;
  bytesReceived: number;
  dataSent: number;
  dataReceived: number;
  payloadBytesSent: number;
  payloadBytesReceived: number;
}

function sessionIdText(id: Uint8Array): string {
  const hex = Array.from(id, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function unexpected(type: string, state: SessionState): M2MError {
  return new M2MError(SessionErrorCode.UNEXPECTED_MESSAGE, `${type} is not accepted in state ${state}`, {
    details: { type, state },
  });
}

/**
 * A sans-I/O M2M session: feed it received bytes with {@link Session.receive}, drain the bytes to
 * send with {@link Session.takeOutgoing} and what happened with {@link Session.takeEvents}, and call
 * {@link Session.poll} at {@link Session.nextDeadline}. No sockets, no timers, clock injected.
 *
 * @example
 * const a = new Session({ role: "initiator" });
 * const b = new Session({ role: "responder" });
 * a.start();
 * for (const m of a.takeOutgoing()) b.receive(m);
 * for (const m of b.takeOutgoing()) a.receive(m);
 * a.state; // "established"
 */
export class Session {
  readonly role: "initiator" | "responder";
  readonly capabilities: Capabilities;
  readonly stats: SessionStats = {
    messagesSent: 0,
    messagesReceived: 0,
    bytesSent: 0,
    bytesReceived: 0,
    dataSent: 0,
    dataReceived: 0,
    payloadBytesSent: 0,
    payloadBytesReceived: 0,
  };
  private currentState: SessionState = SessionState.IDLE;
  private readonly identity: SessionIdentity | null;
  private readonly clock: () => number;
  private readonly timeouts: SessionTimeouts;
  private readonly codecFactory: PayloadCodecFactory;
  private readonly replaySkewMs: number;
  private outbox: Uint8Array[] = [];
  private events: SessionEvent[] = [];
  private id: Uint8Array | null = null;
  private result: Negotiated | null = null;
  private peerKey: Uint8Array | null = null;
  private ephemeral: X25519KeyPair | null = null;
  private helloBytes: Uint8Array | null = null;
  private handshake: HandshakeResult | null = null;
  private sendKey: Uint8Array | null = null;
  private receiveKey: Uint8Array | null = null;
  private replay: ReplayGuard | null = null;
  private codecs: { readonly send: PayloadCodec; readonly receive: PayloadCodec } | null = null;
  private sendSeq = 0;
  private receiveSeq = 0;
  private readonly createdAt: number;
  private handshakeStartedAt: number;
  private lastReceivedAt: number;
  private lastDataAt: number;
  private closingAt = 0;
  private ping: { nonce: number; sentAt: number } | null = null;
  private pingCounter = 0;
  private missedPongs = 0;
  private established = false;

  constructor(options: SessionOptions) {
    if (options.role !== "initiator" && options.role !== "responder") {
      throw new M2MError(SessionErrorCode.INVALID_ARGUMENT, `"role" must be "initiator" or "responder"`);
    }
    this.role = options.role;
    this.identity = options.identity ?? null;
    if (this.identity !== null) checkIdentity(this.identity);
    const base = defaultCapabilities();
    this.capabilities = {
      ...base,
      securityModes: this.identity === null ? [SecurityMode.NONE] : [SecurityMode.AEAD],
      ...options.capabilities,
    };
    validateCapabilities(this.capabilities);
    if (this.capabilities.securityModes.includes(SecurityMode.AEAD) && this.identity === null) {
      throw new M2MError(SessionErrorCode.INVALID_ARGUMENT, `security mode "aead" needs an identity`);
    }
    this.clock = options.clock ?? Date.now;
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.codecFactory = options.payloadCodecs ?? codecPayloadCodecs;
    this.replaySkewMs = options.replaySkewMs ?? 120_000;
    this.createdAt = this.clock();
    this.handshakeStartedAt = this.createdAt;
    this.lastReceivedAt = this.createdAt;
    this.lastDataAt = this.createdAt;
  }

  /** Current state. */
  get state(): SessionState {
    return this.currentState;
  }
  /** Session id as a UUID-shaped string once ACCEPT was sent or received, else null. */
  get sessionId(): string | null {
    return this.id === null ? null : sessionIdText(this.id);
  }
  /** The negotiated parameters once established (or accepted), else null. */
  get negotiated(): Negotiated | null {
    return this.result;
  }
  /** The peer's proven static X25519 public key (authenticated sessions), else null. */
  get peerStaticKey(): Uint8Array | null {
    return this.peerKey;
  }
  /** Transcript hash of an authenticated handshake (a channel binding), else null. */
  get channelBinding(): Uint8Array | null {
    return this.handshake?.transcriptHash ?? null;
  }

  /** Encoded messages to send, in order; the queue is emptied. */
  takeOutgoing(): Uint8Array[] {
    const out = this.outbox;
    this.outbox = [];
    return out;
  }
  /** Events since the last call, in order; the queue is emptied. */
  takeEvents(): SessionEvent[] {
    const out = this.events;
    this.events = [];
    return out;
  }

  private emit(message: SessionMessage): void {
    const bytes = encodeMessage(message);
    this.stats.messagesSent++;
    this.stats.bytesSent += bytes.length;
    this.outbox.push(bytes);
  }

  private emitBytes(bytes: Uint8Array): void {
    this.stats.messagesSent++;
    this.stats.bytesSent += bytes.length;
    this.outbox.push(bytes);
  }

  /** Initiator: send HELLO. */
  start(): void {
    if (this.role !== "initiator" || this.currentState !== SessionState.IDLE) {
      throw new M2MError(SessionErrorCode.INVALID_STATE, "start() is for an idle initiator");
    }
    const offersAead = this.capabilities.securityModes.includes(SecurityMode.AEAD);
    if (offersAead) this.ephemeral = ephemeralKeyPair();
    const hello: HelloMessage = {
      type: "HELLO",
      capabilities: this.capabilities,
      nonce: randomBytes(NONCE_BYTES),
      keys:
        offersAead && this.ephemeral !== null && this.identity !== null
          ? { ephemeral: this.ephemeral.publicKey, static: this.identity.staticKeyPair.publicKey }
          : null,
    };
    const bytes = encodeMessage(hello);
    this.helloBytes = bytes;
    this.emitBytes(bytes);
    this.handshakeStartedAt = this.clock();
    this.currentState = SessionState.HELLO_SENT;
  }

  /**
   * Process one received message. Throws `SESSION_UNEXPECTED_MESSAGE` (state unchanged) when the
   * state does not accept it, `SESSION_BAD_MESSAGE` for malformed bytes, and — after closing the
   * session — `SESSION_AUTH_FAILED`, `SESSION_REPLAY`, `SESSION_NEGOTIATION_MISMATCH` or
   * `SESSION_LIMIT_EXCEEDED` when the peer misbehaves.
   */
  receive(bytes: Uint8Array): void {
    const max = (this.result?.maxMessageBytes ?? this.capabilities.maxMessageBytes) + 64 * 1024;
    const message = decodeMessage(bytes, { maxMessageBytes: max });
    const state = this.currentState;
    const accepts = ACCEPTS[this.role][state];
    if (!accepts.includes(message.type)) throw unexpected(message.type, state);
    this.stats.messagesReceived++;
    this.stats.bytesReceived += bytes.length;
    this.lastReceivedAt = this.clock();
    switch (message.type) {
      case "HELLO":
        this.onHello(message, bytes);
        return;
      case "ACCEPT":
        this.onAccept(message, bytes);
        return;
      case "REJECT":
        this.wipeHandshake();
        this.currentState = SessionState.CLOSED;
        this.events.push({ type: "rejected", code: message.code, reason: message.reason });
        this.events.push({ type: "closed", code: CloseCode.ERROR, reason: message.reason, by: "remote" });
        return;
      case "CONFIRM":
        this.onConfirm(message.proof);
        return;
      case "DATA":
        this.onData(message.seq, message.body, bytes.length);
        return;
      case "PING":
        if (state === SessionState.ESTABLISHED) this.emit({ type: "PONG", nonce: message.nonce });
        return;
      case "PONG":
        if (this.ping !== null && message.nonce === this.ping.nonce) {
          this.events.push({ type: "pong", rttMs: this.clock() - this.ping.sentAt });
          this.ping = null;
          this.missedPongs = 0;
        }
        return;
      case "CLOSE":
        if (state !== SessionState.CLOSING) this.emit({ type: "CLOSE", code: CloseCode.NORMAL, reason: "" });
        this.finish(message.code, message.reason, state === SessionState.CLOSING ? "local" : "remote");
        return;
    }
  }

  private fail(code: number, reason: string, error: M2MError): never {
    if (this.currentState !== SessionState.CLOSED) {
      this.emit({ type: "CLOSE", code, reason });
      this.finish(code, reason, "local");
    }
    throw error;
  }

  private reject(code: number, reason: string): void {
    this.emit({ type: "REJECT", code, reason });
    this.finish(CloseCode.ERROR, reason, "local");
  }

  private finish(code: number, reason: string, by: "local" | "remote"): void {
    this.wipeHandshake();
    if (this.sendKey) wipe(this.sendKey);
    if (this.receiveKey) wipe(this.receiveKey);
    this.currentState = SessionState.CLOSED;
    this.events.push({ type: "closed", code, reason, by });
  }

  private wipeHandshake(): void {
    if (this.ephemeral !== null) wipe(this.ephemeral.privateKey);
    this.ephemeral = null;
  }

  private onHello(hello: HelloMessage, bytes: Uint8Array): void {
    const outcome = negotiate(this.capabilities, hello.capabilities);
    if (!outcome.ok) {
      this.reject(RejectCode[outcome.failure], `negotiation failed: ${outcome.failure}`);
      return;
    }
    const negotiated = outcome.negotiated;
    const aead = negotiated.securityMode === SecurityMode.AEAD;
    if (aead && hello.keys === null) {
      this.reject(RejectCode.BAD_MESSAGE, "HELLO offers aead without keys");
      return;
    }
    this.id = randomBytes(SESSION_ID_BYTES);
    this.result = negotiated;
    if (!aead || hello.keys === null || this.identity === null) {
      this.emit({
        type: "ACCEPT",
        sessionId: this.id,
        capabilities: this.capabilities,
        negotiated,
        keys: null,
      });
      this.becomeEstablished();
      return;
    }
    if (!isTrusted(this.identity, hello.keys.static)) {
      this.reject(RejectCode.AUTH_FAILED, "authentication failed");
      return;
    }
    const ephemeral = ephemeralKeyPair();
    const placeholder: AcceptMessage = {
      type: "ACCEPT",
      sessionId: this.id,
      capabilities: this.capabilities,
      negotiated,
      keys: {
        ephemeral: ephemeral.publicKey,
        static: this.identity.staticKeyPair.publicKey,
        proof: new Uint8Array(PROOF_BYTES),
      },
    };
    const accept = encodeMessage(placeholder);
    let secrets: { ee: Uint8Array; es: Uint8Array; se: Uint8Array };
    try {
      secrets = responderSecrets(
        this.identity.staticKeyPair.privateKey,
        ephemeral.privateKey,
        hello.keys.ephemeral,
        hello.keys.static,
      );
    } catch {
      wipe(ephemeral.privateKey);
      this.reject(RejectCode.AUTH_FAILED, "authentication failed");
      return;
    }
    const hash = transcriptHash(bytes, accept.subarray(0, accept.length - PROOF_BYTES));
    this.handshake = deriveHandshake(secrets.ee, secrets.es, secrets.se, hash);
    wipe(secrets.ee, secrets.es, secrets.se, ephemeral.privateKey);
    accept.set(this.handshake.responderProof, accept.length - PROOF_BYTES);
    this.peerKey = hello.keys.static.slice();
    this.sendKey = this.handshake.responderToInitiator;
    this.receiveKey = this.handshake.initiatorToResponder;
    this.emitBytes(accept);
    this.currentState = SessionState.AWAIT_CONFIRM;
  }

  private onAccept(accept: AcceptMessage, bytes: Uint8Array): void {
    const mine = negotiate(this.capabilities, accept.capabilities);
    if (!mine.ok || !sameNegotiated(mine.negotiated, accept.negotiated)) {
      this.fail(
        CloseCode.PROTOCOL_ERROR,
        "negotiation mismatch",
        new M2MError(
          SessionErrorCode.NEGOTIATION_MISMATCH,
          "the peer's negotiated parameters differ from ours",
        ),
      );
    }
    const negotiated = accept.negotiated;
    if (negotiated.securityMode === SecurityMode.AEAD) {
      const keys = accept.keys;
      const identity = this.identity;
      const ephemeral = this.ephemeral;
      const hello = this.helloBytes;
      if (keys === null || identity === null || ephemeral === null || hello === null) this.authFailed();
      if (!isTrusted(identity, keys.static)) this.authFailed();
      let secrets: { ee: Uint8Array; es: Uint8Array; se: Uint8Array };
      try {
        secrets = initiatorSecrets(
          identity.staticKeyPair.privateKey,
          ephemeral.privateKey,
          keys.ephemeral,
          keys.static,
        );
      } catch {
        this.authFailed();
      }
      const hash = transcriptHash(hello, bytes.subarray(0, bytes.length - PROOF_BYTES));
      const handshake = deriveHandshake(secrets.ee, secrets.es, secrets.se, hash);
      wipe(secrets.ee, secrets.es, secrets.se);
      if (!proofMatches(handshake.responderProof, keys.proof)) this.authFailed();
      this.handshake = handshake;
      this.peerKey = keys.static.slice();
      this.sendKey = handshake.initiatorToResponder;
      this.receiveKey = handshake.responderToInitiator;
      this.id = accept.sessionId;
      this.result = negotiated;
      this.emit({ type: "CONFIRM", proof: handshake.initiatorProof });
    } else {
      if (accept.keys !== null) this.authFailed();
      this.id = accept.sessionId;
      this.result = negotiated;
    }
    this.becomeEstablished();
  }

  private authFailed(): never {
    this.fail(
      CloseCode.AUTH_FAILED,
      "authentication failed",
      new M2MError(SessionErrorCode.AUTH_FAILED, "session authentication failed"),
    );
  }

  private onConfirm(proof: Uint8Array): void {
    if (this.handshake === null || !proofMatches(this.handshake.initiatorProof, proof)) {
      this.fail(
        CloseCode.AUTH_FAILED,
        "authentication failed",
        new M2MError(SessionErrorCode.AUTH_FAILED, "session authentication failed"),
      );
    }
    this.becomeEstablished();
  }

  private becomeEstablished(): void {
    this.wipeHandshake();
    const negotiated = this.result!;
    this.codecs = this.codecFactory(negotiated);
    if (negotiated.securityMode === SecurityMode.AEAD) {
      // Sequence numbers already make every DATA acceptable once; the guard adds the nonce and
      // timestamp checks, so a small memory per session is enough.
      this.replay = new ReplayGuard({ skewMs: this.replaySkewMs, now: this.clock, maxEntries: 4096 });
    }
    const now = this.clock();
    this.lastDataAt = now;
    this.lastReceivedAt = now;
    this.currentState = SessionState.ESTABLISHED;
    this.established = true;
    this.events.push({
      type: "established",
      sessionId: sessionIdText(this.id!),
      negotiated,
      peerStaticKey: this.peerKey,
    });
  }

  /** Key id of DATA number `seq` in one direction: authenticated with the frame, so order is bound. */
  private keyId(direction: "i2r" | "r2i", seq: number): string {
    return `m2m-s.${direction}.${seq}`;
  }

  /**
   * Send one application payload (encoded by the negotiated codec, sealed when authenticated).
   * Returns the size of the DATA message on the wire.
   */
  send(payload: Uint8Array): number {
    if (this.currentState !== SessionState.ESTABLISHED || this.codecs === null || this.result === null) {
      throw new M2MError(SessionErrorCode.INVALID_STATE, `cannot send DATA in state ${this.currentState}`);
    }
    if (!(payload instanceof Uint8Array)) {
      throw new M2MError(SessionErrorCode.INVALID_ARGUMENT, `"payload" expected Uint8Array`);
    }
    if (payload.length > this.result.maxMessageBytes) {
      throw new M2MError(
        SessionErrorCode.LIMIT_EXCEEDED,
        `payload of ${payload.length} bytes exceeds the negotiated ${this.result.maxMessageBytes}`,
      );
    }
    let body = this.codecs.send.encode(payload);
    const seq = this.sendSeq++;
    if (this.sendKey !== null) {
      const key: FrameKey = {
        id: this.keyId(this.role === "initiator" ? "i2r" : "r2i", seq),
        key: this.sendKey,
      };
      body = sealFrame(body, key, { mode: "aead", now: this.clock });
    }
    const bytes = encodeMessage({ type: "DATA", seq, body });
    this.emitBytes(bytes);
    this.stats.dataSent++;
    this.stats.payloadBytesSent += payload.length;
    this.lastDataAt = this.clock();
    return bytes.length;
  }

  private onData(seq: number, body: Uint8Array, wireBytes: number): void {
    const negotiated = this.result!;
    if (seq !== this.receiveSeq) {
      this.fail(
        CloseCode.PROTOCOL_ERROR,
        "DATA out of sequence",
        new M2MError(SessionErrorCode.REPLAY, "DATA sequence number is not the next one", {
          details: { expected: this.receiveSeq, received: seq },
        }),
      );
    }
    let frame = body;
    if (this.receiveKey !== null) {
      const id = this.keyId(this.role === "initiator" ? "r2i" : "i2r", seq);
      try {
        frame = openFrameDetailed(body, {
          require: "aead",
          keys: [{ id, key: this.receiveKey }],
          acceptKeyIds: [id],
          replay: this.replay!,
          limits: { maxDecodedBytes: negotiated.maxMessageBytes + 4096 },
        }).frame;
      } catch (e) {
        const replay = M2MError.isInstance(e) && e.code === "CRYPTO_REPLAY";
        this.fail(
          replay ? CloseCode.PROTOCOL_ERROR : CloseCode.AUTH_FAILED,
          replay ? "replayed DATA" : "DATA authentication failed",
          new M2MError(
            replay ? SessionErrorCode.REPLAY : SessionErrorCode.AUTH_FAILED,
            replay ? "DATA was replayed" : "DATA authentication failed",
            { cause: e },
          ),
        );
      }
    }
    let payload: Uint8Array;
    try {
      payload = this.codecs!.receive.decode(frame, negotiated.maxMessageBytes);
    } catch (e) {
      const limit = M2MError.isInstance(e) && e.code.endsWith("LIMIT_EXCEEDED");
      this.fail(
        limit ? CloseCode.LIMIT_EXCEEDED : CloseCode.PROTOCOL_ERROR,
        limit ? "DATA too large" : "undecodable DATA",
        new M2MError(
          limit ? SessionErrorCode.LIMIT_EXCEEDED : SessionErrorCode.BAD_MESSAGE,
          limit ? "DATA payload exceeds the negotiated limit" : "DATA payload could not be decoded",
          { cause: e },
        ),
      );
    }
    if (payload.length > negotiated.maxMessageBytes) {
      this.fail(
        CloseCode.LIMIT_EXCEEDED,
        "DATA too large",
        new M2MError(SessionErrorCode.LIMIT_EXCEEDED, "DATA payload exceeds the negotiated limit"),
      );
    }
    this.receiveSeq++;
    this.stats.dataReceived++;
    this.stats.payloadBytesReceived += payload.length;
    this.lastDataAt = this.clock();
    this.events.push({ type: "data", payload, seq, wireBytes });
  }

  /** Send a PING now (keep-alive does this by itself on idle). */
  sendPing(): void {
    if (this.currentState !== SessionState.ESTABLISHED) {
      throw new M2MError(SessionErrorCode.INVALID_STATE, `cannot PING in state ${this.currentState}`);
    }
    this.pingCounter = (this.pingCounter + 1) >>> 0;
    this.ping = { nonce: this.pingCounter, sentAt: this.clock() };
    this.emit({ type: "PING", nonce: this.pingCounter });
  }

  /**
   * Close gracefully: send CLOSE and wait (up to `closeTimeoutMs`) for the peer's CLOSE. Before the
   * session is established, or when already closing, it closes at once.
   */
  close(code: number = CloseCode.NORMAL, reason = ""): void {
    const state = this.currentState;
    if (state === SessionState.CLOSED || state === SessionState.CLOSING) return;
    if (state === SessionState.IDLE && this.role === "initiator") {
      this.finish(code, reason, "local");
      return;
    }
    this.emit({ type: "CLOSE", code, reason });
    if (state === SessionState.ESTABLISHED) {
      this.currentState = SessionState.CLOSING;
      this.closingAt = this.clock();
    } else {
      this.finish(code, reason, "local");
    }
  }

  /** The next time (clock ms) at which {@link Session.poll} has work, or null when none. */
  nextDeadline(): number | null {
    switch (this.currentState) {
      case SessionState.IDLE:
      case SessionState.HELLO_SENT:
      case SessionState.AWAIT_CONFIRM:
        return this.handshakeStartedAt + this.timeouts.handshakeMs;
      case SessionState.ESTABLISHED: {
        const n = this.result!;
        const idle = this.lastDataAt + n.idleTimeoutMs;
        const keepAlive =
          this.ping === null
            ? this.lastReceivedAt + n.pingIntervalMs
            : this.ping.sentAt + this.timeouts.pongTimeoutMs;
        return Math.min(idle, keepAlive);
      }
      case SessionState.CLOSING:
        return this.closingAt + this.timeouts.closeTimeoutMs;
      case SessionState.CLOSED:
        return null;
    }
  }

  /** Run the timers due at the current clock: handshake, keep-alive, idle and close timeouts. */
  poll(): void {
    const now = this.clock();
    switch (this.currentState) {
      case SessionState.IDLE:
      case SessionState.HELLO_SENT:
      case SessionState.AWAIT_CONFIRM:
        if (now >= this.handshakeStartedAt + this.timeouts.handshakeMs) {
          if (this.currentState === SessionState.AWAIT_CONFIRM) {
            this.emit({ type: "CLOSE", code: CloseCode.TIMEOUT, reason: "handshake timeout" });
          }
          this.finish(CloseCode.TIMEOUT, "handshake timeout", "local");
        }
        return;
      case SessionState.ESTABLISHED: {
        const n = this.result!;
        if (now >= this.lastDataAt + n.idleTimeoutMs) {
          this.close(CloseCode.TIMEOUT, "idle timeout");
          return;
        }
        if (!this.timeouts.keepAlive) return;
        if (this.ping !== null) {
          if (now >= this.ping.sentAt + this.timeouts.pongTimeoutMs) {
            this.missedPongs++;
            this.ping = null;
            if (this.missedPongs >= this.timeouts.maxMissedPongs) {
              this.emit({ type: "CLOSE", code: CloseCode.KEEPALIVE_TIMEOUT, reason: "peer not answering" });
              this.finish(CloseCode.KEEPALIVE_TIMEOUT, "peer not answering", "local");
              return;
            }
            this.sendPing();
          }
        } else if (now >= this.lastReceivedAt + n.pingIntervalMs) {
          this.sendPing();
        }
        return;
      }
      case SessionState.CLOSING:
        if (now >= this.closingAt + this.timeouts.closeTimeoutMs) {
          this.finish(CloseCode.TIMEOUT, "close timeout", "local");
        }
        return;
      case SessionState.CLOSED:
        return;
    }
  }

  /** True once the session has been established (it may have closed since). */
  get wasEstablished(): boolean {
    return this.established;
  }
}

type Accepts = Readonly<Record<SessionState, readonly SessionMessage["type"][]>>;
/** Which message types each state accepts, per role (spec/session.md §5, the state table). */
export const ACCEPTS: Readonly<Record<"initiator" | "responder", Accepts>> = {
  initiator: {
    idle: [],
    "hello-sent": ["ACCEPT", "REJECT", "CLOSE"],
    "await-confirm": [],
    established: ["DATA", "PING", "PONG", "CLOSE"],
    closing: ["DATA", "PING", "PONG", "CLOSE"],
    closed: [],
  },
  responder: {
    idle: ["HELLO"],
    "hello-sent": [],
    "await-confirm": ["CONFIRM", "CLOSE"],
    established: ["DATA", "PING", "PONG", "CLOSE"],
    closing: ["DATA", "PING", "PONG", "CLOSE"],
    closed: [],
  },
};
