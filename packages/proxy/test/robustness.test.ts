import net from "node:net";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { chatBody, Fixture, request } from "./helpers.js";

const fx = new Fixture();
afterEach(() => fx.close());

const post = (url: string, body: string | Uint8Array, headers: Record<string, string> = {}) =>
  request(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });

/** A free port with nothing listening on it. */
async function deadPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe("upstream failures", () => {
  it("upstream down -> 502 OpenAI-shaped error, quickly", async () => {
    // Timeouts far above the assertion below: a refused connection must fail at once, not wait one out.
    const proxy = await fx.proxy({
      upstream: `http://127.0.0.1:${await deadPort()}/v1`,
      connectTimeoutMs: 60_000,
      upstreamTimeoutMs: 60_000,
    });
    const t0 = performance.now();
    const r = await post(proxy.url, chatBody("hi"));
    expect(performance.now() - t0).toBeLessThan(20_000);
    expect(r.status).toBe(502);
    expect(r.json()).toMatchObject({ error: { type: "m2m_proxy_error", code: "upstream_unavailable" } });
    expect(proxy.metrics.render()).toContain('m2m_proxy_upstream_errors_total{kind="connect_refused"} 1');
  });

  it("upstream that never answers -> 504 after the upstream timeout", async () => {
    const upstream = await fx.upstream();
    const proxy = await fx.proxy({ upstream: upstream.url, upstreamTimeoutMs: 300 });
    const t0 = performance.now();
    const r = await post(proxy.url, chatBody("hi"), { "x-test-mode": "hang" });
    const ms = performance.now() - t0;
    expect(r.status).toBe(504);
    expect(r.json()).toMatchObject({ error: { code: "upstream_timeout" } });
    expect(ms).toBeGreaterThanOrEqual(250);
    expect(ms).toBeLessThan(20_000);
  });

  it("upstream connect timeout -> 502 after --connect-timeout-ms", async () => {
    // A name lookup that never answers keeps the socket in its connecting state, like a dropped SYN.
    const { createProxyServer } = await import("../src/server.js");
    const { resolveProxyConfig } = await import("../src/config.js");
    const config = resolveProxyConfig({
      flags: { upstream: "http://upstream.invalid:9/v1", port: 0, connectTimeoutMs: 250 },
    });
    const proxy = createProxyServer({ config, scanner: null, codec: null, lookup: () => {} });
    const url = await proxy.listen();
    try {
      const t0 = performance.now();
      const r = await post(url, chatBody("hi"));
      const ms = performance.now() - t0;
      expect(r.status).toBe(502);
      expect(r.json()).toMatchObject({
        error: {
          code: "upstream_unavailable",
          message: "upstream unavailable: could not connect within 250 ms",
        },
      });
      expect(ms).toBeGreaterThanOrEqual(200);
      expect(ms).toBeLessThan(20_000);
      expect(proxy.metrics.render()).toContain('m2m_proxy_upstream_errors_total{kind="connect_timeout"} 1');
    } finally {
      await proxy.close();
    }
  });

  it("a client that disconnects mid-stream cancels the upstream request", async () => {
    const upstream = await fx.upstream();
    const proxy = await fx.proxy({ upstream: upstream.url });
    const controller = new AbortController();
    const res = await fetch(`${proxy.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-test-mode": "slow-stream", "x-test-delay-ms": "50" },
      body: chatBody("a long story", { stream: true }),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    controller.abort();
    for (let i = 0; i < 100 && upstream.aborted === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(upstream.aborted).toBe(1);
    for (let i = 0; i < 50 && proxy.metrics.clientAborts === 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(proxy.metrics.clientAborts).toBe(1);
    expect(proxy.metrics.render()).toContain(
      'm2m_proxy_requests_total{route="chat_completions",status="aborted"} 1',
    );
  });

  it("SSE is relayed as it arrives, not buffered", async () => {
    const upstream = await fx.upstream();
    const proxy = await fx.proxy({ upstream: upstream.url });
    const res = await fetch(`${proxy.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-test-mode": "slow-stream", "x-test-delay-ms": "150" },
      body: chatBody("hi", { stream: true }),
    });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    expect(res.headers.get("x-accel-buffering")).toBe("no");
    const reader = res.body!.getReader();
    // The upstream sends an event every 150 ms. Relayed unbuffered, the first event arrives long
    // before the last; buffered, they would arrive together. Load only widens the gap.
    const first = await reader.read();
    const firstAt = performance.now();
    expect(new TextDecoder().decode(first.value)).toContain("data: ");
    let lastAt = firstAt;
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      lastAt = performance.now();
    expect(lastAt - firstAt).toBeGreaterThan(300);
  });
});

