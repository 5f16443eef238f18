import type { ArgumentsCamelCase, Argv } from "yargs";

/** A subcommand's options and handler. Unlike yargs' own type, the handler resolves to the exit code. */
export interface M2MCommand<Args> {
  readonly builder: (yargs: Argv) => Argv<Args>;
  readonly handler: (args: ArgumentsCamelCase<Args>) => Promise<number>;
}

/** One `m2m` subcommand as listed: usage and summary, and the module with the rest, loaded on use. */
export interface M2MCommandEntry {
  readonly command: string;
  readonly describe: string;
  // biome-ignore lint/suspicious/noExplicitAny: each command has its own argument shape.
  readonly load: () => Promise<M2MCommand<any>>;
}
