// @m2m/cli: the `m2m` command line. Programmatic entry point for embedding and tests.
export { main } from "./main.js";
