import { M2MError } from "@m2m/wire";
import { ProxyErrorCode } from "./errors.js";

/** What to do when the scanner says "block": `monitor` only reports, `block` refuses. */
export type SecurityPolicy = "monitor" | "block";

/** Everything the proxy needs to run. Build one with {@link resolveProxyConfig} or by hand. */
export interface ProxyConfig {
  /** Interface to listen on (default 127.0.0.1). */
  readonly host: string;
  /** Port to listen on; 0 picks a free one (default 8080). */
  readonly port: number;
  /** Base URL of the OpenAI-compatible upstream, e.g. `http://localhost:11434/v1`. */
  readonly upstream: string;
  /** Another M2M proxy to send traffic to as M2M frames instead of plain JSON (optional). */
  readonly peer: string | null;
  /** Security policy (default monitor). */
  readonly policy: SecurityPolicy;
  /** Scan requests and responses (default true). */
  readonly scan: boolean;
  /** Largest request body accepted, as received (default 8 MiB). */
  readonly maxBodyBytes: number;
  /** Largest request body after Content-Encoding or M2M decoding: the bomb guard (default 32 MiB). */
  readonly maxDecodedBytes: number;
  /** Largest non-streaming upstream response the proxy buffers to scan or frame (default 64 MiB). */
  readonly maxResponseBytes: number;
  /** Time a client has to send its request headers (default 10 s). */
  readonly headersTimeoutMs: number;
  /** Time a client has to send a whole request (default 60 s). */
  readonly requestTimeoutMs: number;
  /** Idle keep-alive connections from clients are closed after this (default 5 s). */
  readonly keepAliveTimeoutMs: number;
  /** Time to open a TCP connection to the upstream (default 5 s). */
  readonly connectTimeoutMs: number;
  /** Time the upstream may stay silent: before its headers and between body chunks (default 300 s). */
  readonly upstreamTimeoutMs: number;
  /** Sockets kept per upstream host in the keep-alive pool (default 256). */
  readonly upstreamMaxSockets: number;
  /** How long shutdown waits for in-flight requests before closing them (default 10 s). */
  readonly shutdownGraceMs: number;
  /**
   * 32-byte key (64 hex characters) shared by two peer proxies: frames on the link are sealed
   * (AEAD) and unsealed frames are refused. Optional; never logged.
   */
  readonly peerKey: string | null;
  /** Key id sent with sealed frames (default "peer"). */
  readonly peerKeyId: string;
  /** Authorization sent upstream when the client sends none (optional; never logged). */
  readonly apiKey: string | null;
  /** Log one line per request (method, path, status, ms) on stderr; never headers or bodies. */
  readonly logRequests: boolean;
}

/** One configuration option: its flag, environment variable, config-file key, type and default. */
export interface ProxyOption {
  readonly key: keyof ProxyConfig;
  readonly flag: string;
  readonly env: string;
  readonly type: "string" | "number" | "boolean";
  readonly describe: string;
  readonly default: string | number | boolean | null;
  readonly choices?: readonly string[];
}

/**
 * Every option, in `--help` order. Flags are `--kebab-case`, environment variables `M2M_PROXY_*`,
 * config-file keys are the camelCase {@link ProxyConfig} names.
 *
 * @example
 * for (const o of PROXY_OPTIONS) console.log(`--${o.flag}  ${o.env}  ${o.describe}`);
 */
