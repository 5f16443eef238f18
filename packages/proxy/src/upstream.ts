import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import type { LookupFunction } from "node:net";
import { Readable } from "node:stream";
import { type Dispatcher, Pool } from "undici";

/**
 * The upstream side of the proxy: one keep-alive `undici` Pool per target (the upstream, or the
 * peer proxy), one request per connection at a time (no pipelining). The client-facing side stays
 * on node:http (llhttp); undici parses the upstream's answers with llhttp too. undici is used here
 * because it costs measurably less CPU per request than `http.request` with an `http.Agent`.
 */

/** Response headers Node's `IncomingMessage` keeps only the first of; other repeats are joined. */
const FIRST_ONLY = new Set([
  "content-type",
  "content-length",
  "user-agent",
  "referer",
  "host",
  "authorization",
  "proxy-authorization",
  "if-modified-since",
  "if-unmodified-since",
  "from",
  "location",
  "max-forwards",
  "retry-after",
  "etag",
  "last-modified",
  "server",
  "age",
  "expires",
]);

/** undici's header object (repeats as arrays) in `IncomingMessage.headers` shape. */
function nodeHeaders(headers: Record<string, string | string[] | undefined>): IncomingHttpHeaders {
  for (const name in headers) {
    const value = headers[name];
    if (!Array.isArray(value) || name === "set-cookie") continue;
    headers[name] = FIRST_ONLY.has(name) ? value[0] : value.join(", ");
  }
  return headers as IncomingHttpHeaders;
}

/** An upstream answer: status, headers (node:http shape) and the body as a Readable. */
export class UpstreamResponse extends Readable {
  readonly statusCode: number;
  readonly headers: IncomingHttpHeaders;
  readonly #controller: Dispatcher.DispatchController;
  /** The body ended or failed: nothing left to abort. */
  settled = false;
  /** Set by {@link UpstreamResponse.collect}: body chunks go here instead of through the stream. */
  sink: { chunk(chunk: Buffer): void; end(): void } | null = null;

  constructor(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders) {
    super();
    this.#controller = controller;
    this.statusCode = statusCode;
    this.headers = headers;
  }

  /**
   * Take the body as plain callbacks instead of stream events (cheaper for small buffered
   * answers). Must be called before any body data was read; otherwise it falls back to events.
   * Errors are still emitted as `error` on this stream.
   */
  collect(chunk: (chunk: Buffer) => void, end: () => void): void {
    if (this.readableLength > 0 || this.readableEnded || this.readableFlowing) {
      this.on("data", chunk);
      this.on("end", end);
      return;
    }
    this.sink = { chunk, end };
  }

  override _read(): void {
    this.#controller.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // Discarding the body early (client gone, limit hit, verdict reached) closes the connection.
    if (!this.settled) {
      this.settled = true;
      this.#controller.abort(error ?? new Error("upstream response discarded"));
    }
    callback(error);
  }
}

/** Failure before any response arrived; `kind` is the metrics label. */
export interface UpstreamFailure {
  readonly kind: "connect_timeout" | "connect_refused" | "timeout" | "reset" | "other";
  readonly error: Error & { code?: string };
}

/** What one upstream request reports back. */
export interface UpstreamHandlers {
  /** Status and headers arrived; the body follows on `response`. Body errors are emitted on it. */
  onResponse(response: UpstreamResponse): void;
  /** No response: connect failure, refused, timeout waiting for headers, reset. */
  onFailure(failure: UpstreamFailure): void;
}

/** Map an undici / socket error to a metrics kind. */
export function failureKind(error: Error & { code?: string }): UpstreamFailure["kind"] {
  switch (error.code) {
    case "UND_ERR_CONNECT_TIMEOUT":
      return "connect_timeout";
    case "ECONNREFUSED":
      return "connect_refused";
    case "UND_ERR_HEADERS_TIMEOUT":
    case "UND_ERR_BODY_TIMEOUT":
      return "timeout";
    case "ECONNRESET":
    case "EPIPE":
    case "UND_ERR_SOCKET":
      return "reset";
    default:
      return "other";
  }
}

