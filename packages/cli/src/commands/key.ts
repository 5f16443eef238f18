import { deriveKey, parseKey, toHex, wipe } from "@m2m/crypto";
import { encodeBase64 } from "@m2m/wire";
import type { Argv } from "yargs";
import type { M2MCommand } from "../command.js";
import { ExitCode, writeOutput } from "../io.js";

interface KeyArgs {
  action: string;
  master: string;
  path: string;
  format: string;
}

/**
 * `m2m key derive --master HEX --path m2m/v1/ORG/AGENT`: HKDF-SHA256 derivation of the key
 * hierarchy (spec/crypto.md §6), printed as hex (or base64).
 */
export const keyCommand: M2MCommand<KeyArgs> = {
  builder: (y: Argv) =>
    y
      .positional("action", { choices: ["derive"], describe: "what to do", demandOption: true })
      .option("master", {
        type: "string",
        demandOption: true,
        describe: "master key, hex or base64 (≥ 32 bytes)",
      })
      .option("path", {
        type: "string",
        demandOption: true,
        describe: "derivation path, e.g. m2m/v1/acme/agent-1",
      })
      .option("format", {
        choices: ["hex", "base64"],
        default: "hex",
        describe: "encoding of the output",
      }),
  handler: async (args) => {
    const master = parseKey(args.master, { name: "master" });
    try {
      const key = deriveKey(master, args.path);
      const text = args.format === "base64" ? encodeBase64(key) : toHex(key);
      wipe(key);
      await writeOutput(`${text}\n`);
      return ExitCode.OK;
    } finally {
      wipe(master);
    }
  },
};
