import { decompressAsync } from "@m2m/codec";
import type { Argv } from "yargs";
import type { M2MCommand } from "../command.js";
import { ExitCode, frameInput, readInput, writeOutput } from "../io.js";
import { readDictionary } from "./compress.js";

interface DecompressArgs {
  file: string | undefined;
  dict: string[] | undefined;
}

/** `m2m decompress [FILE]`: detect the format (text or binary) and write the original bytes. */
export const decompressCommand: M2MCommand<DecompressArgs> = {
  builder: (y: Argv) =>
    y
      .positional("file", { type: "string", describe: "frame file (standard input when omitted or -)" })
      .option("dict", {
        type: "string",
        array: true,
        describe: "dictionary file(s) a frame may name",
      }) as Argv<DecompressArgs>,
  handler: async (args) => {
    const input = frameInput(await readInput(args.file));
    const dictionaries = await Promise.all((args.dict ?? []).map((f) => readDictionary(f)));
    await writeOutput(await decompressAsync(input, { dictionaries }));
    return ExitCode.OK;
  },
};
