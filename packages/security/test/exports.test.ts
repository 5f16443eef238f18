import { describe, expect, it } from "vitest";
import * as security from "../src/index.js";

describe("public surface", () => {
  it("exports exactly these runtime names", () => {
    expect(Object.keys(security).sort()).toEqual(
      [
        "DEFAULT_MODEL",
        "DEFAULT_SCAN_LIMITS",
        "DERIVED_RULES",
        "DOCUMENT_RULES",
        "PRIOR_MODEL",
        "RULES",
        "SecurityErrorCode",
        "THREAT_CATEGORIES",
        "ThreatCategory",
        "categoryScore",
        "createScanner",
        "findEncodedBlobs",
        "isKnownRule",
        "normalizeText",
        "rot13",
        "ruleScore",
        "sigmoid",
        "undoLeet",
        "undoSpacing",
      ].sort(),
    );
  });
  it("every rule id is known and unique", () => {
    const ids = [
      ...security.RULES.map((r) => r.id),
      ...security.DERIVED_RULES.map((r) => r.id),
      ...security.DOCUMENT_RULES,
    ];
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(security.isKnownRule(id)).toBe(true);
    for (const id of Object.keys(security.DEFAULT_MODEL.weights)) expect(security.isKnownRule(id)).toBe(true);
  });
});
