import { defineConfig } from "vitest/config";

/** One vitest configuration for every package: colocated `src/**\/*.test.ts` plus cross-cutting `test/`. */
export function packageTestConfig(options: { testTimeout?: number } = {}) {
  return defineConfig({
    test: {
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      exclude: ["dist/**", "node_modules/**"],
      // Generous: CPU-bound suites (fuzzing 100k inputs) share 2 cores with other packages in CI.
      // Speed is measured by `pnpm bench`, never asserted here.
      testTimeout: options.testTimeout ?? 120_000,
      reporters: ["default", ["json", { outputFile: "test-results.json" }]],
    },
  });
}