describe("request limits and encodings", () => {
  it("413 above the body limit, by Content-Length and by chunked streaming", async () => {
    const upstream = await fx.upstream();
    const proxy = await fx.proxy({ upstream: upstream.url, maxBodyBytes: 1000 });
    const big = chatBody("x".repeat(5000));
    const r = await post(proxy.url, big);
    expect(r.status).toBe(413);
    expect(r.json()).toMatchObject({ error: { code: "body_too_large" } });
    // Chunked (no Content-Length): a ReadableStream body.
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < 10; i++) c.enqueue(new TextEncoder().encode("y".repeat(500)));
        c.close();
      },
    });
    const r2 = await request(`${proxy.url}/v1/chat/completions`, {
      method: "POST",
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(r2.status).toBe(413);
    expect(upstream.requests).toHaveLength(0);
  });

  it("accepts gzip and br bodies and forwards plain JSON", async () => {
    const upstream = await fx.upstream();
    const proxy = await fx.proxy({ upstream: upstream.url });
    const body = chatBody("compressed hello");
    for (const [encoding, bytes] of [
      ["gzip", gzipSync(body)],
      ["br", brotliCompressSync(body)],
    ] as const) {
      const r = await post(proxy.url, bytes, { "content-encoding": encoding });
      expect(r.status, encoding).toBe(200);
      const seen = upstream.requests.at(-1)!;
      expect(seen.body.toString()).toBe(body);
      expect(seen.headers["content-encoding"]).toBeUndefined();
    }
  });

  it("415 for an encoding this runtime cannot decode, 400 for a corrupt one", async () => {
    const upstream = await fx.upstream();
    const proxy = await fx.proxy({ upstream: upstream.url });
    const r = await post(proxy.url, "xxxx", { "content-encoding": "compress" });
    expect(r.status).toBe(415);
    const r2 = await post(proxy.url, "definitely not gzip", { "content-encoding": "gzip" });
    expect(r2.status).toBe(400);
    expect(r2.json()).toMatchObject({ error: { code: "bad_content_encoding" } });
  });

  it("decompression bomb: a small gzip body that inflates past the limit is refused with 413", async () => {
    const upstream = await fx.upstream();
    const proxy = await fx.proxy({ upstream: upstream.url, maxDecodedBytes: 100_000 });
    const bomb = gzipSync(Buffer.alloc(50_000_000, 0x20));
    expect(bomb.length).toBeLessThan(100_000);
    const r = await post(proxy.url, bomb, { "content-encoding": "gzip" });
    expect(r.status).toBe(413);
    expect(upstream.requests).toHaveLength(0);
  });

  it("an encoded upstream answer keeps its Content-Encoding under monitor and fails closed under block", async () => {
    const upstream = await fx.upstream();
    const monitor = await fx.proxy({ upstream: upstream.url });
    const res = await fetch(`${monitor.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-test-mode": "gzip" },
      body: chatBody("hi"),
    });
    expect(res.status).toBe(200);
    expect(
      ((await res.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message
        .content,
    ).toContain("test upstream");
    const blocking = await fx.proxy({ upstream: upstream.url, policy: "block" });
    const r = await post(blocking.url, chatBody("hi"), { "x-test-mode": "gzip" });
    expect(r.status).toBe(502);
    expect(r.json()).toMatchObject({ error: { code: "unscannable_response" } });
  });

  it("400 for a JSON route body that is not JSON", async () => {
    const upstream = await fx.upstream();
    const proxy = await fx.proxy({ upstream: upstream.url });
    const r = await post(proxy.url, "{not json");
    expect(r.status).toBe(400);
    expect(r.json()).toMatchObject({ error: { code: "invalid_json" } });
  });

  it("other paths pass through under the upstream base", async () => {
    const upstream = await fx.upstream();
    const proxy = await fx.proxy({ upstream: upstream.url });
    const r = await request(`${proxy.url}/v1/files/abc?purpose=x`, {
      method: "DELETE",
      headers: { authorization: "Bearer k" },
    });
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ echo: { method: "DELETE", path: "/v1/files/abc?purpose=x" } });
    expect(upstream.requests.at(-1)!.headers.authorization).toBe("Bearer k");
  });
});

describe("slow clients and connections", () => {
  it("a client that never finishes its headers is cut off by the header timeout", async () => {
    const upstream = await fx.upstream();
    const proxy = await fx.proxy({ upstream: upstream.url, headersTimeoutMs: 300, requestTimeoutMs: 600 });
    const url = new URL(proxy.url);
    const socket = net.connect(Number(url.port), url.hostname);
    socket.write("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n");
    const t0 = performance.now();
    const answer = await new Promise<string>((resolve) => {
      let data = "";
      socket.on("data", (d) => (data += d.toString()));
      socket.on("close", () => resolve(data));
      socket.on("error", () => resolve(data));
    });
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(20_000);
    expect(answer === "" || answer.startsWith("HTTP/1.1 408")).toBe(true);
  });

  it("a client that sends headers but trickles its body is cut off by the request timeout", async () => {
    const upstream = await fx.upstream();
    const proxy = await fx.proxy({ upstream: upstream.url, headersTimeoutMs: 300, requestTimeoutMs: 600 });
    const url = new URL(proxy.url);
    const socket = net.connect(Number(url.port), url.hostname);
    socket.write(
      "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
    );
    const t0 = performance.now();
    const answer = await new Promise<string>((resolve) => {
      let data = "";
      socket.on("data", (d) => (data += d.toString()));
      socket.on("close", () => resolve(data));
      socket.on("error", () => resolve(data));
    });
    expect(performance.now() - t0).toBeLessThan(20_000);
    expect(answer === "" || answer.startsWith("HTTP/1.1 408")).toBe(true);
    expect(upstream.requests).toHaveLength(0);
  });

  it("keeps connections to the upstream alive and reuses them", async () => {
    const upstream = await fx.upstream();
    const proxy = await fx.proxy({ upstream: upstream.url });
    for (let i = 0; i < 10; i++) expect((await post(proxy.url, chatBody(`n${i}`))).status).toBe(200);
    const ports = new Set(upstream.requests.map((r) => r.remotePort));
    expect(ports.size).toBe(1);
  });

  it("graceful shutdown lets an in-flight request finish and refuses new ones", async () => {
    const upstream = await fx.upstream();
    const proxy = await fx.proxy({ upstream: upstream.url });
    const inFlight = post(proxy.url, chatBody("slow"), { "x-test-mode": "slow", "x-test-delay-ms": "300" });
    await new Promise((r) => setTimeout(r, 100));
    const closed = proxy.close();
    const health = await request(`${proxy.url}/healthz`).catch(() => null);
    // Either refused at connect (listener closed) or answered 503 on a still-open connection.
    expect(health === null || health.status === 503).toBe(true);
    const r = await inFlight;
    expect(r.status).toBe(200);
    await closed;
  });
});
