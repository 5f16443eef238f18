import { peekHeader } from "@m2m/wire";
import type { Argv } from "yargs";
import type { M2MCommand } from "../command.js";
import { ExitCode, frameInput, readInput, writeOutput } from "../io.js";

interface InspectArgs {
  file: string | undefined;
}

/** `m2m inspect [FILE]`: print a frame's routing header as JSON without touching its payload. */
export const inspectCommand: M2MCommand<InspectArgs> = {
  builder: (y: Argv) =>
    y.positional("file", { type: "string", describe: "frame file (standard input when omitted or -)" }),
  handler: async (args) => {
    const input = frameInput(await readInput(args.file));
    const header = peekHeader(input);
    await writeOutput(`${JSON.stringify(header, null, 2)}\n`);
    return ExitCode.OK;
  },
};
