#!/usr/bin/env node
// apps/proxy: the runnable M2M proxy. Same code path as `m2m proxy`; see `--help`.
import { runProxyCommand } from "@m2m/proxy";

// `pnpm --filter … start -- --port 8080` may hand us a literal "--" first.
const argv = process.argv.slice(2);
if (argv[0] === "--") argv.shift();
process.exitCode = await runProxyCommand(argv, process.env, "m2m-proxy");
