import { PROXY_OPTIONS, readConfigFile, resolveProxyConfig, serveUntilSignal } from "@m2m/proxy";
import type { Argv } from "yargs";
import type { M2MCommand } from "../command.js";

type ProxyArgs = Record<string, unknown> & { config: string | undefined };

/**
 * `m2m proxy --upstream URL [options]`: run the OpenAI-compatible M2M proxy until SIGINT/SIGTERM.
 * Options come from `@m2m/proxy`'s option table, so this and apps/proxy document and accept the
 * same flags, `M2M_PROXY_*` variables and config-file keys.
 */
export const proxyCommand: M2MCommand<ProxyArgs> = {
  builder: (y: Argv) => {
    let out = y;
    for (const o of PROXY_OPTIONS) {
      const def = o.default === null ? "" : ` (default ${String(o.default)})`;
      out = out.option(o.flag, {
        type: o.type,
        describe: `${o.describe}${def} [env ${o.env}]`,
        ...(o.choices ? { choices: [...o.choices] } : {}),
      });
    }
    return out.option("config", {
      type: "string",
      describe: "JSON config file with camelCase keys [env M2M_PROXY_CONFIG]",
    }) as Argv<ProxyArgs>;
  },
  handler: async (args) => {
    const flags: Record<string, unknown> = {};
    for (const o of PROXY_OPTIONS) if (args[o.key] !== undefined) flags[o.key] = args[o.key];
    const configPath = args.config ?? process.env.M2M_PROXY_CONFIG;
    const config = resolveProxyConfig({
      flags,
      env: process.env,
      ...(configPath ? { file: readConfigFile(configPath) } : {}),
    });
    return serveUntilSignal(config);
  },
};
