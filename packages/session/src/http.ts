import { BinaryReader, BinaryWriter, M2MError } from "@m2m/wire";
import type { MessageTransport, TransportHandlers } from "./connection.js";
import { SessionErrorCode } from "./errors.js";
import { CloseCode } from "./messages.js";
import { Session, type SessionOptions } from "./session.js";

/** Media type of an HTTP body carrying session messages (each prefixed by its varint length). */
export const SESSION_HTTP_CONTENT_TYPE = "application/x-m2m-session";
/** Request/response header carrying the session id after ACCEPT. */
export const SESSION_HTTP_HEADER = "m2m-session";
/** Most messages in one HTTP body. */
export const MAX_HTTP_BATCH = 64;

/**
 * Pack messages into one HTTP body: `(varint length ‖ message)*`.
 *
 * @example const body = packMessages([hello]);
 */
export function packMessages(messages: readonly Uint8Array[]): Uint8Array {
  const w = new BinaryWriter(messages.reduce((n, m) => n + m.length + 5, 0));
  for (const m of messages) w.lengthPrefixed(m);
  return w.finish();
}

/** Split an HTTP body into messages; throws `SESSION_BAD_MESSAGE` on malformed or oversized input. */
export function unpackMessages(
  body: Uint8Array,
  maxMessageBytes: number = 16 * 1024 * 1024 + 1024,
): Uint8Array[] {
  const r = new BinaryReader(body);
  const out: Uint8Array[] = [];
  try {
    while (r.remaining > 0) {
      if (out.length >= MAX_HTTP_BATCH)
        throw new M2MError(SessionErrorCode.BAD_MESSAGE, "too many messages in one body");
      out.push(r.lengthPrefixed(maxMessageBytes));
    }
  } catch (e) {
    if (M2MError.isInstance(e) && e.code.startsWith("SESSION_")) throw e;
    throw new M2MError(SessionErrorCode.BAD_MESSAGE, "malformed session HTTP body", { cause: e });
  }
  return out;
}

/** Options of {@link httpTransport}. */
export interface HttpTransportOptions {
  /** Endpoint URL (POST). */
  readonly url: string;
  /** `fetch` to use (default `globalThis.fetch`). */
  readonly fetch?: typeof fetch;
  /** Extra request headers (never logged). */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Client side of the HTTP binding: every outgoing message is POSTed (batched while a request is
 * in flight, one request at a time so order holds), and the messages in each response body are
 * delivered to the session. The server cannot push: its PINGs ride on the next response.
 *
 * @example
 * const conn = connectSession(httpTransport({ url: "http://127.0.0.1:8080/m2m/session" }), { identity });
 */
export function httpTransport(options: HttpTransportOptions): MessageTransport {
  const doFetch = options.fetch ?? globalThis.fetch;
  let handlers: TransportHandlers | null = null;
  const queue: Uint8Array[] = [];
  let inFlight = false;
  let sessionId: string | null = null;
  let ended = false;
  let closing = false;
  const end = (error?: unknown) => {
    if (ended) return;
    ended = true;
    handlers?.closed(error);
  };
  const pump = async (): Promise<void> => {
    if (inFlight || ended) return;
    if (queue.length === 0) {
      if (closing) end();
      return;
    }
    inFlight = true;
    const batch = queue.splice(0, MAX_HTTP_BATCH);
    try {
      const headers: Record<string, string> = {
        ...options.headers,
        "content-type": SESSION_HTTP_CONTENT_TYPE,
      };
      if (sessionId !== null) headers[SESSION_HTTP_HEADER] = sessionId;
      const response = await doFetch(options.url, {
        method: "POST",
        headers,
        body: new Uint8Array(packMessages(batch)),
      });
      const id = response.headers.get(SESSION_HTTP_HEADER);
      if (id !== null) sessionId = id;
      const body = new Uint8Array(await response.arrayBuffer());
      if (!response.ok && body.length === 0) throw new Error(`HTTP ${response.status}`);
      for (const m of unpackMessages(body)) if (!ended) handlers?.message(m);
    } catch (e) {
      end(e);
      return;
    } finally {
      inFlight = false;
    }
    void pump();
  };
  return {
    start(h: TransportHandlers): void {
      handlers = h;
    },
    send(message: Uint8Array): void {
      if (ended) return;
      queue.push(message);
      void pump();
    },
    close(): void {
      // Let an already queued CLOSE go out (and its answer come back) before reporting closed.
      closing = true;
      void pump();
    },
  };
}

/** What the endpoint hands the application for each received payload. */
export interface HttpDataContext {
  readonly sessionId: string;
  readonly session: Session;
  /** Send a payload back (it rides on this response). */
  reply(payload: Uint8Array): void;
}

/** Options of {@link HttpSessionEndpoint}. */
export interface HttpSessionEndpointOptions {
  readonly session?: Omit<SessionOptions, "role">;
  /** Called for each DATA payload; may reply, synchronously or after awaiting. */
  readonly onData: (payload: Uint8Array, context: HttpDataContext) => void | Promise<void>;
  /** Most concurrent sessions (default 1,000); more HELLOs are rejected with SERVER_BUSY. */
  readonly maxSessions?: number;
  /** Largest request body (default 16 MiB + 64 KiB). */
  readonly maxBodyBytes?: number;
}

/** A runtime-neutral HTTP request/response, as the endpoint sees it. */
export interface HttpExchange {
  readonly status: number;
  readonly body: Uint8Array;
  readonly sessionId: string | null;
}

/**
 * Server side of the HTTP binding, runtime-neutral: give it each POST body and session header,
 * send back what it returns. Keeps one responder {@link Session} per session id, runs their
 * timers on every call (and on {@link HttpSessionEndpoint.sweep}) and forgets closed ones.
 *
 * @example
 * const endpoint = new HttpSessionEndpoint({ onData: (p, ctx) => ctx.reply(p) });
 * const { status, body, sessionId } = await endpoint.handle(requestBody, request.headers["m2m-session"] ?? null);
 */
export class HttpSessionEndpoint {
  private readonly sessions = new Map<string, Session>();
  private readonly options: HttpSessionEndpointOptions;

