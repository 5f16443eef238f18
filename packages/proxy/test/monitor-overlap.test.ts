import { type ChildProcess, spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import type { ProxyScanner, ScanVerdict } from "../src/adapters.js";
import { chatBody, Fixture, request } from "./helpers.js";

const fx = new Fixture();
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) child.kill("SIGTERM");
  await fx.close();
});

const CLEAN: ScanVerdict = { action: "allow", score: 0, categories: [] };

/**
 * An upstream in its own process (so it can take a request while the proxy's thread is busy) that
 * answers every request with `x-arrived`: its wall clock, in ms, when the request arrived.
 */
function separateUpstream(): Promise<string> {
  const script = `
    const http = require("node:http");
    const server = http.createServer({ keepAliveTimeout: 30000 }, (req, res) => {
      const arrived = Date.now();
      req.resume();
      req.on("end", () => {
        const body = JSON.stringify({ id: "x", object: "chat.completion", created: 0, model: "m",
          choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }] });
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body), "x-arrived": String(arrived) });
        res.end(body);
      });
    });
    server.listen(0, "127.0.0.1", () => process.stdout.write("http://127.0.0.1:" + server.address().port + "/v1\\n"));
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    children.push(child);
    let text = "";
    child.stdout!.on("data", (d: Buffer) => {
      text += d.toString();
      const m = text.match(/(http:\/\/\S+)\n/);
      if (m) resolve(m[1]!);
    });
    child.on("exit", (code) => reject(new Error(`upstream exited with ${code}`)));
  });
}

describe("monitor scans the request while the upstream works on it", () => {
  // Sequential requests here: with a single request in flight the scan is queued behind the write.
  it("a reused upstream connection gets the request before the request scan finishes", async () => {
    const upstream = await separateUpstream();
    const scans: Array<{ start: number; end: number }> = [];
    const slow: ProxyScanner = {
      scanRequest() {
        const start = Date.now();
        // A deliberately slow scan: 250 ms of this thread's time (long enough that the upstream
        // process gets a core even when other jobs hold both).
        while (Date.now() - start < 250) {}
        scans.push({ start, end: Date.now() });
        return CLEAN;
      },
      scanResponse: () => CLEAN,
      createStreamScanner: () => ({ push: () => null, end: () => CLEAN }),
    };
    const proxy = await fx.proxy({ upstream, policy: "monitor" }, { scanner: slow });
    const send = () =>
      request(`${proxy.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: chatBody("hello"),
      });
    // The first request opens the upstream connection; the second reuses it.
    expect((await send()).status).toBe(200);
    const second = await send();
    expect(second.status).toBe(200);
    const arrived = Number(second.headers.get("x-arrived"));
    const scan = scans[1]!;
    // Sent before the scan began, or at the latest well before it ended (clocks are in whole ms).
    expect(arrived).toBeLessThan(scan.end - 125);
  });

  it("a verdict reached after the answer arrived is still applied (header and metrics)", async () => {
    const upstream = await fx.upstream();
    const flagging: ProxyScanner = {
      scanRequest: () => ({ action: "flag", score: 0.9, categories: ["prompt_injection"] }),
      scanResponse: () => CLEAN,
      createStreamScanner: () => ({ push: () => null, end: () => CLEAN }),
    };
    const proxy = await fx.proxy({ upstream: upstream.url, policy: "monitor" }, { scanner: flagging });
    for (let i = 0; i < 5; i++) {
      for (const stream of [false, true]) {
        const r = await request(`${proxy.url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: chatBody("hello", { stream }),
        });
        expect(r.status).toBe(200);
        expect(r.headers.get("x-m2m-threats")).toBe("prompt_injection;score=0.90");
      }
    }
    expect(proxy.metrics.render()).toContain(
      'm2m_proxy_threats_flagged_total{category="prompt_injection",direction="request"} 10',
    );
  });

  it("with other requests in flight the scan runs at once: same verdicts, same failures", async () => {
    const upstream = await fx.upstream();
    let fail = false;
    const scanner: ProxyScanner = {
      scanRequest() {
        if (fail) throw new Error("scanner broke");
        return { action: "flag", score: 0.9, categories: ["prompt_injection"] };
      },
      scanResponse: () => CLEAN,
      createStreamScanner: () => ({ push: () => null, end: () => CLEAN }),
    };
    const proxy = await fx.proxy({ upstream: upstream.url, policy: "monitor" }, { scanner });
    const burst = () =>
      Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          request(`${proxy.url}/v1/chat/completions`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: chatBody(`hello ${i}`, { stream: i % 2 === 1 }),
          }),
        ),
      );
    for (const r of await burst()) {
      expect(r.status).toBe(200);
      expect(r.headers.get("x-m2m-threats")).toBe("prompt_injection;score=0.90");
    }
    expect(proxy.metrics.render()).toContain(
      'm2m_proxy_threats_flagged_total{category="prompt_injection",direction="request"} 12',
    );
    fail = true;
    for (const r of await burst()) {
      expect(r.status).toBe(500);
      expect(r.json()).toMatchObject({ error: { code: "internal_error" } });
    }
  });

  it("a scanner that throws gives a 500 on a fast upstream too, and the connection stays usable", async () => {
    const upstream = await fx.upstream();
    let fail = true;
    const flaky: ProxyScanner = {
      scanRequest() {
        if (fail) throw new Error("scanner broke");
        return CLEAN;
      },
      scanResponse: () => CLEAN,
      createStreamScanner: () => ({ push: () => null, end: () => CLEAN }),
    };
    const proxy = await fx.proxy({ upstream: upstream.url, policy: "monitor" }, { scanner: flaky });
    for (let i = 0; i < 5; i++) {
      const r = await request(`${proxy.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: chatBody("hello"),
      });
      expect(r.status).toBe(500);
      expect(r.json()).toMatchObject({ error: { code: "internal_error" } });
    }
    fail = false;
    const ok = await request(`${proxy.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: chatBody("hello"),
    });
    expect(ok.status).toBe(200);
  });
});
