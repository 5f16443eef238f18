import { M2MError } from "@m2m/wire";
import { SessionErrorCode } from "./errors.js";
import { CloseCode } from "./messages.js";
import type { Negotiated } from "./negotiate.js";
import { Session, type SessionEvent, type SessionOptions } from "./session.js";

/** What a transport tells its driver. */
export interface TransportHandlers {
  /** One whole binary message arrived. */
  message(data: Uint8Array): void;
  /** The transport closed or failed; no more messages will arrive. */
  closed(error?: unknown): void;
}

/**
 * A message-oriented transport (WebSocket binary messages, HTTP request/response, a QUIC stream
 * with framing…): the only I/O seam of a session. Implement it to add a transport.
 *
 * @example
 * const transport: MessageTransport = webSocketTransport(socket);
 */
export interface MessageTransport {
  /** Install the handlers; called once, before any `send`. */
  start(handlers: TransportHandlers): void;
  /** Send one whole message (ordering must be preserved). */
  send(message: Uint8Array): void;
  /** Close the underlying channel. */
  close(): void;
}

/** The established-session facts a connection resolves with. */
export interface EstablishedInfo {
  readonly sessionId: string;
  readonly negotiated: Negotiated;
  readonly peerStaticKey: Uint8Array | null;
}

/** Why and how a connection ended. */
export interface ClosedInfo {
  readonly code: number;
  readonly reason: string;
  readonly by: "local" | "remote" | "transport";
}

/** Options of {@link SessionConnection}. */
export interface ConnectionOptions extends Omit<SessionOptions, "role"> {
  /** Called for every session event (after the connection handled it). */
  readonly onEvent?: (event: SessionEvent) => void;
}

/**
 * Drives a {@link Session} over a {@link MessageTransport}: pumps bytes both ways, runs the
 * session's timers with `setTimeout`, and exposes promises for the handshake and close.
 *
 * @example
 * const conn = connectSession(webSocketTransport(ws), { identity });
 * await conn.established;
 * conn.send(new TextEncoder().encode("hi"));
 * const reply = await conn.next();
 */
export class SessionConnection {
  readonly session: Session;
  /** Resolves when the handshake completes; rejects if the session ends first. */
  readonly established: Promise<EstablishedInfo>;
  /** Resolves when the session is closed (never rejects). */
  readonly closed: Promise<ClosedInfo>;
  private readonly transport: MessageTransport;
  private readonly onEvent: ((event: SessionEvent) => void) | undefined;
  private resolveEstablished!: (info: EstablishedInfo) => void;
  private rejectEstablished!: (error: unknown) => void;
  private resolveClosed!: (info: ClosedInfo) => void;
  private readonly inbox: Uint8Array[] = [];
  private readonly waiters: Array<{ resolve: (p: Uint8Array) => void; reject: (e: unknown) => void }> = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private done: ClosedInfo | null = null;
  private lastError: unknown = null;
  private readonly clock: () => number;

  constructor(role: "initiator" | "responder", transport: MessageTransport, options: ConnectionOptions = {}) {
    const { onEvent, ...sessionOptions } = options;
    this.onEvent = onEvent;
    this.clock = options.clock ?? Date.now;
    this.session = new Session({ ...sessionOptions, role });
    this.transport = transport;
    this.established = new Promise((resolve, reject) => {
      this.resolveEstablished = resolve;
      this.rejectEstablished = reject;
    });
    // A caller that only awaits `closed` must not get an unhandled rejection.
    this.established.catch(() => undefined);
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    transport.start({
      message: (data) => this.onMessage(data),
      closed: (error) => this.onTransportClosed(error),
    });
    if (role === "initiator") this.session.start();
    this.flush();
  }

  /** Send one payload; returns its size on the wire. */
  send(payload: Uint8Array): number {
    const size = this.session.send(payload);
    this.flush();
    return size;
  }

