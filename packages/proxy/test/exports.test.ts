import { describe, expect, it } from "vitest";
import * as proxy from "../src/index.js";

describe("@m2m/proxy public surface", () => {
  it("exports exactly these runtime names", () => {
    expect(Object.keys(proxy).sort()).toEqual(
      [
        "CLEAN_VERDICT",
        "CONVERSATION_HEADER",
        "FRAME_CONTENT_TYPE",
        "FRAME_STREAM_CONTENT_TYPE",
        "ORIGINAL_TYPE_HEADER",
        "PROXY_ERROR_TYPE",
        "PROXY_OPTIONS",
        "ProxyErrorCode",
        "ProxyHttpCode",
        "ProxyMetrics",
        "SECURITY_BLOCK_TYPE",
        "SUPPORTED_ENCODINGS",
        "SseTextExtractor",
        "codecPeerCodec",
        "createProxyServer",
        "createTestUpstream",
        "defaultPeerCodec",
        "defaultScanner",
        "mergeVerdicts",
        "parseProxyArgs",
        "proxyHelp",
        "rawPeerCodec",
        "readConfigFile",
        "resolveProxyConfig",
        "runProxyCommand",
        "sealedPeerCodec",
        "securityScanner",
        "serveUntilSignal",
        "startProxy",
      ].sort(),
    );
  });

  it("rawPeerCodec round-trips and refuses foreign or corrupt frames", () => {
    const bytes = new TextEncoder().encode('{"model":"m"}');
    const frame = proxy.rawPeerCodec.encode(bytes);
    expect(proxy.rawPeerCodec.decode(frame, 1000)).toEqual(bytes);
    const bad = frame.slice();
    bad[bad.length - 6]! ^= 1;
    expect(() => proxy.rawPeerCodec.decode(bad, 1000)).toThrow();
    expect(() =>
      proxy.rawPeerCodec.decode(proxy.codecPeerCodec().encode(new Uint8Array(500).fill(65)), 1000),
    ).toThrow();
  });
});
