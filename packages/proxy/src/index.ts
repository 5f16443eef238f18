// @m2m/proxy: a drop-in OpenAI-compatible proxy that scans, exposes routing headers and metrics,
// and speaks M2M frames to another M2M proxy.
export {
  CLEAN_VERDICT,
  mergeVerdicts,
  type PeerCodec,
  type PeerDeltaDecoder,
  type PeerDeltaEncoder,
  type ProxyScanner,
  type ProxyStreamScanner,
  type ScanAction,
  type ScanVerdict,
} from "./adapters.js";
export { SUPPORTED_ENCODINGS } from "./body.js";
export { type CodecPeerOptions, codecPeerCodec } from "./codec-adapter.js";
export {
  PROXY_OPTIONS,
  type ProxyConfig,
  type ProxyConfigSources,
  type ProxyOption,
  proxyHelp,
  resolveProxyConfig,
  type SecurityPolicy,
} from "./config.js";
export { defaultPeerCodec, defaultScanner } from "./defaults.js";
export { PROXY_ERROR_TYPE, ProxyErrorCode, ProxyHttpCode, SECURITY_BLOCK_TYPE } from "./errors.js";
export { ProxyMetrics } from "./metrics.js";
export {
  CONVERSATION_HEADER,
  FRAME_CONTENT_TYPE,
  FRAME_STREAM_CONTENT_TYPE,
  ORIGINAL_TYPE_HEADER,
  rawPeerCodec,
} from "./peer.js";
export {
  type ParsedProxyArgs,
  parseProxyArgs,
  readConfigFile,
  runProxyCommand,
  type StartProxyOptions,
  serveUntilSignal,
  startProxy,
} from "./run.js";
export { sealedPeerCodec } from "./sealed-codec.js";
export { securityScanner } from "./security-adapter.js";
export { createProxyServer, type ProxyServer, type ProxyServerOptions, type RouteName } from "./server.js";
export { SseTextExtractor } from "./sse.js";
export {
  createTestUpstream,
  type SeenRequest,
  type TestUpstream,
  type TestUpstreamOptions,
} from "./test-upstream.js";