export const PROXY_OPTIONS: readonly ProxyOption[] = [
  {
    key: "host",
    flag: "host",
    env: "M2M_PROXY_HOST",
    type: "string",
    default: "127.0.0.1",
    describe: "interface to listen on",
  },
  {
    key: "port",
    flag: "port",
    env: "M2M_PROXY_PORT",
    type: "number",
    default: 8080,
    describe: "port to listen on (0 = any free port)",
  },
  {
    key: "upstream",
    flag: "upstream",
    env: "M2M_PROXY_UPSTREAM",
    type: "string",
    default: null,
    describe: "OpenAI-compatible upstream base URL, e.g. http://localhost:11434/v1 (required)",
  },
  {
    key: "peer",
    flag: "peer",
    env: "M2M_PROXY_PEER",
    type: "string",
    default: null,
    describe: "send traffic as M2M frames to this other M2M proxy instead of the upstream",
  },
  {
    key: "policy",
    flag: "policy",
    env: "M2M_PROXY_POLICY",
    type: "string",
    default: "monitor",
    choices: ["monitor", "block"],
    describe: "monitor: report threats in x-m2m-threats; block: refuse with HTTP 400 m2m_security_block",
  },
  {
    key: "scan",
    flag: "scan",
    env: "M2M_PROXY_SCAN",
    type: "boolean",
    default: true,
    describe: "scan requests and responses (--no-scan turns scanning off)",
  },
  {
    key: "maxBodyBytes",
    flag: "max-body-bytes",
    env: "M2M_PROXY_MAX_BODY_BYTES",
    type: "number",
    default: 8 * 1024 * 1024,
    describe: "largest request body accepted as received (413 above)",
  },
  {
    key: "maxDecodedBytes",
    flag: "max-decoded-bytes",
    env: "M2M_PROXY_MAX_DECODED_BYTES",
    type: "number",
    default: 32 * 1024 * 1024,
    describe: "largest body after gzip/br/zstd/M2M decoding: the decompression-bomb guard (413 above)",
  },
  {
    key: "maxResponseBytes",
    flag: "max-response-bytes",
    env: "M2M_PROXY_MAX_RESPONSE_BYTES",
    type: "number",
    default: 64 * 1024 * 1024,
    describe: "largest non-streaming upstream response buffered for scanning or framing (502 above)",
  },
  {
    key: "headersTimeoutMs",
    flag: "headers-timeout-ms",
    env: "M2M_PROXY_HEADERS_TIMEOUT_MS",
    type: "number",
    default: 10_000,
    describe: "time a client has to send its request headers",
  },
  {
    key: "requestTimeoutMs",
    flag: "request-timeout-ms",
    env: "M2M_PROXY_REQUEST_TIMEOUT_MS",
    type: "number",
    default: 60_000,
    describe: "time a client has to send a whole request",
  },
  {
    key: "keepAliveTimeoutMs",
    flag: "keep-alive-timeout-ms",
    env: "M2M_PROXY_KEEP_ALIVE_TIMEOUT_MS",
    type: "number",
    default: 5_000,
    describe: "idle client keep-alive connections are closed after this",
  },
  {
    key: "connectTimeoutMs",
    flag: "connect-timeout-ms",
    env: "M2M_PROXY_CONNECT_TIMEOUT_MS",
    type: "number",
    default: 5_000,
    describe: "time to open a connection to the upstream (502 after)",
  },
  {
    key: "upstreamTimeoutMs",
    flag: "upstream-timeout-ms",
    env: "M2M_PROXY_UPSTREAM_TIMEOUT_MS",
    type: "number",
    default: 300_000,
    describe: "time the upstream may stay silent, before headers (504) or between chunks",
  },
  {
    key: "upstreamMaxSockets",
    flag: "upstream-max-sockets",
    env: "M2M_PROXY_UPSTREAM_MAX_SOCKETS",
    type: "number",
    default: 256,
    describe: "keep-alive sockets pooled per upstream host",
  },
  {
    key: "shutdownGraceMs",
    flag: "shutdown-grace-ms",
    env: "M2M_PROXY_SHUTDOWN_GRACE_MS",
    type: "number",
    default: 10_000,
    describe: "on SIGTERM/SIGINT, time in-flight requests get to finish",
  },
  {
    key: "peerKey",
    flag: "peer-key",
    env: "M2M_PROXY_PEER_KEY",
    type: "string",
    default: null,
    describe:
      "64 hex characters shared by both peer proxies: seal frames on the link (AEAD, replay-checked) and refuse unsealed ones (never logged)",
  },
  {
    key: "peerKeyId",
    flag: "peer-key-id",
    env: "M2M_PROXY_PEER_KEY_ID",
    type: "string",
    default: "peer",
    describe: "key id sent with sealed peer frames",
  },
  {
    key: "apiKey",
    flag: "api-key",
    env: "M2M_PROXY_API_KEY",
    type: "string",
    default: null,
    describe: "Authorization: Bearer <key> sent upstream when the client sends none (never logged)",
  },
  {
    key: "logRequests",
    flag: "log-requests",
    env: "M2M_PROXY_LOG_REQUESTS",
    type: "boolean",
    default: false,
    describe: "one stderr line per request: method, path, status, ms (never headers or bodies)",
  },
];

/** Sources for {@link resolveProxyConfig}, lowest precedence last: flags > env > config file > defaults. */
export interface ProxyConfigSources {
  /** Parsed flags keyed by config key (camelCase) or flag name (kebab-case); undefined = not given. */
  readonly flags?: Readonly<Record<string, unknown>>;
  /** Environment (`process.env`); only `M2M_PROXY_*` names are read. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Parsed JSON config file (camelCase keys). */
  readonly file?: Readonly<Record<string, unknown>>;
}

function bad(message: string): never {
  throw new M2MError(ProxyErrorCode.BAD_CONFIG, message);
}

