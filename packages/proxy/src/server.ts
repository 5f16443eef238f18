import http, {
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from "node:http";
import type { AddressInfo, LookupFunction } from "node:net";
import { performance } from "node:perf_hooks";
import { Transform, type TransformCallback } from "node:stream";
import { estimateTokensFromBytes, M2MError, parseJsonLimited, routingHeaderFrom } from "@m2m/wire";
import {
  CLEAN_VERDICT,
  mergeVerdicts,
  type PeerCodec,
  type ProxyScanner,
  type ScanVerdict,
} from "./adapters.js";
import { BodyError, decodeContentEncoding, readBody } from "./body.js";
import { DELTA_CONVERSATIONS } from "./codec-adapter.js";
import type { ProxyConfig } from "./config.js";
import { errorBody, PROXY_ERROR_TYPE, ProxyErrorCode, ProxyHttpCode, SECURITY_BLOCK_TYPE } from "./errors.js";
import { ProxyMetrics } from "./metrics.js";
import {
  CONVERSATION_HEADER,
  conversationKey,
  DeltaReceivers,
  DeltaSenders,
  FRAME_CONTENT_TYPE,
  FRAME_STREAM_CONTENT_TYPE,
  FrameRecordReader,
  frameRecord,
  ORIGINAL_TYPE_HEADER,
} from "./peer.js";
import { SseTextExtractor } from "./sse.js";
import {
  failureKind,
  type UpstreamCall,
  type UpstreamFailure,
  type UpstreamResponse,
  UpstreamTarget,
} from "./upstream.js";

/** Route names used in metrics labels and routing decisions. */
export type RouteName = "chat_completions" | "completions" | "embeddings" | "responses" | "models" | "other";

/** What {@link createProxyServer} needs besides the config. */
export interface ProxyServerOptions {
  readonly config: ProxyConfig;
  /** Scanner used when `config.scan` is on; null = no scanning. */
  readonly scanner: ProxyScanner | null;
  /** Codec for peer links (sending with `config.peer`, and receiving framed requests). */
  readonly codec: PeerCodec | null;
  /** Where request log lines go when `config.logRequests` is on (default stderr). */
  readonly log?: (line: string) => void;
  /** Host-name lookup for the upstream and peer (service discovery; default `dns.lookup`). */
  readonly lookup?: LookupFunction;
}

/** A running (or ready to run) proxy. */
export interface ProxyServer {
  readonly metrics: ProxyMetrics;
  /** The underlying node:http server (for tests and embedding). */
  readonly server: http.Server;
  /** Start listening; resolves to the base URL, e.g. `http://127.0.0.1:8080`. */
  listen(): Promise<string>;
  /** Stop accepting, let in-flight requests finish (up to `shutdownGraceMs`), then close everything. */
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authorization",
  "proxy-authenticate",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "host",
  "content-length",
  // The client's 100-continue was answered by node:http already; the upstream gets the whole body.
  "expect",
]);

