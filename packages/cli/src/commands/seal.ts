import { type FrameKey, parseKey, sealFrame, wipe } from "@m2m/crypto";
import { decodeUtf8, detectFormat, encodeUtf8, WireFormat } from "@m2m/wire";
import type { Argv } from "yargs";
import type { M2MCommand } from "../command.js";
import { CliExit, ExitCode, readFileOrExit, readInput, trimLineEnding, writeOutput } from "../io.js";

interface SealArgs {
  file: string | undefined;
  key: string | undefined;
  "key-file": string | undefined;
  "key-id": string;
  mode: string;
  cipher: string | undefined;
}

/** Read `--key` or `--key-file` (hex or base64, 32 bytes). Errors never echo the key. */
export async function loadFrameKey(
  key: string | undefined,
  keyFile: string | undefined,
  id: string,
): Promise<FrameKey> {
  if ((key === undefined) === (keyFile === undefined))
    throw new CliExit(ExitCode.BAD_INPUT, "give exactly one of --key or --key-file");
  let text = key;
  if (keyFile !== undefined) {
    text = new TextDecoder().decode(await readFileOrExit(keyFile)).trim();
  }
  return { id, key: parseKey(text ?? "", { length: 32 }) };
}

/** Text frames lose one trailing line ending; binary frames are used as they are. */
export function frameInput(raw: Uint8Array): { frame: Uint8Array; text: boolean } {
  const detected = detectFormat(raw);
  if (detected.form === "text" && detected.format !== WireFormat.PASSTHROUGH) {
    return { frame: encodeUtf8(trimLineEnding(decodeUtf8(raw))), text: true };
  }
  return { frame: raw, text: false };
}

/** `m2m seal --key KEY [--mode hmac|aead] [FILE]`: protect a frame (stdin → stdout, same form). */
export const sealCommand: M2MCommand<SealArgs> = {
  builder: (y: Argv) =>
    y
      .positional("file", { type: "string", describe: "frame file (standard input when omitted or -)" })
      .option("key", { type: "string", describe: "32-byte key, hex or base64 (prefer --key-file)" })
      .option("key-file", { type: "string", describe: "file holding the key, hex or base64" })
      .option("key-id", { type: "string", default: "default", describe: "key id written into v2 frames" })
      .option("mode", { choices: ["hmac", "aead"], default: "aead", describe: "protection" })
      .option("cipher", {
        choices: ["xchacha20-poly1305", "chacha20-poly1305"],
        describe: "AEAD cipher (v2 default xchacha20-poly1305; v1 is always chacha20-poly1305)",
      }),
  handler: async (args) => {
    const frameKey = await loadFrameKey(args.key, args.keyFile, args.keyId);
    try {
      const { frame, text } = frameInput(await readInput(args.file));
      const sealed = sealFrame(frame, frameKey, {
        mode: args.mode as "hmac" | "aead",
        ...(args.cipher ? { cipher: args.cipher as "xchacha20-poly1305" | "chacha20-poly1305" } : {}),
      });
      await writeOutput(text ? `${decodeUtf8(sealed)}\n` : sealed);
      return ExitCode.OK;
    } finally {
      wipe(frameKey.key);
    }
  },
};
