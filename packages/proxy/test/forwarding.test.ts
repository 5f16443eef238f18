import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { ProxyScanner } from "../src/adapters.js";
import { chatBody, Fixture, request } from "./helpers.js";

const fx = new Fixture();
afterEach(() => fx.close());

/** Send with node:http, so headers node's fetch would refuse (Connection, TE, Expect) can be set. */
function rawPost(
  url: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer | string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { hostname: target.hostname, port: target.port, path, method: "POST", headers },
      (res) => {
        let text = "";
        res.on("data", (d: Buffer) => (text += d.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on("error", reject);
    if (headers.expect === "100-continue") req.on("continue", () => req.end(body));
    else req.end(body);
  });
}

describe("request bodies are forwarded as sent", () => {
  it("a JSON body reaches the upstream byte for byte (never re-serialised)", async () => {
    const upstream = await fx.upstream();
    const proxy = await fx.proxy({ upstream: upstream.url });
    // Spacing, key order, escapes and number spelling that JSON.stringify would all change.
    const body = Buffer.from(
      '{ "model" : "m",\n  "messages":[{"role":"user","content":"caf\\u00e9 ☕ \\"q\\" \\/"}],\n  "temperature":1.50e0, "z":{} }\n',
    );
    const r = await request(`${proxy.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    expect(r.status).toBe(200);
    const seen = upstream.requests.at(-1)!;
    expect(Buffer.compare(seen.body, body)).toBe(0);
    expect(seen.headers["content-length"]).toBe(String(body.length));
  });

  it("a pass-through body reaches the upstream byte for byte, with a length or chunked", async () => {
    const upstream = await fx.upstream();
    const proxy = await fx.proxy({ upstream: upstream.url });
    // JSON (the test upstream parses every body) with spacing a re-serialisation would lose.
    const bytes = Buffer.from(`{ "blob" :\n "${randomBytes(150_000).toString("base64")}" }  `);
    const r = await request(`${proxy.url}/v1/files`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: bytes,
    });
    expect(r.status).toBe(200);
    expect(Buffer.compare(upstream.requests.at(-1)!.body, bytes)).toBe(0);
    const chunked = new ReadableStream({
      start(c) {
        for (let at = 0; at < bytes.length; at += 30_000) c.enqueue(bytes.subarray(at, at + 30_000));
        c.close();
      },
    });
    const r2 = await request(`${proxy.url}/v1/files`, {
      method: "POST",
      body: chunked,
      duplex: "half",
    } as RequestInit);
    expect(r2.status).toBe(200);
    const seen = upstream.requests.at(-1)!;
    expect(Buffer.compare(seen.body, bytes)).toBe(0);
    expect(seen.headers["transfer-encoding"]).toBe("chunked");
  });

  it("a chunked pass-through body over the limit is refused with 413 and never completes upstream", async () => {
    const upstream = await fx.upstream();
    const proxy = await fx.proxy({ upstream: upstream.url, maxBodyBytes: 10_000 });
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < 10; i++) c.enqueue(new Uint8Array(5_000));
        c.close();
      },
    });
    const r = await request(`${proxy.url}/v1/files`, {
      method: "POST",
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(r.status).toBe(413);
    expect(r.json()).toMatchObject({ error: { code: "body_too_large" } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(upstream.requests.filter((s) => s.path === "/v1/files")).toHaveLength(0);
  });

  it("JSON nested past the depth limit is refused; wide, shallow JSON with many brackets is not", async () => {
    const upstream = await fx.upstream();
    const proxy = await fx.proxy({ upstream: upstream.url });
    const deep = `{"model":"m","messages":[],"x":${"[".repeat(200)}${"]".repeat(200)}}`;
    const r = await request(`${proxy.url}/v1/chat/completions`, { method: "POST", body: deep });
    expect(r.status).toBe(400);
    expect(r.json()).toMatchObject({ error: { code: "invalid_json" } });
    const wide = JSON.stringify({
      model: "m",
      messages: Array.from({ length: 300 }, (_, i) => ({
        role: "user",
        content: [{ type: "text", text: `t${i}` }],
      })),
    });
    const r2 = await request(`${proxy.url}/v1/chat/completions`, { method: "POST", body: wide });
    expect(r2.status).toBe(200);
    expect(upstream.requests.at(-1)!.body.toString()).toBe(wide);
  });
});

describe("header handling", () => {
  it("drops hop-by-hop and Connection-listed headers, answers Expect itself, forwards the rest", async () => {
    const upstream = await fx.upstream();
    const proxy = await fx.proxy({ upstream: upstream.url });
    const r = await rawPost(
      proxy.url,
      "/v1/chat/completions",
      {
        "content-type": "application/json",
        authorization: "Bearer secret",
        "x-custom": "kept",
        connection: "keep-alive, x-hop-only",
        "x-hop-only": "dropped",
        te: "trailers",
        expect: "100-continue",
      },
      chatBody("hello"),
    );
    expect(r.status).toBe(200);
    const seen = upstream.requests.at(-1)!.headers;
    expect(seen.authorization).toBe("Bearer secret");
    expect(seen["x-custom"]).toBe("kept");
    expect(seen["x-hop-only"]).toBeUndefined();
    expect(seen.te).toBeUndefined();
    expect(seen.expect).toBeUndefined();
    expect(seen["accept-encoding"]).toBe("identity");
    expect(seen["x-m2m-model"]).toBe(JSON.parse(chatBody("hello")).model);
  });

  it("repeated upstream response headers keep node:http's meaning (Set-Cookie listed, others joined)", async () => {
    const server = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.setHeader("set-cookie", ["a=1", "b=2"]);
        res.setHeader("x-multi", ["one", "two"]);
        res.setHeader("content-type", "text/plain");
        res.end("ok");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const proxy = await fx.proxy({ upstream: `http://127.0.0.1:${port}/v1` });
      const res = await fetch(`${proxy.url}/v1/anything`, { method: "POST", body: "x" });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("ok");
      expect(res.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
      expect(res.headers.get("x-multi")).toBe("one, two");
      expect(res.headers.get("content-type")).toBe("text/plain");
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("upstream keep-alive", () => {
  it("an upstream that closes idle connections (keep-alive timeout) never costs a request", async () => {
    // Requests spaced around the upstream's idle timeout, where a pooled socket may be closed by
    // the other side just as it is reused: undici retires sockets ahead of the advertised timeout.
    const server = http.createServer({ keepAliveTimeout: 1000 }, (req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": "text/plain", "content-length": "2" });
        res.end("ok");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const proxy = await fx.proxy({ upstream: `http://127.0.0.1:${port}/v1` });
      for (const pause of [0, 900, 980, 1000, 1020, 1100]) {
        await new Promise((resolve) => setTimeout(resolve, pause));
        const r = await request(`${proxy.url}/v1/other`, { method: "POST", body: "x" });
        expect(r.status, `after ${pause} ms idle`).toBe(200);
      }
      expect(proxy.metrics.render()).not.toContain("m2m_proxy_upstream_errors_total{");
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }, 20_000);
});

describe("relayed answers", () => {
  it("small and large answers, HEAD and 204 arrive intact through the pass-through route", async () => {
    const big = randomBytes(300_000);
    const server = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        if (req.url === "/v1/big") {
          res.writeHead(200, { "content-type": "application/octet-stream", "content-length": big.length });
          res.end(big);
        } else if (req.url === "/v1/empty") {
          res.writeHead(204);
          res.end();
        } else {
          res.writeHead(200, { "content-type": "text/plain", "content-length": "5", "x-up": "1" });
          res.end(req.method === "HEAD" ? undefined : "small");
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const proxy = await fx.proxy({ upstream: `http://127.0.0.1:${port}/v1` });
      const small = await fetch(`${proxy.url}/v1/small`);
      expect(small.status).toBe(200);
      expect(small.headers.get("x-up")).toBe("1");
      expect(await small.text()).toBe("small");
      const head = await fetch(`${proxy.url}/v1/small`, { method: "HEAD" });
      expect(head.status).toBe(200);
      expect(head.headers.get("content-length")).toBe("5");
      expect(await head.text()).toBe("");
      const empty = await fetch(`${proxy.url}/v1/empty`);
      expect(empty.status).toBe(204);
      const large = await fetch(`${proxy.url}/v1/big`);
      expect(Buffer.compare(Buffer.from(await large.arrayBuffer()), big)).toBe(0);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("buffered answers", () => {
  it("a scanned answer larger than --max-response-bytes becomes a 502, and the next request still works", async () => {
    const upstream = await fx.upstream();
    const proxy = await fx.proxy({ upstream: upstream.url, maxResponseBytes: 2_000 });
    const r = await request(`${proxy.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-test-reply": "long ".repeat(1_000) },
      body: chatBody("hello"),
    });
    expect(r.status).toBe(502);
    expect(r.json()).toMatchObject({ error: { code: "body_too_large" } });
    expect(proxy.metrics.render()).toContain('m2m_proxy_upstream_errors_total{kind="response_too_large"} 1');
    const ok = await request(`${proxy.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: chatBody("hello"),
    });
    expect(ok.status).toBe(200);
  });

  it("an upstream that resets in the middle of a buffered body: the client's answer is cut, not faked", async () => {
    const server = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
        res.write('{"choices":[');
        setTimeout(() => res.destroy(), 20);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const proxy = await fx.proxy({ upstream: `http://127.0.0.1:${port}/v1` });
      const outcome = await request(`${proxy.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: chatBody("hello"),
      }).then(
        (r) => r.status,
        () => "failed",
      );
      expect(outcome).toBe("failed");
      expect(proxy.metrics.render()).toContain('m2m_proxy_upstream_errors_total{kind="reset"} 1');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("scanner failures", () => {
  const throwing: ProxyScanner = {
    scanRequest: () => {
      throw new Error("scanner broke");
    },
    scanResponse: () => ({ action: "allow", score: 0, categories: [] }),
    createStreamScanner: () => ({
      push: () => null,
      end: () => ({ action: "allow", score: 0, categories: [] }),
    }),
  };

  for (const policy of ["monitor", "block"] as const) {
    it(`${policy}: a scanner that throws gives a 500, never a silently unscanned answer`, async () => {
      const upstream = await fx.upstream();
      const proxy = await fx.proxy({ upstream: upstream.url, policy }, { scanner: throwing });
      const r = await request(`${proxy.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-test-mode": "slow", "x-test-delay-ms": "200" },
        body: chatBody("hello"),
      });
      expect(r.status).toBe(500);
      expect(r.json()).toMatchObject({ error: { code: "internal_error" } });
      if (policy === "block") expect(upstream.requests).toHaveLength(0);
    });
  }
});
