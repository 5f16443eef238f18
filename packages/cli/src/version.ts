import { createRequire } from "node:module";

/** Version of @m2m/cli, read from its package.json. */
export const VERSION: string = (createRequire(import.meta.url)("../package.json") as { version: string })
  .version;
