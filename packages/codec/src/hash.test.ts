import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fnv1a64, toHex } from "./hash.js";

function reference(bytes: Uint8Array): string {
  let h = 0xcbf29ce484222325n;
  for (const b of bytes) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h.toString(16).padStart(16, "0");
}

describe("fnv1a64", () => {
  it.each([
    ["", "cbf29ce484222325"],
    ["a", "af63dc4c8601ec8c"],
    ["foobar", "85944171f73967e8"],
  ])("%j → %s (published FNV-1a-64 values)", (text, hex) => {
    expect(toHex(fnv1a64(new TextEncoder().encode(text)))).toBe(hex);
  });
  it("matches a BigInt implementation on random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => toHex(fnv1a64(b)) === reference(b)),
      {
        numRuns: 2000,
      },
    );
  });
});