function coerce(option: ProxyOption, value: unknown, source: string): string | number | boolean | null {
  if (value === null) return null;
  const where = `${source} "${option.flag}"`;
  switch (option.type) {
    case "number": {
      const n =
        typeof value === "number"
          ? value
          : typeof value === "string" && value.trim() !== ""
            ? Number(value)
            : Number.NaN;
      if (!Number.isSafeInteger(n) || n < 0)
        bad(`${where} expected a non-negative integer, got ${JSON.stringify(value)}`);
      return n;
    }
    case "boolean": {
      if (typeof value === "boolean") return value;
      if (value === "1" || value === "true" || value === "yes") return true;
      if (value === "0" || value === "false" || value === "no") return false;
      return bad(`${where} expected true or false, got ${JSON.stringify(value)}`);
    }
    default: {
      if (typeof value !== "string") bad(`${where} expected a string`);
      if (option.choices && !option.choices.includes(value))
        bad(`${where} expected one of ${option.choices.join(", ")}, got "${value}"`);
      return value;
    }
  }
}

function checkUrl(name: string, value: string): void {
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    bad(`"${name}" is not a URL: ${value}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") bad(`"${name}" must be an http or https URL`);
}

/**
 * Merge flags, `M2M_PROXY_*` environment variables and a config file over the defaults, and
 * validate the result. Throws `M2MError` `PROXY_BAD_CONFIG` with a one-line message.
 *
 * @example
 * const config = resolveProxyConfig({ flags: { upstream: "http://localhost:11434/v1" }, env: process.env });
 */
export function resolveProxyConfig(sources: ProxyConfigSources): ProxyConfig {
  const out: Record<string, unknown> = {};
  const known = new Set<string>(PROXY_OPTIONS.map((o) => o.key));
  for (const key of Object.keys(sources.file ?? {})) {
    if (!known.has(key) && key !== "$schema") bad(`unknown config-file key "${key}"`);
  }
  for (const option of PROXY_OPTIONS) {
    const flagValue = sources.flags?.[option.key] ?? sources.flags?.[option.flag];
    const envValue = sources.env?.[option.env];
    const fileValue = sources.file?.[option.key];
    if (flagValue !== undefined) out[option.key] = coerce(option, flagValue, "flag");
    else if (envValue !== undefined && envValue !== "")
      out[option.key] = coerce(option, envValue, `env ${option.env}`);
    else if (fileValue !== undefined) out[option.key] = coerce(option, fileValue, "config file");
    else out[option.key] = option.default;
  }
  const config = out as unknown as ProxyConfig;
  if (typeof config.upstream !== "string" || config.upstream === "") {
    bad('"upstream" is required (--upstream URL or M2M_PROXY_UPSTREAM)');
  }
  checkUrl("upstream", config.upstream);
  if (config.peer !== null) checkUrl("peer", config.peer);
  if (config.port > 65535) bad(`"port" must be at most 65535`);
  if (config.peerKey !== null && !/^[0-9a-fA-F]{64}$/.test(config.peerKey))
    bad(`"peer-key" must be 64 hex characters (32 bytes)`);
  if (!/^[A-Za-z0-9._:-]{1,64}$/.test(config.peerKeyId))
    bad(`"peer-key-id" must be 1-64 characters of [A-Za-z0-9._:-]`);
  return Object.freeze(config);
}

/**
 * Text of `--help`: every option with its flag, environment variable and default.
 *
 * @example
 * process.stdout.write(proxyHelp("m2m proxy"));
 */
export function proxyHelp(command: string): string {
  const lines = [
    `Usage: ${command} --upstream URL [options]`,
    "",
    "OpenAI-compatible proxy: scans requests and responses, exposes routing headers and metrics,",
    "and speaks compressed M2M frames to another M2M proxy (--peer).",
    "",
    "Options (flag / environment variable; a JSON file given with --config may set the camelCase keys):",
  ];
  for (const o of PROXY_OPTIONS) {
    const def = o.default === null ? "" : ` (default ${String(o.default)})`;
    lines.push(
      `  --${o.flag}${o.type === "boolean" ? "" : " <value>"}`,
      `      ${o.describe}${def}  [${o.env}]`,
    );
  }
  lines.push(
    "  --config <file>",
    "      JSON config file  [M2M_PROXY_CONFIG]",
    "  -h, --help",
    "      show this help",
    "",
  );
  lines.push(
    "Routes: POST /v1/chat/completions, /v1/completions, /v1/embeddings, /v1/responses; GET /v1/models;",
  );
  lines.push(
    "any other path is passed through under the upstream base. GET /healthz and GET /metrics are served locally.",
  );
  return `${lines.join("\n")}\n`;
}
