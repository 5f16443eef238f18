import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { M2MError } from "@m2m/wire";
import type { PeerCodec, ProxyScanner } from "./adapters.js";
import { PROXY_OPTIONS, type ProxyConfig, proxyHelp, resolveProxyConfig } from "./config.js";
import { defaultPeerCodec, defaultScanner } from "./defaults.js";
import { ProxyErrorCode } from "./errors.js";
import { createProxyServer, type ProxyServer } from "./server.js";

/** Result of {@link parseProxyArgs}: either a config, or a request for help. */
export type ParsedProxyArgs =
  | { readonly help: true }
  | { readonly help: false; readonly config: ProxyConfig };

/** Read a JSON config file (flags and env still win over it). */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new M2MError(
      ProxyErrorCode.BAD_CONFIG,
      `cannot read config file ${path}: ${(error as NodeJS.ErrnoException).code ?? "error"}`,
    );
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("not an object");
    return value as Record<string, unknown>;
  } catch {
    throw new M2MError(ProxyErrorCode.BAD_CONFIG, `config file ${path} is not a JSON object`);
  }
}

/**
 * Parse `m2m proxy` / `apps/proxy` arguments (`--port 8080 --upstream URL …`, `--no-scan`,
 * `--config file.json`) together with `M2M_PROXY_*` variables from `env`.
 *
 * @example
 * const parsed = parseProxyArgs(["--upstream", "http://localhost:11434/v1"], process.env);
 */
export function parseProxyArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ParsedProxyArgs {
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = {
    help: { type: "boolean", short: "h" },
    config: { type: "string" },
  };
  for (const o of PROXY_OPTIONS) {
    options[o.flag] = { type: o.type === "boolean" ? "boolean" : "string" };
  }
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args: [...argv],
      options,
      allowNegative: true,
      strict: true,
      allowPositionals: false,
    }).values as Record<string, unknown>;
  } catch (error) {
    throw new M2MError(ProxyErrorCode.BAD_CONFIG, (error as Error).message.split("\n")[0] ?? "bad arguments");
  }
  if (values.help === true) return { help: true };
  const configPath = (values.config as string | undefined) ?? env.M2M_PROXY_CONFIG;
  const file = configPath ? readConfigFile(configPath) : undefined;
  const flags: Record<string, unknown> = {};
  for (const o of PROXY_OPTIONS) if (values[o.flag] !== undefined) flags[o.key] = values[o.flag];
  return { help: false, config: resolveProxyConfig({ flags, env, ...(file ? { file } : {}) }) };
}

/** Overrides for {@link startProxy} (tests inject their own scanner or codec). */
export interface StartProxyOptions {
  readonly scanner?: ProxyScanner | null;
  readonly codec?: PeerCodec | null;
  readonly log?: (line: string) => void;
}

/**
 * Create and start a proxy with the real scanner and codec unless overridden.
 *
 * @example
 * const proxy = await startProxy(config); console.log(proxy.url);
 */
export async function startProxy(
  config: ProxyConfig,
  options: StartProxyOptions = {},
): Promise<ProxyServer & { readonly url: string }> {
  const proxy = createProxyServer({
    config,
    scanner:
      options.scanner !== undefined ? options.scanner : config.scan ? defaultScanner(config.policy) : null,
    codec: options.codec !== undefined ? options.codec : defaultPeerCodec(config),
    ...(options.log ? { log: options.log } : {}),
  });
  const url = await proxy.listen();
  return Object.assign(proxy, { url });
}

/**
 * The whole command: parse, start, print where it listens, and shut down gracefully on SIGINT /
 * SIGTERM. Resolves to an exit code once the proxy has stopped. `command` names it in `--help`.
 *
 * @example
 * process.exitCode = await runProxyCommand(process.argv.slice(2), process.env, "m2m-proxy");
 */
export async function runProxyCommand(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  command: string,
): Promise<number> {
  let parsed: ParsedProxyArgs;
  try {
    parsed = parseProxyArgs(argv, env);
  } catch (error) {
    process.stderr.write(`${command}: ${M2MError.isInstance(error) ? error.message : String(error)}\n`);
    process.stderr.write(`Try ${command} --help\n`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(proxyHelp(command));
    return 0;
  }
  return serveUntilSignal(parsed.config);
}

/** Start a proxy and keep it running until SIGINT or SIGTERM; resolves to 0 after a graceful stop. */
export async function serveUntilSignal(config: ProxyConfig): Promise<number> {
  let proxy: ProxyServer & { readonly url: string };
  try {
    proxy = await startProxy(config);
  } catch (error) {
    process.stderr.write(`m2m proxy: ${M2MError.isInstance(error) ? error.message : String(error)}\n`);
    return 1;
  }
  const mode = config.peer ? `peer ${config.peer}` : `upstream ${config.upstream}`;
  process.stderr.write(
    `m2m proxy listening on ${proxy.url} -> ${mode} (policy ${config.policy}, scanning ${config.scan ? "on" : "off"})\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      process.stderr.write("m2m proxy: shutting down, letting in-flight requests finish\n");
      void proxy.close().then(resolve);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  return 0;
}
