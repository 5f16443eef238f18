import type { ArgumentsCamelCase, Argv } from "yargs";

/** One `m2m` subcommand. Unlike yargs' own type, the handler resolves to the process exit code. */
export interface M2MCommand<Args> {
  readonly command: string | readonly string[];
  readonly describe: string;
  readonly builder: (yargs: Argv) => Argv<Args>;
  readonly handler: (args: ArgumentsCamelCase<Args>) => Promise<number>;
}