  constructor(options: HttpSessionEndpointOptions) {
    this.options = options;
  }

  /** Sessions currently held. */
  get size(): number {
    return this.sessions.size;
  }

  /** Run every session's timers and drop closed sessions. */
  sweep(): void {
    for (const [id, s] of this.sessions) {
      s.poll();
      if (s.state === "closed") this.sessions.delete(id);
    }
  }

  /** Handle one POST. `sessionId` is the request's session header (null for the HELLO request). */
  async handle(body: Uint8Array, sessionId: string | null): Promise<HttpExchange> {
    this.sweep();
    const maxBody = this.options.maxBodyBytes ?? 16 * 1024 * 1024 + 64 * 1024;
    if (body.length > maxBody) return { status: 413, body: new Uint8Array(0), sessionId };
    let messages: Uint8Array[];
    try {
      messages = unpackMessages(body);
    } catch {
      return { status: 400, body: new Uint8Array(0), sessionId };
    }
    let session: Session;
    if (sessionId === null) {
      // The client drives keep-alive: a server PING could only ride on the client's next request.
      session = new Session({
        ...this.options.session,
        role: "responder",
        timeouts: { ...this.options.session?.timeouts, keepAlive: false },
      });
      if (this.sessions.size >= (this.options.maxSessions ?? 1000)) {
        return { status: 503, body: new Uint8Array(0), sessionId: null };
      }
    } else {
      const found = this.sessions.get(sessionId);
      if (found === undefined) return { status: 404, body: new Uint8Array(0), sessionId };
      session = found;
    }
    let status = 200;
    const replies: Promise<void>[] = [];
    for (const m of messages) {
      try {
        session.receive(m);
      } catch {
        status = 400;
        if (session.state !== "closed") session.close(CloseCode.PROTOCOL_ERROR, "protocol error");
        break;
      }
      for (const event of session.takeEvents()) {
        if (event.type === "established") this.sessions.set(event.sessionId, session);
        if (event.type === "data") {
          const id = session.sessionId!;
          const context: HttpDataContext = {
            sessionId: id,
            session,
            reply: (payload) => {
              if (session.state === "established") session.send(payload);
            },
          };
          const r = this.options.onData(event.payload, context);
          if (r !== undefined) replies.push(r);
        }
      }
    }
    await Promise.all(replies);
    session.takeEvents();
    const id = session.sessionId;
    if (session.state === "closed" && id !== null) this.sessions.delete(id);
    // A responder that answered HELLO but is not yet established (awaiting CONFIRM) is held too.
    if (id !== null && session.state !== "closed" && !this.sessions.has(id)) this.sessions.set(id, session);
    return { status, body: packMessages(session.takeOutgoing()), sessionId: id };
  }
}
