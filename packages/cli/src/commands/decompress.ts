import { decompressAsync } from "@m2m/codec";
import type { Argv } from "yargs";
import type { M2MCommand } from "../command.js";
import { ExitCode, frameInput, readInput, writeOutput } from "../io.js";
import { limitsFor, MAX_BYTES_OPTION, readDictionary, withSizeHint } from "./compress.js";

interface DecompressArgs {
  file: string | undefined;
  dict: string[] | undefined;
  "max-bytes": number | undefined;
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
      })
      .option("max-bytes", MAX_BYTES_OPTION) as Argv<DecompressArgs>,
  handler: async (args) => {
    const limits = limitsFor(args.maxBytes);
    const input = frameInput(await readInput(args.file));
    const dictionaries = await Promise.all((args.dict ?? []).map((f) => readDictionary(f)));
    await writeOutput(
      await withSizeHint(() => decompressAsync(input, { dictionaries, ...(limits ? { limits } : {}) })),
    );
    return ExitCode.OK;
  },
};
