import { afterEach, describe, expect, it } from "vitest";
import { chatBody, Fixture, request } from "./helpers.js";

const fx = new Fixture();
afterEach(() => fx.close());

describe("/metrics and /healthz", () => {
  it("counts requests by route and status, bytes, and upstream latency", async () => {
    const upstream = await fx.upstream();
    const proxy = await fx.proxy({ upstream: upstream.url });
    const body = chatBody("hi");
    for (let i = 0; i < 3; i++)
      await request(`${proxy.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
    await request(`${proxy.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-test-mode": "fail" },
      body,
    });
    await request(`${proxy.url}/v1/models`);
    const m = await request(`${proxy.url}/metrics`);
    expect(m.status).toBe(200);
    expect(m.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    const text = m.text;
    expect(text).toContain('m2m_proxy_requests_total{route="chat_completions",status="200"} 3');
    expect(text).toContain('m2m_proxy_requests_total{route="chat_completions",status="500"} 1');
    expect(text).toContain('m2m_proxy_requests_total{route="models",status="200"} 1');
    expect(text).toContain(
      `m2m_proxy_bytes_total{leg="client",direction="in"} ${4 * Buffer.byteLength(body)}`,
    );
    expect(text).toMatch(/m2m_proxy_upstream_latency_seconds_count\{route="chat_completions"\} 4/);
    expect(text).toMatch(
      /m2m_proxy_upstream_latency_seconds_bucket\{route="chat_completions",le="\+Inf"\} 4/,
    );
    expect(text).toContain("# TYPE m2m_proxy_upstream_latency_seconds histogram");
    expect(text).toContain("m2m_proxy_compression_ratio");
    // Every sample line is `name{labels} value` or `name value`.
    for (const line of text.trim().split("\n")) {
      if (!line.startsWith("#")) expect(line).toMatch(/^[a-z0-9_]+(\{[^}]*\})? [0-9.e+-]+$/);
    }
  });

  it("healthz answers ok without touching the upstream", async () => {
    const upstream = await fx.upstream();
    const proxy = await fx.proxy({ upstream: upstream.url });
    const r = await request(`${proxy.url}/healthz`);
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ status: "ok" });
    expect(upstream.requests).toHaveLength(0);
  });

  it("never logs Authorization or bodies", async () => {
    const upstream = await fx.upstream();
    const lines: string[] = [];
    const { resolveProxyConfig } = await import("../src/config.js");
    const { startProxy } = await import("../src/run.js");
    const proxy = await startProxy(
      resolveProxyConfig({ flags: { upstream: upstream.url, port: 0, logRequests: true } }),
      { log: (l) => lines.push(l), scanner: null },
    );
    await request(`${proxy.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer sk-very-secret" },
      body: chatBody("private words"),
    });
    await proxy.close();
    expect(lines.length).toBe(1);
    expect(lines[0]).toMatch(/^POST \/v1\/chat\/completions 200 [0-9.]+ms$/);
    expect(lines.join("\n")).not.toMatch(/sk-very-secret|private words/);
  });
});
