import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createScanner, isKnownRule, type Role, THREAT_CATEGORIES } from "../src/index.js";

// Runs every `security/*` suite in spec/vectors: each vector is a text (with its role) or a
// request body, and the verdict the default scanner (threshold 0.5, policy block) must reach.
// `categories` lists exactly the categories scoring at or above the threshold; `rules` lists the
// rules the vector is about, which must be among the threats (others may fire too).

const dir = resolve(dirname(fileURLToPath(import.meta.url)), "../../../spec/vectors");

interface Vector {
  readonly name: string;
  readonly kind: "text" | "request";
  readonly role?: Role;
  readonly text?: string;
  readonly body?: unknown;
  readonly expect: {
    readonly action: "allow" | "flag" | "block";
    readonly categories: readonly string[];
    readonly rules: readonly string[];
  };
}

const suites = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .map((f) => ({
    file: f,
    data: JSON.parse(readFileSync(join(dir, f), "utf8")) as { suite: string; vectors: Vector[] },
  }))
  .filter(({ data }) => typeof data.suite === "string" && data.suite.startsWith("security/"));

describe("security conformance vectors", () => {
  it("has at least one security suite", () => {
    expect(suites.length).toBeGreaterThan(0);
  });
  const scanner = createScanner({ policy: "block" });
  for (const { file, data } of suites) {
    describe(`${file} (${data.suite})`, () => {
      it("has well-formed vectors", () => {
        expect(data.vectors.length).toBeGreaterThan(0);
        for (const v of data.vectors) {
          expect(["text", "request"], v.name).toContain(v.kind);
          for (const c of v.expect.categories) expect(THREAT_CATEGORIES, v.name).toContain(c);
          for (const r of v.expect.rules) expect(isKnownRule(r), `${v.name}: ${r}`).toBe(true);
        }
      });
      for (const v of data.vectors) {
        it(v.name, () => {
          const verdict =
            v.kind === "text"
              ? scanner.scanText(v.text ?? "", { role: v.role ?? "user" })
              : scanner.scanRequest(typeof v.body === "string" ? v.body : (v.body as object));
          expect(verdict.action).toBe(v.expect.action);
          const categories = THREAT_CATEGORIES.filter((c) => verdict.scores[c] >= 0.5);
          expect([...categories].sort()).toEqual([...v.expect.categories].sort());
          const fired = new Set(verdict.threats.map((t) => t.rule));
          for (const r of v.expect.rules) expect(fired, `${v.name}: ${r}`).toContain(r);
        });
      }
    });
  }
});