  /** The next received payload (in order). Rejects when the session closes first. */
  next(): Promise<Uint8Array> {
    const ready = this.inbox.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    if (this.done !== null) return Promise.reject(this.closedError());
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Send PING now; the RTT arrives as a `pong` event. */
  ping(): void {
    this.session.sendPing();
    this.flush();
  }

  /** Close gracefully and wait until closed. */
  close(code: number = CloseCode.NORMAL, reason = ""): Promise<ClosedInfo> {
    this.session.close(code, reason);
    this.flush();
    return this.closed;
  }

  private closedError(): M2MError {
    return new M2MError(SessionErrorCode.CLOSED, "the session is closed", {
      ...(this.lastError === null ? {} : { cause: this.lastError }),
      details: { code: this.done?.code ?? 0, by: this.done?.by ?? "local" },
    });
  }

  private onMessage(data: Uint8Array): void {
    if (this.done !== null) return;
    try {
      this.session.receive(data);
    } catch (e) {
      this.lastError = e;
      // The session already closed itself for fatal errors; for refused or malformed input, close.
      if (this.session.state !== "closed") this.session.close(CloseCode.PROTOCOL_ERROR, "protocol error");
    }
    this.flush();
  }

  private onTransportClosed(error: unknown): void {
    if (this.done !== null) return;
    if (error !== undefined) this.lastError = error;
    this.finish({ code: CloseCode.ERROR, reason: "transport closed", by: "transport" });
  }

  private flush(): void {
    for (const message of this.session.takeOutgoing()) {
      try {
        this.transport.send(message);
      } catch (e) {
        this.lastError = e;
      }
    }
    for (const event of this.session.takeEvents()) {
      this.handle(event);
      try {
        this.onEvent?.(event);
      } catch (e) {
        // A throwing observer must not leave the remaining events unprocessed.
        this.lastError = e;
      }
    }
    if (this.session.state === "closed") {
      if (this.done === null) this.finish({ code: CloseCode.ERROR, reason: "closed", by: "local" });
      return;
    }
    this.arm();
  }

  private handle(event: SessionEvent): void {
    switch (event.type) {
      case "established":
        this.resolveEstablished({
          sessionId: event.sessionId,
          negotiated: event.negotiated,
          peerStaticKey: event.peerStaticKey,
        });
        return;
      case "data": {
        const waiter = this.waiters.shift();
        if (waiter) waiter.resolve(event.payload);
        else this.inbox.push(event.payload);
        return;
      }
      case "rejected":
        this.lastError = new M2MError(SessionErrorCode.REJECTED, `session rejected: ${event.reason}`, {
          details: { code: event.code },
        });
        return;
      case "closed":
        this.finish({ code: event.code, reason: event.reason, by: event.by });
        return;
      case "pong":
        return;
    }
  }

  private finish(info: ClosedInfo): void {
    if (this.done !== null) return;
    this.done = info;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const error = this.closedError();
    this.rejectEstablished(M2MError.isInstance(this.lastError) ? this.lastError : error);
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
    try {
      this.transport.close();
    } catch {
      // Already closed underneath: nothing to do.
    }
    this.resolveClosed(info);
  }

  private arm(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const deadline = this.session.nextDeadline();
    if (deadline === null) return;
    const delay = Math.max(0, deadline - this.clock());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.session.poll();
      this.flush();
    }, delay);
    // Keep-alive timers must not keep a Node process alive on their own.
    (this.timer as { unref?: () => void }).unref?.();
  }
}

/** Start an initiator session over `transport` (sends HELLO at once). */
export function connectSession(
  transport: MessageTransport,
  options: ConnectionOptions = {},
): SessionConnection {
  return new SessionConnection("initiator", transport, options);
}

/** Serve one responder session over `transport` (waits for HELLO). */
export function acceptSession(
  transport: MessageTransport,
  options: ConnectionOptions = {},
): SessionConnection {
  return new SessionConnection("responder", transport, options);
}
