import { readFile, writeFile } from "node:fs/promises";
import {
  DEFAULT_DICTIONARY_BYTES,
  encodeDictionaryFile,
  MAX_DICTIONARY_BYTES,
  trainDictionary,
} from "@m2m/codec";
import type { Argv } from "yargs";
import type { M2MCommand } from "../command.js";
import { CliExit, ExitCode } from "../io.js";

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
    const samples: Uint8Array[] = [];
    for (const f of files) {
      try {
        samples.push(new Uint8Array(await readFile(f)));
      } catch (cause) {
        throw new CliExit(
          ExitCode.BAD_INPUT,
          `cannot read ${f}: ${(cause as { code?: string }).code ?? "EIO"}`,
        );
      }
    }
    const dictionary = trainDictionary(samples, { maxBytes: args.size, sampleBytes: args["sample-bytes"] });
    await writeFile(args.output, encodeDictionaryFile(dictionary));
    process.stderr.write(
      `wrote ${args.output}: ${dictionary.bytes.length} bytes, id ${dictionary.idHex}, from ${files.length} files\n`,
    );
    return ExitCode.OK;
  },
};
