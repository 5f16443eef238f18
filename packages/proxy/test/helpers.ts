import type { PeerCodec, ProxyScanner, ScanVerdict } from "../src/adapters.js";
import { type ProxyConfig, resolveProxyConfig } from "../src/config.js";
import { startProxy } from "../src/run.js";
import type { ProxyServer } from "../src/server.js";
import { createTestUpstream, type TestUpstream } from "../src/test-upstream.js";

export type RunningProxy = ProxyServer & { readonly url: string };

/** Things to close after each test, newest first. */
export class Fixture {
  private readonly closers: Array<() => Promise<void>> = [];
  async upstream(options: Parameters<typeof createTestUpstream>[0] = {}): Promise<TestUpstream> {
    const u = await createTestUpstream(options);
    this.closers.push(() => u.close());
    return u;
  }
  async proxy(
    flags: Record<string, unknown>,
    options: { scanner?: ProxyScanner | null; codec?: PeerCodec | null } = {},
  ): Promise<RunningProxy> {
    const config: ProxyConfig = resolveProxyConfig({ flags: { port: 0, shutdownGraceMs: 2000, ...flags } });
    const p = await startProxy(config, options);
    this.closers.push(() => p.close());
    return p;
  }
  async close(): Promise<void> {
    while (this.closers.length > 0) await this.closers.pop()!();
  }
}

/** Send a raw request and collect the answer (status, headers, body). */
export async function request(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; headers: Headers; text: string; json: () => unknown }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}

/** A deliberately tiny scanner for testing the proxy's policy plumbing (not a security claim). */
export function phraseScanner(phrase = "ignore all previous instructions"): ProxyScanner {
  const check = (text: string): ScanVerdict =>
    text.toLowerCase().includes(phrase)
      ? { action: "block", score: 0.97, categories: ["prompt_injection"] }
      : { action: "allow", score: 0, categories: [] };
  const all = (v: unknown): string => JSON.stringify(v ?? "");
  return {
    scanRequest: (body) => check(all(body)),
    scanResponse: (body) => check(all(body)),
    createStreamScanner() {
      let text = "";
      return {
        push(delta) {
          text += delta;
          const v = check(text);
          return v.action === "allow" ? null : v;
        },
        end: () => check(text),
      };
    },
  };
}

export const chatBody = (content: string, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content }], ...extra });
