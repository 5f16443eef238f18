import {
  CryptoErrorCode,
  openFrame,
  peekFrameSecurity,
  type ReceivePolicy,
  ReplayGuard,
  wipe,
} from "@m2m/crypto";
import { decodeUtf8, M2MError } from "@m2m/wire";
import type { Argv } from "yargs";
import type { M2MCommand } from "../command.js";
import { CliExit, ExitCode, readInput, writeOutput } from "../io.js";
import { frameInput, loadFrameKey } from "./seal.js";

interface OpenArgs {
  file: string | undefined;
  key: string | undefined;
  "key-file": string | undefined;
  "key-id": string | undefined;
  require: string;
  "max-skew": number | undefined;
}

const REFUSED: ReadonlySet<string> = new Set([
  CryptoErrorCode.AUTH_FAILED,
  CryptoErrorCode.REPLAY,
  CryptoErrorCode.POLICY_REFUSED,
]);

/**
 * `m2m open --key KEY [--require hmac|aead|none] [FILE]`: verify and decrypt a frame and print
 * the unprotected frame. Exit 1 when it is refused (authentication, policy, stale), 2 on bad input.
 */
export const openCommand: M2MCommand<OpenArgs> = {
  builder: (y: Argv) =>
    y
      .positional("file", { type: "string", describe: "frame file (standard input when omitted or -)" })
      .option("key", { type: "string", describe: "32-byte key, hex or base64 (prefer --key-file)" })
      .option("key-file", { type: "string", describe: "file holding the key, hex or base64" })
      .option("key-id", {
        type: "string",
        describe: "accept only v2 frames naming this key id (default: any id)",
      })
      .option("require", {
        choices: ["none", "hmac", "aead"],
        default: "hmac",
        describe: "minimum protection accepted (weaker frames are refused)",
      })
      .option("max-skew", {
        type: "number",
        describe: "refuse v2 frames whose timestamp is more than this many seconds from now",
      }),
  handler: async (args) => {
    const frameKey = await loadFrameKey(args.key, args.keyFile, args.keyId ?? "default");
    try {
      const { frame, text } = frameInput(await readInput(args.file));
      // Without --key-id the single key answers to whatever id the frame names.
      const keys =
        args.keyId === undefined ? keyForAnyId(frame, frameKey.key) : [{ id: args.keyId, key: frameKey.key }];
      const policy: ReceivePolicy = {
        require: args.require as ReceivePolicy["require"],
        keys,
        ...(args.maxSkew !== undefined
          ? { replay: new ReplayGuard({ skewMs: Math.round(args.maxSkew * 1000) }) }
          : {}),
      };
      let opened: Uint8Array;
      try {
        opened = openFrame(frame, policy);
      } catch (e) {
        if (M2MError.isInstance(e) && REFUSED.has(e.code))
          throw new CliExit(ExitCode.REFUSED, `${e.code}: ${e.message}`);
        throw e;
      }
      await writeOutput(text ? `${decodeUtf8(opened)}\n` : opened);
      return ExitCode.OK;
    } finally {
      wipe(frameKey.key);
    }
  },
};

/** A one-key list whose id matches the id the frame names (v2); v1 frames carry none. */
function keyForAnyId(frame: Uint8Array, key: Uint8Array): { id: string; key: Uint8Array }[] {
  let id: string | null = null;
  try {
    id = peekFrameSecurity(frame).keyId;
  } catch {
    // Malformed frames are reported by openFrame itself.
  }
  return [{ id: id ?? "default", key }];
}
