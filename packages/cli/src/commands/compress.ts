import {
  type Algorithm,
  compressAsync,
  compressToTextAsync,
  type Dictionary,
  decodeDictionaryFile,
  type TokenizerName,
} from "@m2m/codec";
import { M2MError, type WireLimits } from "@m2m/wire";
import type { Argv } from "yargs";
import type { M2MCommand } from "../command.js";
import { CliExit, ExitCode, readFileOrExit, readInput, writeOutput } from "../io.js";

interface CompressArgs {
  file: string | undefined;
  algorithm: string;
  tokenizer: string;
  dict: string | undefined;
  effort: string;
  binary: boolean;
  "max-bytes": number | undefined;
}

const ALGORITHMS = ["auto", "m2m", "brotli", "tk", "dict", "dict-deflate", "none"] as const;
const TOKENIZERS = ["cl100k", "o200k", "llama3"] as const;

/** `--max-bytes`, shared by compress and decompress. */
export const MAX_BYTES_OPTION = {
  type: "number",
  describe: "largest original payload in bytes (default 16777216 = 16 MiB, also the receivers' default)",
} as const;

/** Limits for `--max-bytes` (frames may be base64 text: up to about twice the payload). */
export function limitsFor(maxBytes: number | undefined): Partial<WireLimits> | undefined {
  if (maxBytes === undefined) return undefined;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1)
    throw new CliExit(ExitCode.BAD_INPUT, "--max-bytes must be a positive integer");
  return { maxDecodedBytes: maxBytes, maxFrameBytes: 2 * maxBytes + 4096 };
}

/** Run `work`; a size limit it hits is reported with the flag that raises it. */
export async function withSizeHint<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (M2MError.isInstance(error) && error.code === "WIRE_LIMIT_EXCEEDED")
      throw new CliExit(
        ExitCode.BAD_INPUT,
        `${error.code}: ${error.message} (--max-bytes raises it; whoever decodes needs as much)`,
      );
    throw error;
  }
}

/** Read a `.dict` file written by `m2m dict train` (shared by compress and decompress). */
export async function readDictionary(file: string): Promise<Dictionary> {
  return decodeDictionaryFile(await readFileOrExit(file));
}

/** `m2m compress [FILE]`: compress stdin or a file to an M2M text form (or a binary frame). */
export const compressCommand: M2MCommand<CompressArgs> = {
  builder: (y: Argv) =>
    y
      .positional("file", { type: "string", describe: "input file (standard input when omitted or -)" })
      .option("algorithm", {
        alias: "a",
        type: "string",
        choices: ALGORITHMS,
        default: "auto",
        describe: "codec",
      })
      .option("tokenizer", {
        alias: "t",
        type: "string",
        choices: TOKENIZERS,
        default: "cl100k",
        describe: "TokenNative tokenizer",
      })
      .option("dict", { type: "string", describe: "dictionary file from `m2m dict train` (dict/auto)" })
      .option("effort", {
        type: "string",
        choices: ["fast", "best"],
        default: "fast",
        describe: "dict/auto encoder effort (best: optimal parse, ~3% smaller, ~5x slower)",
      })
      .option("binary", {
        type: "boolean",
        default: false,
        describe: "write the binary frame instead of text",
      })
      .option("max-bytes", MAX_BYTES_OPTION) as Argv<CompressArgs>,
  handler: async (args) => {
    const limits = limitsFor(args.maxBytes);
    const input = await readInput(args.file);
    const options = {
      algorithm: args.algorithm as Algorithm,
      tokenizer: args.tokenizer as TokenizerName,
      effort: args.effort as "best" | "fast",
      ...(args.dict ? { dictionary: await readDictionary(args.dict) } : {}),
      ...(limits ? { limits } : {}),
    };
    // No newline after text: `m2m compress | m2m decompress` must give back the exact bytes.
    const out = await withSizeHint<string | Uint8Array>(() =>
      args.binary ? compressAsync(input, options) : compressToTextAsync(input, options),
    );
    await writeOutput(out);
    return ExitCode.OK;
  },
};
