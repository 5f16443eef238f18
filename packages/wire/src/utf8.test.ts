import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { M2MError } from "./errors.js";
import { decodeUtf8, encodeUtf8, truncateUtf8, utf8Length } from "./utf8.js";

describe("utf8", () => {
  it("utf8Length equals the encoded length", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        expect(utf8Length(s)).toBe(encodeUtf8(s).length);
      }),
    );
  });
  it("decodeUtf8 rejects malformed input with WIRE_BAD_UTF8", () => {
    for (const bad of [[0xff], [0xc0, 0x80], [0xe2, 0x82], [0xed, 0xa0, 0x80]]) {
      try {
        decodeUtf8(Uint8Array.from(bad));
        expect.unreachable();
      } catch (e) {
        expect(M2MError.isInstance(e) && e.code).toBe("WIRE_BAD_UTF8");
      }
    }
  });
  it("keeps a BOM instead of silently dropping it", () => {
    expect(decodeUtf8(Uint8Array.of(0xef, 0xbb, 0xbf, 0x41))).toBe("\ufeffA");
  });
  it("truncateUtf8 never splits a character and fits the budget", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.nat(40), (s, max) => {
        const cut = truncateUtf8(s, max);
        expect(s.startsWith(cut)).toBe(true);
        expect(utf8Length(cut)).toBeLessThanOrEqual(max);
        expect(decodeUtf8(encodeUtf8(cut))).toBe(cut);
      }),
    );
    expect(truncateUtf8("héllo", 2)).toBe("h");
    expect(truncateUtf8("😀a", 3)).toBe("");
  });
});
