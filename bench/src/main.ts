import { suites } from "./suites/index.js";

const requested = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const names = requested.length > 0 ? requested : ["wire"];
for (const name of names) {
  const suite = suites[name];
  if (!suite) {
    console.error(`unknown benchmark suite "${name}"; known: ${Object.keys(suites).join(", ")}`);
    process.exit(2);
  }
  await suite();
}