function forwardHeaders(headers: IncomingHttpHeaders, drop?: ReadonlySet<string>): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  const connection = headers.connection;
  const listed =
    typeof connection === "string"
      ? connection
          .toLowerCase()
          .split(",")
          .map((s) => s.trim())
      : [];
  for (const name in headers) {
    if (HOP_BY_HOP.has(name) || listed.includes(name) || drop?.has(name)) continue;
    const value = headers[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function classify(method: string, pathname: string): RouteName {
  const p = pathname.startsWith("/v1/") ? pathname.slice(3) : pathname;
  if (method === "POST") {
    if (p === "/chat/completions") return "chat_completions";
    if (p === "/completions") return "completions";
    if (p === "/embeddings") return "embeddings";
    if (p === "/responses") return "responses";
  } else if (method === "GET" && (p === "/models" || p.startsWith("/models/"))) return "models";
  return "other";
}

const JSON_ROUTES: ReadonlySet<RouteName> = new Set([
  "chat_completions",
  "completions",
  "embeddings",
  "responses",
]);
const SCANNED_ROUTES: ReadonlySet<RouteName> = new Set(["chat_completions", "completions", "responses"]);

/** Relayed answers up to this size with a Content-Length are sent in one write instead of piped. */
const SMALL_ANSWER_BYTES = 64 * 1024;

/** Request headers the proxy never forwards on JSON routes (it decodes, re-encodes or sets them). */
const JSON_DROP: ReadonlySet<string> = new Set([
  "content-encoding",
  "accept-encoding",
  CONVERSATION_HEADER,
  "accept",
]);
/** Upstream response headers replaced on buffered (scanned or framed) answers. */
const BUFFERED_DROP: ReadonlySet<string> = new Set([
  "content-type",
  "content-encoding",
  ORIGINAL_TYPE_HEADER,
]);
/** Upstream response headers replaced on relayed streams. */
const STREAM_DROP: ReadonlySet<string> = new Set(["content-type", ORIGINAL_TYPE_HEADER]);

/**
 * Parse a request body. `JSON.parse` only after a check that nesting stays within 128 and no
 * array exceeds 1,000,000 elements; when the text is too short to break either limit (fewer than
 * 129 brackets in total, fewer characters than the array limit) the character-by-character check is
 * skipped, since it cannot fail.
 */
const MAX_JSON_DEPTH = 128;
const MAX_ARRAY_LENGTH = 1_000_000;
function parseRequestJson(text: string): unknown {
  if (text.length <= MAX_ARRAY_LENGTH) {
    let brackets = 0;
    for (let i = text.indexOf("{"); i >= 0 && brackets <= MAX_JSON_DEPTH; i = text.indexOf("{", i + 1))
      brackets++;
    for (let i = text.indexOf("["); i >= 0 && brackets <= MAX_JSON_DEPTH; i = text.indexOf("[", i + 1))
      brackets++;
    if (brackets <= MAX_JSON_DEPTH) return JSON.parse(text);
  }
  return parseJsonLimited(text, { maxJsonDepth: MAX_JSON_DEPTH, maxArrayLength: MAX_ARRAY_LENGTH });
}

/** Counts a streamed request body on its way upstream and fails it past the limit. */
class BodyLimit extends Transform {
  size = 0;
  private readonly limit: number;
  private readonly onChunk: (bytes: number) => void;
  private readonly onTooLarge: () => void;
  constructor(limit: number, onChunk: (bytes: number) => void, onTooLarge: () => void) {
    super();
    this.limit = limit;
    this.onChunk = onChunk;
    this.onTooLarge = onTooLarge;
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.limit) {
      this.onTooLarge();
      callback(new BodyError(413, ProxyHttpCode.BODY_TOO_LARGE, "request body exceeds the limit"));
      return;
    }
    this.onChunk(chunk.length);
    callback(null, chunk);
  }
}

/** Offset just past the last complete SSE event (blank line, LF or CRLF) in `bytes`, or 0. */
function eventBoundary(bytes: Buffer): number {
  const lf = bytes.lastIndexOf("\n\n");
  const crlf = bytes.lastIndexOf("\n\r\n");
  return Math.max(lf < 0 ? 0 : lf + 2, crlf < 0 ? 0 : crlf + 3);
}

/** Threat categories for the x-m2m-threats header: `category;score=0.93`. */
function threatHeader(v: ScanVerdict): string {
  return v.categories.join(",") + (v.categories.length > 0 ? `;score=${v.score.toFixed(2)}` : "");
}

/** Reduce a Responses / legacy completions body to the chat shape the scanner reads. */
function toChatShape(route: RouteName, body: unknown): unknown {
  if (route === "chat_completions" || typeof body !== "object" || body === null) return body;
  const o = body as Record<string, unknown>;
  if (route === "completions") {
    const prompt = Array.isArray(o.prompt)
      ? o.prompt.filter((p) => typeof p === "string").join("\n")
      : o.prompt;
    return {
      model: o.model,
      messages: [{ role: "user", content: typeof prompt === "string" ? prompt : "" }],
    };
  }
  // Responses API: `instructions` (operator) + `input` (string or items; function_call_output = tool data).
  const messages: unknown[] = [];
  if (typeof o.instructions === "string") messages.push({ role: "system", content: o.instructions });
  if (typeof o.input === "string") messages.push({ role: "user", content: o.input });
  else if (Array.isArray(o.input)) {
    for (const item of o.input) {
      if (typeof item !== "object" || item === null) continue;
      const it = item as Record<string, unknown>;
      if (it.type === "function_call_output")
        messages.push({
          role: "tool",
          content: typeof it.output === "string" ? it.output : JSON.stringify(it.output ?? ""),
        });
      else if (typeof it.role === "string") {
        const content = Array.isArray(it.content)
          ? it.content
              .map((c) =>
                typeof c === "object" && c !== null && typeof (c as { text?: unknown }).text === "string"
                  ? (c as { text: string }).text
                  : "",
              )
              .join("\n")
          : it.content;
        messages.push({ role: it.role, content: typeof content === "string" ? content : "" });
      }
    }
  }
  return { model: o.model, messages };
}

/** Chat-shaped view of a Responses API or legacy completions response, for the response scanner. */
function toChatResponseShape(route: RouteName, body: unknown): unknown {
  if (route === "chat_completions" || typeof body !== "object" || body === null) return body;
  const o = body as Record<string, unknown>;
  if (route === "completions" && Array.isArray(o.choices)) {
    return {
      choices: o.choices.map((c) => ({
        message: { role: "assistant", content: (c as { text?: unknown })?.text ?? "" },
      })),
    };
  }
  if (route === "responses" && Array.isArray(o.output)) {
    const parts: string[] = [];
    for (const item of o.output) {
      const it = item as Record<string, unknown> | null;
      if (!it) continue;
      if (typeof it.arguments === "string") parts.push(it.arguments);
      if (Array.isArray(it.content))
        for (const c of it.content)
          if (typeof (c as { text?: unknown })?.text === "string") parts.push((c as { text: string }).text);
    }
    return { choices: [{ message: { role: "assistant", content: parts.join("\n") } }] };
  }
  return body;
}

/**
 * Build the proxy. It routes OpenAI-compatible requests to `config.upstream` (or, with
 * `config.peer`, as M2M frames to another M2M proxy), scans them with `scanner`, relays SSE chunk
 * by chunk, and serves `GET /healthz` and `GET /metrics`.
 *
 * @example
 * const proxy = createProxyServer({ config, scanner: securityScanner(), codec: codecPeerCodec() });
 * const url = await proxy.listen(); // http://127.0.0.1:8080
 */
export function createProxyServer(options: ProxyServerOptions): ProxyServer {
  const { config } = options;
  const scanner = config.scan ? options.scanner : null;
  const codec = options.codec;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const metrics = new ProxyMetrics();
  const targetOptions = {
    maxSockets: config.upstreamMaxSockets,
    connectTimeoutMs: config.connectTimeoutMs,
    timeoutMs: config.upstreamTimeoutMs,
    ...(options.lookup ? { lookup: options.lookup } : {}),
  };
  const upstream = new UpstreamTarget(config.upstream, false, targetOptions);
  const peer = config.peer !== null ? new UpstreamTarget(config.peer, true, targetOptions) : null;
  if (peer && !codec) throw new M2MError(ProxyErrorCode.BAD_CONFIG, "--peer needs a codec");
  const senders = peer && codec?.createDeltaEncoder ? new DeltaSenders(codec, DELTA_CONVERSATIONS) : null;
  const receivers = codec?.createDeltaDecoder
    ? new DeltaReceivers(codec, config.maxDecodedBytes, DELTA_CONVERSATIONS)
    : null;
  const block = config.policy === "block";
  let closing = false;
  const started = Date.now();

  const server = http.createServer(
    {
      headersTimeout: Math.min(config.headersTimeoutMs, config.requestTimeoutMs || config.headersTimeoutMs),
      requestTimeout: config.requestTimeoutMs,
      keepAliveTimeout: config.keepAliveTimeoutMs,
      // Node checks header/request timeouts on this interval (30 s by default): make it match our limits.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(config.headersTimeoutMs / 4))),
      noDelay: true,
    },
    (req, res) => {
      handle(req, res).catch((error) => {
        // Every expected failure is answered inside handle(); this is the last line of defence.
        if (!res.headersSent) sendError(res, 500, "internal_error", "internal proxy error");
        else res.destroy(error instanceof Error ? error : undefined);
      });
    },
  );

  function sendJson(
    res: ServerResponse,
    status: number,
    body: string | Buffer,
    headers: OutgoingHttpHeaders = {},
  ): void {
    const bytes = typeof body === "string" ? Buffer.from(body) : body;
    if (closing) headers.connection = "close";
    res.writeHead(status, { "content-type": "application/json", "content-length": bytes.length, ...headers });
    res.end(bytes);
    metrics.clientBytesOut += bytes.length;
  }

  function sendError(
    res: ServerResponse,
    status: number,
    code: string,
    message: string,
    headers: OutgoingHttpHeaders = {},
  ): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendJson(res, status, errorBody(message, PROXY_ERROR_TYPE, code), headers);
  }

  function recordVerdict(v: ScanVerdict, direction: "request" | "response", blocked: boolean): void {
    for (const c of v.categories) {
      if (blocked) metrics.block(c, direction);
      else metrics.flag(c, direction);
    }
  }

  function blockBody(v: ScanVerdict, direction: "request" | "response"): string {
    const what = direction === "request" ? "request" : "upstream response";
    return errorBody(
      `The ${what} was blocked by the M2M security policy (${v.categories.join(", ") || "threat"}).`,
      SECURITY_BLOCK_TYPE,
      v.categories[0] ?? "blocked",
      {
        m2m: { direction, categories: v.categories, score: +v.score.toFixed(3) },
      },
    );
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? "GET";
    const rawUrl = req.url ?? "/";
    const q = rawUrl.indexOf("?");
    const pathname = q < 0 ? rawUrl : rawUrl.slice(0, q);
    if (method === "GET" && pathname === "/healthz") {
      const status = closing ? 503 : 200;
      sendJson(
        res,
        status,
        JSON.stringify({
          status: closing ? "shutting_down" : "ok",
          uptimeSeconds: Math.round((Date.now() - started) / 1000),
          peer: peer !== null,
          scanning: scanner !== null,
          policy: config.policy,
        }),
      );
      return;
    }
    if (method === "GET" && pathname === "/metrics") {
      const text = metrics.render();
      res.writeHead(200, {
        "content-type": "text/plain; version=0.0.4; charset=utf-8",
        "content-length": Buffer.byteLength(text),
      });
      res.end(text);
      return;
    }
    const route = classify(method, pathname);
    const t0 = performance.now();
    metrics.inFlight++;
    res.once("close", () => {
      metrics.inFlight--;
      // Counted once, here, whatever path answered (the status is what the client was sent).
      const aborted = !res.writableFinished;
      metrics.request(route, aborted ? "aborted" : res.statusCode);
      if (aborted) metrics.clientAborts++;
      if (config.logRequests)
        log(`${method} ${pathname} ${res.statusCode} ${(performance.now() - t0).toFixed(1)}ms`);
      maybeFinishShutdown();
    });
    if (closing) {
      sendError(res, 503, ProxyHttpCode.SHUTTING_DOWN, "the proxy is shutting down");
      return;
    }
    if (JSON_ROUTES.has(route) || isFramed(req)) await handleJson(req, res, route, rawUrl);
    else passThrough(req, res, route, rawUrl);
  }

  function isFramed(req: IncomingMessage): boolean {
    const ct = req.headers["content-type"];
    return typeof ct === "string" && ct.startsWith(FRAME_CONTENT_TYPE);
  }

  function wantsFrames(req: IncomingMessage): boolean {
    const accept = req.headers.accept;
    return typeof accept === "string" && accept.includes(FRAME_CONTENT_TYPE);
  }

  /** 413 for a pass-through body over the limit (the connection closes: the rest is not read). */
  function bodyTooLarge(res: ServerResponse): void {
    sendError(
      res,
      413,
      ProxyHttpCode.BODY_TOO_LARGE,
      `request body exceeds the limit of ${config.maxBodyBytes} bytes`,
      { connection: "close" },
    );
  }

  /** Non-JSON routes: stream the body straight through (bounded), stream the answer straight back. */
  function passThrough(req: IncomingMessage, res: ServerResponse, route: RouteName, rawUrl: string): void {
    const declared = req.headers["content-length"];
    if (declared !== undefined && Number(declared) > config.maxBodyBytes) {
      bodyTooLarge(res);
      req.resume();
      return;
    }
    const target = peer ?? upstream;
    const headers = forwardHeaders(req.headers);
    if (declared !== undefined) headers["content-length"] = declared;
    if (config.apiKey !== null && headers.authorization === undefined)
      headers.authorization = `Bearer ${config.apiKey}`;
    const hasBody = declared !== undefined || req.headers["transfer-encoding"] !== undefined;
    let tooLarge = false;
    const body = hasBody
      ? new BodyLimit(
          config.maxBodyBytes,
          (bytes) => {
            metrics.clientBytesIn += bytes;
            metrics.upstreamBytesOut += bytes;
          },
          () => {
            tooLarge = true;
            req.unpipe(body!);
            req.resume();
            call?.abort();
            bodyTooLarge(res);
          },
        )
      : null;
    // A failed body stream (the limit above) also fails the upstream request: answered already.
    const call = sendUpstream(target, req.method ?? "GET", rawUrl, headers, res, route, body, (upRes) =>
      relayPlain(upRes, res, {}),
    );
    if (call === null || body === null) {
      if (call === null) req.resume();
      return;
    }
    body.on("error", () => {
      if (!tooLarge) call.abort();
    });
    req.on("error", () => body.destroy());
    req.pipe(body);
  }

  async function handleJson(
    req: IncomingMessage,
    res: ServerResponse,
    route: RouteName,
    rawUrl: string,
  ): Promise<void> {
    let raw: Buffer;
    let plain: Buffer;
    const framedIn = isFramed(req);
    const conversation = framedIn ? req.headers[CONVERSATION_HEADER] : undefined;
    try {
      raw = await readBody(req, config.maxBodyBytes);
      metrics.clientBytesIn += raw.length;
      if (framedIn) {
        if (!codec)
          throw new BodyError(415, ProxyHttpCode.UNSUPPORTED_ENCODING, "this proxy has no M2M codec");
        plain = Buffer.from(
          typeof conversation === "string" && receivers
            ? receivers.decode(conversation, raw)
            : codec.decode(raw, config.maxDecodedBytes),
        );
        if (plain.length > config.maxDecodedBytes)
          throw new BodyError(413, ProxyHttpCode.BODY_TOO_LARGE, "decoded frame exceeds the limit");
        metrics.peerWireBytes += raw.length;
        metrics.peerPlainBytes += plain.length;
      } else {
        plain = await decodeContentEncoding(raw, req.headers["content-encoding"], config.maxDecodedBytes);
      }
    } catch (error) {
      if (error instanceof BodyError) {
        if (error.code === "client_aborted") return;
        sendError(
          res,
          error.status,
          error.code,
          error.message,
          error.status === 413 ? { connection: "close" } : {},
        );
        if (error.status === 413) req.resume();
        return;
      }
      if (M2MError.isInstance(error) && error.code.startsWith("CRYPTO_")) {
        // One generic answer for every authentication failure: no oracle for the sender.
        sendError(res, 401, ProxyHttpCode.FRAME_AUTH_FAILED, "M2M frame authentication failed");
        return;
      }
      if (M2MError.isInstance(error)) {
        const missing = error.code === "CODEC_DELTA_BASE_MISSING";
        const tooBig = error.code.endsWith("LIMIT_EXCEEDED");
        sendError(
          res,
          missing ? 409 : tooBig ? 413 : 400,
          missing
            ? ProxyHttpCode.DELTA_BASE_MISSING
            : tooBig
              ? ProxyHttpCode.BODY_TOO_LARGE
              : ProxyHttpCode.BAD_FRAME,
          missing ? "delta base missing; resend a full frame" : `bad M2M frame (${error.code})`,
        );
        return;
      }
      throw error;
    }
    // The peer route name is in the path; a framed request to an unknown path is still JSON.
    let body: unknown;
    try {
      body = parseRequestJson(plain.toString("utf8"));
    } catch {
      sendError(res, 400, ProxyHttpCode.INVALID_JSON, "request body is not valid JSON");
      return;
    }
    const scanning = scanner !== null && SCANNED_ROUTES.has(route);
    // Monitor defers the request scan only when this request is alone in flight (see below); with
    // others in flight it scans here, before forwarding, as block does: the upstream write waits for
    // undici's setImmediate either way, and scanning after the dispatch cost ≈ 20 % more CPU per
    // request (the scan's garbage met more live request state: GC time 2.8x, measured).
    const scanFirst = scanning && (block || metrics.inFlight > 1);
    let verdict = CLEAN_VERDICT;
    if (scanFirst) {
      verdict = scanner.scanRequest(toChatShape(route, body));
      // Block: nothing is forwarded before the verdict (fail closed).
      if (block && verdict.action === "block") {
        recordVerdict(verdict, "request", true);
        sendJson(res, 400, blockBody(verdict, "request"), { "x-m2m-threats": threatHeader(verdict) });
        return;
      }
      if (verdict.categories.length > 0) recordVerdict(verdict, "request", false);
    }
    const routingHeaders: OutgoingHttpHeaders = {};
    if (route === "chat_completions" || route === "responses") {
      const r = routingHeaderFrom(route === "responses" ? toChatShape(route, body) : body);
      if (r.kind === "request") {
        routingHeaders["x-m2m-model"] = r.model;
        routingHeaders["x-m2m-messages"] = String(r.messageCount);
        routingHeaders["x-m2m-tokens"] = String(estimateTokensFromBytes(r.contentBytes));
        routingHeaders["x-m2m-cost-estimate"] = r.costEstimate.toFixed(6);
      }
      if ((body as { stream?: unknown }).stream === true) routingHeaders["x-m2m-stream"] = "1";
    } else if (typeof (body as { model?: unknown })?.model === "string") {
      routingHeaders["x-m2m-model"] = (body as { model: string }).model;
    }

    const headers = forwardHeaders(req.headers, JSON_DROP);
    for (const name in routingHeaders) headers[name] = routingHeaders[name];
    if (config.apiKey !== null && headers.authorization === undefined)
      headers.authorization = `Bearer ${config.apiKey}`;
    // Scanning needs plain bodies back; loopback and LAN hops gain nothing from gzip anyway.
    headers["accept-encoding"] = "identity";
    const replyFramed = framedIn && wantsFrames(req);
    const ctx: JsonCtx = { route, verdict, pendingScan: null, routingHeaders, replyFramed, body };
    let call: UpstreamCall | null;
    if (peer && codec) {
      call = sendToPeer(req, res, ctx, rawUrl, headers, plain, false);
    } else {
      headers["content-type"] = "application/json";
      headers.accept = req.headers.accept ?? "application/json";
      headers["content-length"] = plain.length;
      metrics.upstreamBytesOut += plain.length;
      // The body goes upstream as the client sent it (after Content-Encoding): never re-serialised.
      call = sendUpstream(upstream, req.method ?? "POST", rawUrl, headers, res, route, plain, (upRes) =>
        onJsonResponse(upRes, res, ctx),
      );
    }
    if (scanning && !scanFirst && call !== null) {
      // Monitor, this request alone in flight: the verdict only annotates the answer
      // (x-m2m-threats) and the metrics, so the request is scanned while the upstream works on it.
      // undici writes a request on a reused keep-alive connection from a setImmediate (it first lets
      // pending FIN/RST on the idle socket be read), so scanning here would hold that write back by
      // the scan's time: the scan is queued behind that write, and the upstream works on the request
      // meanwhile (on the other core, if one is free). Whatever needs the verdict first (the scan's
      // turn, or the upstream's answer) runs it. (Deferring every request's scan instead split the
      // upstream's batches into more wake-ups: ≈ 12 % more proxy CPU per request at 16 connections.)
      const pending = call;
      ctx.pendingScan = () => scanner.scanRequest(toChatShape(route, body));
      setImmediate(() => {
        if (ctx.pendingScan === null) return;
        try {
          settleRequestScan(ctx);
        } catch {
          pending.abort();
          if (!res.writableEnded && !res.destroyed)
            sendError(res, 500, "internal_error", "internal proxy error");
        }
      });
    }
  }

  /** Run a request scan that monitor deferred (at most once); throws what the scanner throws. */
  function settleRequestScan(ctx: JsonCtx): void {
    const scan = ctx.pendingScan;
    if (scan === null) return;
    ctx.pendingScan = null;
    ctx.verdict = scan();
    if (ctx.verdict.categories.length > 0) recordVerdict(ctx.verdict, "request", false);
  }

  interface JsonCtx {
    readonly route: RouteName;
    /** The request's verdict (under monitor, filled in once {@link JsonCtx.pendingScan} ran). */
    verdict: ScanVerdict;
    /** Monitor's request scan, not run yet (see {@link settleRequestScan}); null once run or never needed. */
    pendingScan: (() => ScanVerdict) | null;
    readonly routingHeaders: OutgoingHttpHeaders;
    /** This request came from a peer proxy that wants M2M frames back. */
    readonly replyFramed: boolean;
    readonly body: unknown;
  }

  function sendToPeer(
    req: IncomingMessage,
    res: ServerResponse,
    ctx: JsonCtx,
    rawUrl: string,
    base: OutgoingHttpHeaders,
    plain: Buffer,
    retry: boolean,
  ): UpstreamCall | null {
    const headers = { ...base };
    const auth = typeof req.headers.authorization === "string" ? req.headers.authorization : "";
    const conversation = senders ? conversationKey(auth, ctx.body) : null;
    const frame =
      conversation !== null && senders ? senders.encode(conversation, plain, retry) : codec!.encode(plain);
    if (conversation !== null) headers[CONVERSATION_HEADER] = conversation;
    headers["content-type"] = FRAME_CONTENT_TYPE;
    headers.accept = `${FRAME_CONTENT_TYPE}, ${FRAME_STREAM_CONTENT_TYPE}, application/json;q=0.5`;
    headers["content-length"] = frame.length;
    metrics.upstreamBytesOut += frame.length;
    metrics.peerWireBytes += frame.length;
    metrics.peerPlainBytes += plain.length;
    return sendUpstream(peer!, req.method ?? "POST", rawUrl, headers, res, ctx.route, frame, (upRes) => {
      if (upRes.statusCode === 409 && !retry && conversation !== null) {
        // The far proxy lost (or never had) our delta base: resend this request as a fresh start.
        upRes.resume();
        metrics.deltaFallbacks++;
        sendToPeer(req, res, ctx, rawUrl, base, plain, true);
        return;
      }
      onJsonResponse(upRes, res, ctx);
    });
  }

  /**
   * Send a request to `target`; `onResponse` gets the response. Failures before a response become
   * OpenAI-shaped 502/504 answers; a client that goes away cancels the upstream request. A request
   * is never retried: undici drops pooled connections before the upstream's advertised keep-alive
   * timeout, which is what made a retry on a stale socket necessary with `http.Agent`.
   */
  function sendUpstream(
    target: UpstreamTarget,
    method: string,
    rawUrl: string,
    headers: OutgoingHttpHeaders,
    res: ServerResponse,
    route: RouteName,
    body: Uint8Array | Transform | null,
    onResponse: (upRes: UpstreamResponse) => void,
  ): UpstreamCall | null {
    // The client may have gone while its body was read or decoded: then nobody waits for an answer.
    if (res.destroyed) return null;
    const sentAt = performance.now();
    let call: UpstreamCall;
    try {
      call = target.send(method, rawUrl, headers, body, {
        onResponse(upRes) {
          metrics.observeUpstream(route, (performance.now() - sentAt) / 1000);
          upRes.on("error", (error: Error & { code?: string }) => {
            if (res.destroyed) return;
            if (failureKind(error) === "timeout") {
              // The upstream went silent in the middle of its body.
              metrics.upstreamError("timeout");
              if (!res.headersSent) upstreamTimeout(res);
              else endStreamWithError(res, "upstream went silent", ProxyHttpCode.UPSTREAM_TIMEOUT);
              return;
            }
            // A reset mid-body: the client's response cannot be completed honestly.
            metrics.upstreamError("reset");
            res.destroy();
          });
          onResponse(upRes);
        },
        onFailure(failure) {
          upstreamFailed(res, failure);
        },
      });
    } catch {
      // undici refuses a header value node:http accepted from the client.
      metrics.upstreamError("other");
      sendError(
        res,
        502,
        ProxyHttpCode.UPSTREAM_UNAVAILABLE,
        "upstream unavailable: request headers cannot be forwarded",
      );
      return null;
    }
    res.once("close", () => {
      if (!res.writableFinished) call.abort();
    });
    return call;
  }

  function upstreamTimeout(res: ServerResponse): void {
    sendError(
      res,
      504,
      ProxyHttpCode.UPSTREAM_TIMEOUT,
      `upstream did not answer within ${config.upstreamTimeoutMs} ms`,
    );
  }

  function upstreamFailed(res: ServerResponse, { kind, error }: UpstreamFailure): void {
    if (res.destroyed || (res.writableEnded && res.headersSent)) return;
    metrics.upstreamError(kind);
    if (kind === "timeout") {
      if (!res.headersSent) upstreamTimeout(res);
      else endStreamWithError(res, "upstream went silent", ProxyHttpCode.UPSTREAM_TIMEOUT);
      return;
    }
    const why =
      kind === "connect_timeout"
        ? `could not connect within ${config.connectTimeoutMs} ms`
        : (error.code ?? "connection failed");
    if (!res.headersSent)
      sendError(res, 502, ProxyHttpCode.UPSTREAM_UNAVAILABLE, `upstream unavailable: ${why}`);
    else res.destroy();
  }

  function endStreamWithError(res: ServerResponse, message: string, code: string): void {
    if (res.getHeader("content-type") === FRAME_STREAM_CONTENT_TYPE) {
      // A framed stream cannot carry a plain event; cutting it makes the near proxy report the failure.
      res.destroy();
      return;
    }
    const event = `data: ${errorBody(message, PROXY_ERROR_TYPE, code)}\n\n`;
    res.end(event);
    metrics.clientBytesOut += Buffer.byteLength(event);
  }

  function responseHeaders(
    upRes: UpstreamResponse,
    extra: OutgoingHttpHeaders,
    drop?: ReadonlySet<string>,
  ): OutgoingHttpHeaders {
    const headers = forwardHeaders(upRes.headers, drop);
    for (const name in extra) headers[name] = extra[name];
    if (closing) headers.connection = "close";
    return headers;
  }

  /** Plain relay: status, headers and body as they come. */
  function relayPlain(upRes: UpstreamResponse, res: ServerResponse, extra: OutgoingHttpHeaders): void {
    const headers = responseHeaders(upRes, extra);
    const length = upRes.headers["content-length"];
    if (length !== undefined) headers["content-length"] = length;
    const status = upRes.statusCode;
    const declared = length === undefined ? -1 : Number(length);
    if (declared >= 0 && declared <= SMALL_ANSWER_BYTES) {
      // A small answer of known length: status, headers and body in one write, no stream pipe.
      const chunks: Buffer[] = [];
      let size = 0;
      upRes.collect(
        (chunk) => {
          size += chunk.length;
          chunks.push(chunk);
        },
        () => {
          metrics.upstreamBytesIn += size;
          metrics.clientBytesOut += size;
          res.writeHead(status, headers);
          res.end(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
        },
      );
      return;
    }
    res.writeHead(status, headers);
    upRes.on("data", (chunk: Buffer) => {
      metrics.upstreamBytesIn += chunk.length;
      metrics.clientBytesOut += chunk.length;
    });
    upRes.pipe(res);
  }

  function clientHeaders(ctx: JsonCtx, verdict: ScanVerdict): OutgoingHttpHeaders {
    const extra: OutgoingHttpHeaders = { ...ctx.routingHeaders };
    if (verdict.categories.length > 0) extra["x-m2m-threats"] = threatHeader(verdict);
    return extra;
  }

  function onJsonResponse(upRes: UpstreamResponse, res: ServerResponse, ctx: JsonCtx): void {
    if (ctx.pendingScan !== null) {
      // The answer came before monitor's deferred request scan had its turn.
      try {
        settleRequestScan(ctx);
      } catch {
        upRes.destroy();
        sendError(res, 500, "internal_error", "internal proxy error");
        return;
      }
    }
    const ct = upRes.headers["content-type"] ?? "";
    const status = upRes.statusCode ?? 502;
    if (
      peer &&
      config.peerKey !== null &&
      status < 300 &&
      !ct.startsWith(FRAME_CONTENT_TYPE) &&
      !ct.startsWith(FRAME_STREAM_CONTENT_TYPE)
    ) {
      // On a sealed link a success must arrive sealed; anything else may have been injected.
      upRes.resume();
      metrics.upstreamError("unsealed_peer_answer");
      sendError(res, 502, ProxyHttpCode.BAD_FRAME, "peer answered without a sealed M2M frame");
      return;
    }
    const encoding = upRes.headers["content-encoding"];
    if (encoding !== undefined && encoding !== "identity" && !ct.startsWith(FRAME_CONTENT_TYPE)) {
      // We asked for identity; an encoded answer cannot be scanned or framed. Under block that
      // fails closed, under monitor it goes through untouched (Content-Encoding kept).
      if (block && scanner && SCANNED_ROUTES.has(ctx.route) && status < 300) {
        upRes.resume();
        metrics.upstreamError("unscannable_response");
        sendError(
          res,
          502,
          ProxyHttpCode.UNSCANNABLE_RESPONSE,
          `upstream answered with Content-Encoding ${encoding}, which cannot be scanned`,
        );
        return;
      }
      relayPlain(upRes, res, clientHeaders(ctx, ctx.verdict));
      return;
    }
    if (ct.startsWith(FRAME_STREAM_CONTENT_TYPE)) {
      const reader = new FrameRecordReader(config.maxDecodedBytes + 1024);
      const decoder = codec!.createStreamDecoder?.(config.maxDecodedBytes) ?? null;
      const plainOf = (pieces: Uint8Array[]): Buffer[] =>
        pieces.map((p) => {
          metrics.peerPlainBytes += p.length;
          return Buffer.from(p.buffer, p.byteOffset, p.length);
        });
      relayStream(
        upRes,
        res,
        ctx,
        {
          push: (chunk) => {
            metrics.peerWireBytes += chunk.length;
            const out: Buffer[] = [];
            for (const frame of reader.push(chunk)) {
              out.push(
                ...plainOf(decoder ? decoder.push(frame) : [codec!.decode(frame, config.maxDecodedBytes)]),
              );
            }
            return out;
          },
          end: () => {
            if (reader.incomplete)
              throw new M2MError(ProxyErrorCode.UPSTREAM_FAILED, "peer stream ended inside a record");
            return decoder ? plainOf(decoder.end()) : [];
          },
        },
        upRes.headers[ORIGINAL_TYPE_HEADER],
      );
      return;
    }
    if (ct.startsWith(FRAME_CONTENT_TYPE) || ct.includes("text/event-stream") === false) {
      const framed = ct.startsWith(FRAME_CONTENT_TYPE);
      if (!framed && !ctx.replyFramed && !(scanner && SCANNED_ROUTES.has(ctx.route) && status < 300)) {
        relayPlain(upRes, res, clientHeaders(ctx, ctx.verdict));
        return;
      }
      bufferResponse(upRes, res, (buffered) => {
        let plain = buffered;
        let contentType: string = ct;
        if (framed) {
          try {
            plain = Buffer.from(codec!.decode(buffered, config.maxResponseBytes));
          } catch {
            metrics.upstreamError("bad_frame");
            sendError(res, 502, ProxyHttpCode.BAD_FRAME, "peer answered with a bad M2M frame");
            return;
          }
          metrics.peerWireBytes += buffered.length;
          metrics.peerPlainBytes += plain.length;
          contentType = String(upRes.headers[ORIGINAL_TYPE_HEADER] ?? "application/json");
        }
        answerBuffered(upRes, res, ctx, status, contentType, plain);
      });
      return;
    }
    relayStream(upRes, res, ctx, null, undefined);
  }

  function bufferResponse(upRes: UpstreamResponse, res: ServerResponse, done: (body: Buffer) => void): void {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    upRes.collect(
      (chunk: Buffer) => {
        if (failed) return;
        size += chunk.length;
        metrics.upstreamBytesIn += chunk.length;
        if (size > config.maxResponseBytes) {
          failed = true;
          upRes.destroy();
          metrics.upstreamError("response_too_large");
          sendError(
            res,
            502,
            ProxyHttpCode.BODY_TOO_LARGE,
            `upstream response exceeds ${config.maxResponseBytes} bytes`,
          );
          return;
        }
        chunks.push(chunk);
      },
      () => {
        if (!failed) done(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
      },
    );
  }

  function answerBuffered(
    upRes: UpstreamResponse,
    res: ServerResponse,
    ctx: JsonCtx,
    status: number,
    contentType: string,
    plain: Buffer,
  ): void {
    let verdict = ctx.verdict;
    const extra = clientHeaders(ctx, verdict);
    if (status < 300 && contentType.includes("json")) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(plain.toString("utf8"));
      } catch {
        parsed = undefined;
      }
      if (parsed !== undefined) {
        if (scanner && SCANNED_ROUTES.has(ctx.route)) {
          const rv = scanner.scanResponse(toChatResponseShape(ctx.route, parsed));
          if (rv.action === "block" && block) {
            recordVerdict(rv, "response", true);
            sendJson(res, 400, blockBody(rv, "response"), {
              ...ctx.routingHeaders,
              "x-m2m-threats": threatHeader(mergeVerdicts(verdict, rv)),
            });
            return;
          }
          if (rv.categories.length > 0) recordVerdict(rv, "response", false);
          verdict = mergeVerdicts(verdict, rv);
          if (verdict.categories.length > 0) extra["x-m2m-threats"] = threatHeader(verdict);
        }
        if (ctx.route === "chat_completions") {
          const r = routingHeaderFrom(parsed);
          if (r.kind === "response") {
            extra["x-m2m-prompt-tokens"] = String(r.promptTokens);
            extra["x-m2m-completion-tokens"] = String(r.completionTokens);
          }
        }
      }
    }
    const headers = responseHeaders(upRes, extra, BUFFERED_DROP);
    let out = plain;
    if (ctx.replyFramed && codec) {
      out = Buffer.from(codec.encode(plain));
      metrics.peerWireBytes += out.length;
      metrics.peerPlainBytes += plain.length;
      headers["content-type"] = FRAME_CONTENT_TYPE;
      headers[ORIGINAL_TYPE_HEADER] = contentType;
    } else {
      headers["content-type"] = contentType || "application/json";
    }
    headers["content-length"] = out.length;
    res.writeHead(status, headers);
    res.end(out);
    metrics.clientBytesOut += out.length;
  }

  /**
   * Relay an SSE stream chunk by chunk. Each chunk is scanned before it is written, so under the
   * block policy the chunk that completed a threat never reaches the client: the stream ends with
   * an error event instead.
   */
  function relayStream(
    upRes: UpstreamResponse,
    res: ServerResponse,
    ctx: JsonCtx,
    transform: { push(chunk: Buffer): Buffer[]; end(): Buffer[] } | null,
    originalType: string | string[] | undefined,
  ): void {
    const status = upRes.statusCode ?? 502;
    const extra = clientHeaders(ctx, ctx.verdict);
    const headers = responseHeaders(upRes, extra, STREAM_DROP);
    headers["content-type"] = ctx.replyFramed
      ? FRAME_STREAM_CONTENT_TYPE
      : typeof originalType === "string"
        ? originalType
        : (upRes.headers["content-type"] ?? "text/event-stream");
    if (ctx.replyFramed) headers[ORIGINAL_TYPE_HEADER] = upRes.headers["content-type"] ?? "text/event-stream";
    headers["cache-control"] = "no-cache";
    headers["x-accel-buffering"] = "no";
    res.writeHead(status, headers);
    res.flushHeaders();
    const scanning = scanner !== null && SCANNED_ROUTES.has(ctx.route) && status < 300;
    const extractor = scanning ? new SseTextExtractor() : null;
    const streamScanner = scanning ? scanner!.createStreamScanner() : null;
    const encoder = ctx.replyFramed && codec?.createStreamEncoder ? codec.createStreamEncoder() : null;
    let stopped = false;
    const aligned = scanning && block;
    let held: Buffer = Buffer.alloc(0);
    const flagged = new Set<string>();
    const writeFrames = (frames: Uint8Array[], plainBytes: number): boolean => {
      let ok = true;
      metrics.peerPlainBytes += plainBytes;
      for (const frame of frames) {
        const record = frameRecord(frame);
        metrics.peerWireBytes += record.length;
        metrics.clientBytesOut += record.length;
        ok = res.write(record) && ok;
      }
      return ok;
    };
    // Toward a peer, chunks that arrive in the same event-loop turn are framed together: a burst
    // costs one codec call instead of one per TCP read, and nothing waits longer than that turn.
    let pending: Buffer[] = [];
    let flushScheduled: NodeJS.Immediate | null = null;
    const flushFrames = () => {
      flushScheduled = null;
      if (pending.length === 0 || res.destroyed) return;
      const plain = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
      pending = [];
      if (!writeFrames(encoder ? encoder.push(plain) : [codec!.encode(plain)], plain.length)) {
        upRes.pause();
        res.once("drain", () => upRes.resume());
      }
    };
    const write = (plain: Buffer): boolean => {
      if (ctx.replyFramed && codec) {
        pending.push(plain);
        flushScheduled ??= setImmediate(flushFrames);
        return true;
      }
      metrics.clientBytesOut += plain.length;
      return res.write(plain);
    };
    const finish = () => {
      if (flushScheduled) clearImmediate(flushScheduled);
      flushFrames();
      if (encoder) writeFrames(encoder.end(), 0);
      res.end();
    };
    res.once("close", () => {
      if (flushScheduled) clearImmediate(flushScheduled);
    });
    const stopWith = (v: ScanVerdict) => {
      stopped = true;
      recordVerdict(v, "response", true);
      upRes.destroy();
      write(Buffer.from(`data: ${blockBody(v, "response")}\n\n`));
      finish();
    };
    const inspect = (v: ScanVerdict | null): boolean => {
      if (v === null) return false;
      if (v.action === "block" && block) {
        stopWith(v);
        return true;
      }
      for (const c of v.categories) flagged.add(c);
      return false;
    };
    const badFrame = () => {
      stopped = true;
      metrics.upstreamError("bad_frame");
      upRes.destroy();
      endStreamWithError(res, "peer sent a bad M2M frame", ProxyHttpCode.BAD_FRAME);
    };
    /** Scan and relay pieces of plain SSE; false once the stream was stopped. */
    const relay = (pieces: Buffer[]): boolean => {
      for (let piece of pieces) {
        if (aligned) {
          // Under the block policy, relay whole events only, so an error event can replace the
          // event that completed a threat instead of landing in the middle of it.
          const combined = held.length === 0 ? piece : Buffer.concat([held, piece]);
          const cut = eventBoundary(combined);
          held = combined.subarray(cut);
          piece = combined.subarray(0, cut);
          if (piece.length === 0) continue;
        }
        if (extractor && streamScanner) {
          const text = extractor.push(piece);
          if (text !== "" && inspect(streamScanner.push(text))) return false;
        }
        if (!write(piece)) {
          upRes.pause();
          res.once("drain", () => upRes.resume());
        }
      }
      return true;
    };
    upRes.on("data", (chunk: Buffer) => {
      if (stopped) return;
      metrics.upstreamBytesIn += chunk.length;
      let pieces: Buffer[];
      try {
        pieces = transform ? transform.push(chunk) : [chunk];
      } catch {
        badFrame();
        return;
      }
      relay(pieces);
    });
    upRes.on("end", () => {
      if (stopped) return;
      let tail: Buffer[];
      try {
        tail = transform ? transform.end() : [];
      } catch {
        badFrame();
        return;
      }
      if (!relay(tail)) return;
      if (held.length > 0) {
        const rest = held;
        held = Buffer.alloc(0);
        if (extractor && streamScanner) {
          const text = extractor.push(rest);
          if (text !== "" && inspect(streamScanner.push(text))) return;
        }
        write(rest);
      }
      if (extractor && streamScanner) {
        const text = extractor.end();
        if (text !== "" && inspect(streamScanner.push(text))) return;
        const final = streamScanner.end();
        if (inspect(final)) return;
        for (const c of final.categories) flagged.add(c);
        for (const c of flagged) metrics.flag(c, "response");
      }
      finish();
    });
  }

  let closed: Promise<void> | null = null;
  function maybeFinishShutdown(): void {
    // Once the last in-flight request is done, drop the keep-alive sockets still open so close() ends.
    if (closing && metrics.inFlight === 0) server.closeAllConnections();
  }

  return {
    metrics,
    server,
    listen(): Promise<string> {
      return new Promise((resolve, reject) => {
        server.once("error", (error) =>
          reject(
            new M2MError(
              ProxyErrorCode.LISTEN_FAILED,
              `cannot listen on ${config.host}:${config.port}: ${(error as NodeJS.ErrnoException).code ?? error.message}`,
              { cause: error },
            ),
          ),
        );
        server.listen(config.port, config.host, () => {
          const address = server.address() as AddressInfo;
          const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
          resolve(`http://${host}:${address.port}`);
        });
      });
    },
    close(): Promise<void> {
      if (closed) return closed;
      closing = true;
      closed = new Promise<void>((resolve) => {
        const grace = setTimeout(() => server.closeAllConnections(), config.shutdownGraceMs);
        server.close(() => {
          clearTimeout(grace);
          void upstream.destroy();
          void peer?.destroy();
          resolve();
        });
        server.closeIdleConnections();
        maybeFinishShutdown();
      });
      return closed;
    },
  };
}
