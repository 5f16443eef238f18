import { rename, rm, writeFile } from "node:fs/promises";
import {
  DEFAULT_DICTIONARY_BYTES,
  encodeDictionaryFile,
  MAX_DICTIONARY_BYTES,
  trainDictionary,
} from "@m2m/codec";
import type { Argv } from "yargs";
import type { M2MCommand } from "../command.js";
import { CliExit, ExitCode, readFileOrExit } from "../io.js";

/** Inputs at least this large get a line on stderr before training (it takes a few seconds). */
const PROGRESS_BYTES = 8_000_000;
/** Files read at once. */
const READ_CONCURRENCY = 16;

/** Read every sample file, in order, a few at a time. */
async function readAll(files: readonly string[]): Promise<Uint8Array[]> {
  const out: Uint8Array[] = new Array(files.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const i = next++;
      out[i] = await readFileOrExit(files[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, files.length) }, worker));
  return out;
}

interface DictArgs {
  action: string;
  files: string[] | undefined;
  output: string | undefined;
  size: number;
  "sample-bytes": number;
}

/** `m2m dict train FILES… -o app.dict`: build a dictionary from an application's own traffic. */
export const dictCommand: M2MCommand<DictArgs> = {
  builder: (y: Argv) =>
    y
      .positional("action", { type: "string", choices: ["train"], describe: "what to do" })
      .positional("files", { type: "string", array: true, describe: "sample payload files" })
      .option("output", { alias: "o", type: "string", describe: "dictionary file to write" })
      .option("size", {
        type: "number",
        default: DEFAULT_DICTIONARY_BYTES,
        describe: `dictionary bytes (≤ ${MAX_DICTIONARY_BYTES})`,
      })
      .option("sample-bytes", {
        type: "number",
        default: 2048,
        describe: "bytes kept from the start of each sample",
      }) as Argv<DictArgs>,
  handler: async (args) => {
    const files = args.files ?? [];
    if (files.length === 0)
      throw new CliExit(ExitCode.BAD_INPUT, "dict train needs at least one sample file");
    if (!args.output) throw new CliExit(ExitCode.BAD_INPUT, "dict train needs -o FILE");
    const samples = await readAll(files);
    const total = samples.reduce((n, s) => n + s.length, 0);
    if (total >= PROGRESS_BYTES)
      process.stderr.write(`training on ${files.length} files, ${(total / 1e6).toFixed(1)} MB…\n`);
    const dictionary = trainDictionary(samples, { maxBytes: args.size, sampleBytes: args["sample-bytes"] });
    // Written beside the target and renamed into place: an interrupted run leaves no half-written file.
    const partial = `${args.output}.${process.pid}.partial`;
    try {
      await writeFile(partial, encodeDictionaryFile(dictionary));
      await rename(partial, args.output);
    } catch (cause) {
      await rm(partial, { force: true });
      throw new CliExit(
        ExitCode.BAD_INPUT,
        `cannot write ${args.output}: ${(cause as { code?: string }).code ?? "EIO"}`,
      );
    }
    process.stderr.write(
      `wrote ${args.output}: ${dictionary.bytes.length} bytes, id ${dictionary.idHex}, from ${files.length} files\n`,
    );
    return ExitCode.OK;
  },
};
