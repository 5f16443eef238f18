// Sum vitest's JSON reports (test-results.json in every workspace package and at the root) into the
// one closing line CI reads: "N passed, N failed". A test file that failed to load, and a package
// with a test script that produced no report at all, each count as one failure.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const workspaces = [root, join(root, "bench")];
for (const group of ["packages", "apps"]) {
  const base = join(root, group);
  if (existsSync(base)) for (const name of readdirSync(base)) workspaces.push(join(base, name));
}
let passed = 0;
let failed = 0;
for (const dir of workspaces) {
  const manifest = join(dir, "package.json");
  if (!existsSync(manifest)) continue;
  const scripts = JSON.parse(readFileSync(manifest, "utf8")).scripts ?? {};
  const hasTests = dir === root ? "test:repo" in scripts : "test" in scripts;
  const report = join(dir, "test-results.json");
  if (!existsSync(report)) {
    if (hasTests) failed++;
    continue;
  }
  for (const suite of JSON.parse(readFileSync(report, "utf8")).testResults ?? []) {
    const assertions = suite.assertionResults ?? [];
    for (const a of assertions) {
      if (a.status === "passed") passed++;
      else if (a.status === "failed") failed++;
    }
    if (suite.status === "failed" && !assertions.some((a) => a.status === "failed")) failed++;
  }
}
if (process.argv.includes("--failed-step")) failed++;
console.log(`${passed} passed, ${failed} failed`);
