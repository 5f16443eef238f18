import { defineConfig } from "vitest/config";

/** One vitest configuration for every package: colocated `src/**\/*.test.ts` plus cross-cutting `test/`. */
export function packageTestConfig(options: { testTimeout?: number } = {}) {
  return defineConfig({
    test: {
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      exclude: ["dist/**", "node_modules/**"],
      testTimeout: options.testTimeout ?? 30_000,
      reporters: ["default", ["json", { outputFile: "test-results.json" }]],
    },
  });
}
