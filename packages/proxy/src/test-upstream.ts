import http, { type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";

/** One request the test upstream saw. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** Client port of the connection it came on (the same port twice = a reused keep-alive socket). */
  readonly remotePort: number;
}

/** Options of {@link createTestUpstream}. */
export interface TestUpstreamOptions {
  /** Default assistant reply (default "Hello from the M2M test upstream."). */
  readonly reply?: string;
  /** SSE chunks per streamed reply (default: one per word). */
  readonly streamChunkDelayMs?: number;
  /** Keep every request seen (default true; benchmarks turn it off). */
  readonly record?: boolean;
}

/** A running test upstream. */
export interface TestUpstream {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:40123/v1`. */
  readonly url: string;
  readonly requests: SeenRequest[];
  /** Requests whose client went away before the upstream finished answering. */
  readonly aborted: number;
  close(): Promise<void>;
}

const words = (text: string): string[] => text.match(/\S+\s*/g) ?? [text];

/**
 * An OpenAI-compatible server for tests and benchmarks, on loopback. Behaviour per request is
 * chosen with headers (the official client can send them via `defaultHeaders`):
 * `x-test-reply` (assistant text), `x-test-mode` = `tools` | `fail` | `slow` | `hang` | `slow-stream` | `gzip`,
 * `x-test-delay-ms` (for slow modes). Streams split SSE events across writes on purpose.
 *
 * @example
 * const upstream = await createTestUpstream();
 * const client = new OpenAI({ baseURL: upstream.url, apiKey: "k" });
 */
export async function createTestUpstream(options: TestUpstreamOptions = {}): Promise<TestUpstream> {
  const requests: SeenRequest[] = [];
  const record = options.record ?? true;
  let aborted = 0;
  let counter = 0;
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
    return t;
  };

  const server = http.createServer({ keepAliveTimeout: 30_000, noDelay: true }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const path = req.url ?? "/";
      if (record)
        requests.push({
          method: req.method ?? "",
          path,
          headers: req.headers,
          body,
          remotePort: req.socket.remotePort ?? 0,
        });
      const mode = String(req.headers["x-test-mode"] ?? "");
      const delay = Number(req.headers["x-test-delay-ms"] ?? 0);
      const reply =
        req.headers["x-test-reply"] !== undefined
          ? decodeURIComponent(String(req.headers["x-test-reply"]))
          : (options.reply ?? "Hello from the M2M test upstream.");
      res.on("close", () => {
        if (!res.writableFinished) aborted++;
      });
      const answer = () => route(req.method ?? "GET", path, body, mode, reply, delay, res);
      if (mode === "hang") return;
      if (mode === "slow") later(delay, answer);
      else answer();
    });
  });

  function json(res: http.ServerResponse, status: number, value: unknown, gzip = false): void {
    const text = JSON.stringify(value);
    const body = gzip ? gzipSync(text) : Buffer.from(text);
    res.writeHead(status, {
      "content-type": "application/json",
      "content-length": body.length,
      ...(gzip ? { "content-encoding": "gzip" } : {}),
    });
    res.end(body);
  }

  function route(
    method: string,
    path: string,
    body: Buffer,
    mode: string,
    reply: string,
    delay: number,
    res: http.ServerResponse,
  ): void {
    if (mode === "fail") {
      json(res, 500, {
        error: { message: "test upstream failure", type: "server_error", param: null, code: null },
      });
      return;
    }
    const p = path.split("?")[0]!;
    let request: Record<string, unknown> = {};
    if (body.length > 0) {
      try {
        request = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
      } catch {
        json(res, 400, {
          error: { message: "bad json", type: "invalid_request_error", param: null, code: null },
        });
        return;
      }
    }
    const model = typeof request.model === "string" ? request.model : "test-model";
    const id = `chatcmpl-test${++counter}`;
    const created = 1_700_000_000;
    if (method === "GET" && p === "/v1/models") {
      json(res, 200, {
        object: "list",
        data: [{ id: "test-model", object: "model", created, owned_by: "m2m-test" }],
      });
      return;
    }
    if (method === "POST" && p === "/v1/chat/completions") {
      const tools = mode === "tools";
      const toolCall = {
        id: "call_test1",
        type: "function",
        function: {
          name: "get_weather",
          arguments: reply.startsWith("{") ? reply : JSON.stringify({ city: reply }),
        },
      };
      if (request.stream === true) {
        res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
        const events: string[] = [];
        const base = { id, object: "chat.completion.chunk", created, model };
        events.push(
          JSON.stringify({
            ...base,
            choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }],
          }),
        );
        if (tools) {
          events.push(
            JSON.stringify({
              ...base,
              choices: [
                {
                  index: 0,
                  delta: {
                    tool_calls: [
                      {
                        index: 0,
                        id: toolCall.id,
                        type: "function",
                        function: { name: "get_weather", arguments: "" },
                      },
                    ],
                  },
                  finish_reason: null,
                },
              ],
            }),
          );
          for (const w of words(toolCall.function.arguments)) {
            events.push(
              JSON.stringify({
                ...base,
                choices: [
                  {
                    index: 0,
                    delta: { tool_calls: [{ index: 0, function: { arguments: w } }] },
                    finish_reason: null,
                  },
                ],
              }),
            );
          }
        } else {
          for (const w of words(reply))
            events.push(
              JSON.stringify({
                ...base,
                choices: [{ index: 0, delta: { content: w }, finish_reason: null }],
              }),
            );
        }
        events.push(
          JSON.stringify({
            ...base,
            choices: [{ index: 0, delta: {}, finish_reason: tools ? "tool_calls" : "stop" }],
          }),
        );
        if ((request.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true) {
          events.push(
            JSON.stringify({
              ...base,
              choices: [],
              usage: {
                prompt_tokens: 10,
                completion_tokens: events.length,
                total_tokens: 10 + events.length,
              },
            }),
          );
        }
        events.push("[DONE]");
        const text = events.map((e) => `data: ${e}\n\n`).join("");
        // Split at odd offsets so events straddle writes, like real TCP reads do.
        const pieces: string[] = [];
        for (let at = 0; at < text.length; ) {
          const size = 37 + ((at * 7) % 50);
          pieces.push(text.slice(at, at + size));
          at += size;
        }
        const gap = mode === "slow-stream" ? delay : (options.streamChunkDelayMs ?? 0);
        if (gap <= 0) {
          for (const piece of pieces) res.write(piece);
          res.end();
          return;
        }
        let i = 0;
        const next = () => {
          if (res.destroyed) return;
          if (i >= pieces.length) {
            res.end();
            return;
          }
          res.write(pieces[i++]!);
          later(gap, next);
        };
        next();
        return;
      }
      json(
        res,
        200,
        {
          id,
          object: "chat.completion",
          created,
          model,
          choices: [
            {
              index: 0,
              message: tools
                ? { role: "assistant", content: null, tool_calls: [toolCall] }
                : { role: "assistant", content: reply, refusal: null },
              finish_reason: tools ? "tool_calls" : "stop",
              logprobs: null,
            },
          ],
          usage: {
            prompt_tokens: Math.ceil(body.length / 4),
            completion_tokens: Math.ceil(reply.length / 4),
            total_tokens: Math.ceil(body.length / 4) + Math.ceil(reply.length / 4),
          },
        },
        mode === "gzip",
      );
      return;
    }
    if (method === "POST" && p === "/v1/completions") {
      json(res, 200, {
        id: `cmpl-test${counter}`,
        object: "text_completion",
        created,
        model,
        choices: [{ index: 0, text: reply, finish_reason: "stop", logprobs: null }],
        usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 },
      });
      return;
    }
    if (method === "POST" && p === "/v1/embeddings") {
      const inputs = Array.isArray(request.input) ? request.input : [request.input];
      json(res, 200, {
        object: "list",
        model,
        data: inputs.map((_, index) => ({ object: "embedding", index, embedding: [0.1, -0.2, 0.3, index] })),
        usage: { prompt_tokens: 3, total_tokens: 3 },
      });
      return;
    }
    if (method === "POST" && p === "/v1/responses") {
      const message = {
        type: "message",
        id: "msg_test",
        status: "completed",
        role: "assistant",
        content: [{ type: "output_text", text: reply, annotations: [] }],
      };
      const response = {
        id: `resp_test${counter}`,
        object: "response",
        created_at: created,
        status: "completed",
        model,
        output: [message],
        usage: { input_tokens: 5, output_tokens: 5, total_tokens: 10 },
      };
      if (request.stream === true) {
        // Responses API streaming: named events (`event:` lines) with typed JSON payloads.
        res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
        let seq = 0;
        const send = (type: string, data: Record<string, unknown>) =>
          res.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...data })}\n\n`);
        send("response.created", { response: { ...response, status: "in_progress", output: [] } });
        send("response.output_item.added", {
          output_index: 0,
          item: { ...message, status: "in_progress", content: [] },
        });
        send("response.content_part.added", {
          item_id: "msg_test",
          output_index: 0,
          content_index: 0,
          part: { type: "output_text", text: "", annotations: [] },
        });
        for (const w of words(reply)) {
          send("response.output_text.delta", {
            item_id: "msg_test",
            output_index: 0,
            content_index: 0,
            delta: w,
          });
        }
        send("response.output_text.done", {
          item_id: "msg_test",
          output_index: 0,
          content_index: 0,
          text: reply,
        });
        send("response.output_item.done", { output_index: 0, item: message });
        send("response.completed", { response });
        res.end();
        return;
      }
      json(res, 200, response);
      return;
    }
    json(res, 200, { echo: { method, path } });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    get aborted() {
      return aborted;
    },
    close() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
