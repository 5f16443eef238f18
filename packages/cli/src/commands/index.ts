import type { M2MCommand } from "../command.js";
import { compressCommand } from "./compress.js";
import { decompressCommand } from "./decompress.js";
import { dictCommand } from "./dict.js";
import { inspectCommand } from "./inspect.js";
import { keyCommand } from "./key.js";
import { keygenCommand } from "./keygen.js";
import { openCommand } from "./open.js";
import { proxyCommand } from "./proxy.js";
import { scanCommand } from "./scan.js";
import { sealCommand } from "./seal.js";

/**
 * Every `m2m` subcommand, one module each. Add a command by adding its file under `commands/` and
 * one line here; a handler returns its exit code (or throws `CliExit` / `M2MError`).
 */
// biome-ignore lint/suspicious/noExplicitAny: each command has its own argument shape.
export const commands: ReadonlyArray<M2MCommand<any>> = [
  inspectCommand,
  compressCommand,
  decompressCommand,
  dictCommand,
  proxyCommand,
  keygenCommand,
  keyCommand,
  sealCommand,
  openCommand,
  scanCommand,
];
