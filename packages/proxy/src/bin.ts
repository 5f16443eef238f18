#!/usr/bin/env node
// `m2m-proxy`: the proxy as a command (the same thing `m2m proxy` and apps/proxy run).
import { runProxyCommand } from "./run.js";

const argv = process.argv.slice(2);
if (argv[0] === "--") argv.shift();
process.exitCode = await runProxyCommand(argv, process.env, "m2m-proxy");
