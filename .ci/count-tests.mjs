// Sum vitest's JSON reports (test-results.json in every package and at the root) into the one
// closing line CI reads: "N passed, N failed". Failed suites (files that could not run) count as failures.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const reports = [join(root, "test-results.json")];
for (const group of ["packages", "apps", "bench"]) {
  const base = join(root, group);
  if (!existsSync(base)) continue;
  if (existsSync(join(base, "test-results.json"))) reports.push(join(base, "test-results.json"));
  for (const name of readdirSync(base)) reports.push(join(base, name, "test-results.json"));
}
let passed = 0;
let failed = 0;
for (const file of reports) {
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, "utf8"));
  for (const suite of report.testResults ?? []) {
    const assertions = suite.assertionResults ?? [];
    for (const a of assertions) {
      if (a.status === "passed") passed++;
      else if (a.status === "failed") failed++;
    }
    // A file that failed to load has no failed assertions but must still count as a failure.
    if (suite.status === "failed" && !assertions.some((a) => a.status === "failed")) failed++;
  }
}
if (process.argv.includes("--failed-step")) failed += 1;
console.log(`${passed} passed, ${failed} failed`);
