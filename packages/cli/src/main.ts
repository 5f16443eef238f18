import { M2MError } from "@m2m/wire";
import yargs from "yargs";
import { commands } from "./commands/index.js";
import { CliExit, ExitCode } from "./io.js";
import { VERSION } from "./version.js";

/**
 * Run the `m2m` command line with `argv` (without the node and script paths) and resolve to the
 * exit code. Bad input prints one line on stderr and gives exit code 2.
 *
 * @example process.exitCode = await main(["inspect", "frame.txt"]);
 */
export async function main(argv: readonly string[]): Promise<number> {
  let exitCode: number = ExitCode.OK;
  let failure: string | null = null;
  const cli = yargs([...argv])
    .scriptName("m2m")
    .usage(
      "$0 <command> [options]\n\nM2M: compact, scanned and authenticated traffic between AI agents and LLM APIs.",
    )
    .version(VERSION)
    .help()
    .alias("h", "help")
    .strict()
    .demandCommand(1, "name a command (see m2m --help)")
    .recommendCommands()
    .wrap(Math.min(110, process.stdout.columns || 110))
    .exitProcess(false)
    .fail((message, error) => {
      failure = error ? describe(error).message : message;
      exitCode = error ? describe(error).exitCode : ExitCode.BAD_INPUT;
    });
  for (const entry of commands) {
    cli.command(
      entry.command,
      entry.describe,
      async (y) => (await entry.load()).builder(y),
      async (args) => {
        exitCode = await (await entry.load()).handler(args);
      },
    );
  }
  try {
    await cli.parseAsync();
  } catch (error) {
    const described = describe(error);
    failure = described.message;
    exitCode = described.exitCode;
  }
  if (failure !== null) process.stderr.write(`m2m: ${failure}\n`);
  return exitCode;
}

function describe(error: unknown): { message: string; exitCode: number } {
  if (error instanceof CliExit) return { message: error.message, exitCode: error.exitCode };
  if (M2MError.isInstance(error))
    return { message: `${error.code}: ${error.message}`, exitCode: ExitCode.BAD_INPUT };
  const message = error instanceof Error ? error.message : String(error);
  return { message: message.split("\n")[0] ?? "error", exitCode: ExitCode.BAD_INPUT };
}