/** One request in flight; `abort()` cancels it (the connection is closed, not reused). */
export class UpstreamCall implements Dispatcher.DispatchHandler {
  #controller: Dispatcher.DispatchController | null = null;
  #response: UpstreamResponse | null = null;
  #aborted = false;
  readonly #handlers: UpstreamHandlers;

  constructor(handlers: UpstreamHandlers) {
    this.#handlers = handlers;
  }

  /** True once response headers arrived. */
  get responded(): boolean {
    return this.#response !== null;
  }

  abort(): void {
    if (this.#aborted) return;
    this.#aborted = true;
    if (this.#response) this.#response.destroy();
    else this.#controller?.abort(new Error("request cancelled by the proxy"));
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#aborted) controller.abort(new Error("request cancelled by the proxy"));
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    const response = new UpstreamResponse(controller, statusCode, nodeHeaders(headers));
    this.#response = response;
    this.#handlers.onResponse(response);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    const response = this.#response!;
    if (response.destroyed) return;
    if (response.sink) response.sink.chunk(chunk);
    else if (!response.push(chunk)) controller.pause();
  }

  onResponseEnd(): void {
    const response = this.#response!;
    response.settled = true;
    if (response.sink) {
      if (!response.destroyed) response.sink.end();
    } else response.push(null);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    const response = this.#response;
    if (response) {
      if (!response.settled) {
        response.settled = true;
        response.destroy(error);
      }
      return;
    }
    if (this.#aborted) return;
    this.#aborted = true;
    this.#handlers.onFailure({ kind: failureKind(error), error });
  }
}

/** Options for {@link UpstreamTarget}. */
export interface UpstreamTargetOptions {
  readonly maxSockets: number;
  readonly connectTimeoutMs: number;
  /** Longest wait for response headers, and longest silence inside a body. */
  readonly timeoutMs: number;
  readonly lookup?: LookupFunction;
}

/** A base URL the proxy sends to (the upstream, or a peer proxy), with its connection pool. */
export class UpstreamTarget {
  readonly basePath: string;
  /** The base ends in /v1, so a client's /v1 prefix maps onto it. */
  readonly baseHasV1: boolean;
  readonly isPeer: boolean;
  readonly #pool: Pool;

  constructor(raw: string, isPeer: boolean, options: UpstreamTargetOptions) {
    const url = new URL(raw);
    this.basePath = url.pathname.replace(/\/+$/, "");
    this.baseHasV1 = this.basePath.endsWith("/v1");
    this.isPeer = isPeer;
    this.#pool = new Pool(url.origin, {
      connections: options.maxSockets,
      pipelining: 1,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connect: {
        timeout: options.connectTimeoutMs,
        ...(options.lookup ? { lookup: options.lookup } : {}),
      },
    });
  }

  /** The path to request for a client's `path`. */
  pathFor(path: string): string {
    // A peer is another M2M proxy: it gets the client's path unchanged under its own base.
    if (
      !this.isPeer &&
      this.baseHasV1 &&
      (path.startsWith("/v1/") || path.startsWith("/v1?") || path === "/v1")
    ) {
      return this.basePath + path.slice(3);
    }
    return this.basePath + path;
  }

  /**
   * Send one request. Throws synchronously only for headers undici refuses (e.g. invalid values).
   * `body` is sent as is: a Buffer with its Content-Length, a stream chunked unless the headers
   * declare a length (then undici checks the stream matches it).
   */
  send(
    method: string,
    path: string,
    headers: OutgoingHttpHeaders,
    body: Uint8Array | Readable | null,
    handlers: UpstreamHandlers,
  ): UpstreamCall {
    const call = new UpstreamCall(handlers);
    this.#pool.dispatch(
      {
        method: method as Dispatcher.HttpMethod,
        path: this.pathFor(path),
        // undici turns numbers into strings and refuses what it cannot send; same shape otherwise.
        headers: headers as Record<string, string | string[]>,
        body,
      },
      call,
    );
    return call;
  }

  /** Close every connection now (in-flight requests fail). */
  destroy(): Promise<void> {
    return this.#pool.destroy();
  }
}
