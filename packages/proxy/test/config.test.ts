import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROXY_OPTIONS, proxyHelp, resolveProxyConfig } from "../src/config.js";
import { parseProxyArgs } from "../src/run.js";

describe("configuration", () => {
  it("flags beat env, env beats the config file, the file beats defaults", () => {
    const file = { upstream: "http://file/v1", port: 1111, policy: "block", maxBodyBytes: 5 };
    const env = { M2M_PROXY_PORT: "2222", M2M_PROXY_UPSTREAM: "http://env/v1" };
    const c = resolveProxyConfig({ flags: { port: 3333 }, env, file });
    expect(c.port).toBe(3333);
    expect(c.upstream).toBe("http://env/v1");
    expect(c.policy).toBe("block");
    expect(c.maxBodyBytes).toBe(5);
    expect(c.host).toBe("127.0.0.1");
    expect(c.scan).toBe(true);
  });

  it("refuses bad values with one-line PROXY_BAD_CONFIG errors", () => {
    expect(() => resolveProxyConfig({ flags: {} })).toThrow(/upstream/);
    expect(() => resolveProxyConfig({ flags: { upstream: "ftp://x" } })).toThrow(/http/);
    expect(() => resolveProxyConfig({ flags: { upstream: "http://x", policy: "maybe" } })).toThrow(
      /monitor, block/,
    );
    expect(() => resolveProxyConfig({ flags: { upstream: "http://x", port: "80a" } })).toThrow(/integer/);
    expect(() => resolveProxyConfig({ flags: { upstream: "http://x" }, file: { nope: 1 } })).toThrow(
      /unknown config-file key/,
    );
    expect(() =>
      resolveProxyConfig({ flags: { upstream: "http://x" }, env: { M2M_PROXY_SCAN: "perhaps" } }),
    ).toThrow(/true or false/);
  });

  it("parses argv, --no-scan, env and --config", () => {
    const dir = mkdtempSync(join(tmpdir(), "m2m-proxy-"));
    const path = join(dir, "proxy.json");
    writeFileSync(path, JSON.stringify({ upstream: "http://file/v1", policy: "block" }));
    const parsed = parseProxyArgs(["--port", "9000", "--no-scan", "--config", path], {
      M2M_PROXY_HOST: "0.0.0.0",
    });
    expect(parsed.help).toBe(false);
    if (parsed.help) return;
    expect(parsed.config).toMatchObject({
      port: 9000,
      scan: false,
      host: "0.0.0.0",
      upstream: "http://file/v1",
      policy: "block",
    });
    expect(parseProxyArgs(["--help"], {})).toEqual({ help: true });
    expect(() => parseProxyArgs(["--bogus"], {})).toThrow();
  });

  it("--help documents every option with its environment variable", () => {
    const help = proxyHelp("m2m proxy");
    for (const o of PROXY_OPTIONS) {
      expect(help).toContain(`--${o.flag}`);
      expect(help).toContain(o.env);
    }
    expect(help).toContain("--config");
  });
});
