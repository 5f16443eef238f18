import { generateX25519KeyPair, randomBytes, toHex, wipe } from "@m2m/crypto";
import { encodeBase64 } from "@m2m/wire";
import type { Argv } from "yargs";
import type { M2MCommand } from "../command.js";
import { ExitCode, writeOutput } from "../io.js";

interface KeygenArgs {
  type: string;
  format: string;
}

const encode = (bytes: Uint8Array, format: string): string =>
  format === "base64" ? encodeBase64(bytes) : toHex(bytes);

/** `m2m keygen [--type symmetric|x25519] [--format hex|base64]`: print a fresh key (or key pair). */
export const keygenCommand: M2MCommand<KeygenArgs> = {
  builder: (y: Argv) =>
    y
      .option("type", { choices: ["symmetric", "x25519"], default: "symmetric", describe: "kind of key" })
      .option("format", { choices: ["hex", "base64"], default: "hex", describe: "encoding of the output" }),
  handler: async (args) => {
    if (args.type === "x25519") {
      const pair = generateX25519KeyPair();
      const out = {
        type: "x25519",
        privateKey: encode(pair.privateKey, args.format),
        publicKey: encode(pair.publicKey, args.format),
      };
      wipe(pair.privateKey);
      await writeOutput(`${JSON.stringify(out, null, 2)}\n`);
      return ExitCode.OK;
    }
    const key = randomBytes(32);
    const text = encode(key, args.format);
    wipe(key);
    await writeOutput(`${text}\n`);
    return ExitCode.OK;
  },
};
