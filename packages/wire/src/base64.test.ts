import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { errorCode } from "../test/error-code.js";
import { decodeBase64, encodeBase64, isBase64Char } from "./base64.js";

describe("base64", () => {
  it.each([
    ["", ""],
    ["f", "Zg=="],
    ["fo", "Zm8="],
    ["foo", "Zm9v"],
    ["foob", "Zm9vYg=="],
    ["fooba", "Zm9vYmE="],
    ["foobar", "Zm9vYmFy"],
  ])("RFC 4648 vector %j", (plain, encoded) => {
    expect(encodeBase64(new TextEncoder().encode(plain))).toBe(encoded);
    expect(new TextDecoder().decode(decodeBase64(encoded))).toBe(plain);
  });

  it("agrees with Buffer on random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const text = encodeBase64(bytes);
        expect(text).toBe(Buffer.from(bytes).toString("base64"));
        expect(decodeBase64(text)).toEqual(bytes);
      }),
    );
  });

  it.each([
    ["bad length", "abc"],
    ["whitespace", "Zm9v\n"],
    ["inner space", "Zm 9v"],
    ["url-safe alphabet", "Zm-_"],
    ["missing padding", "Zg"],
    ["padding in the middle", "Zg==Zm9v"],
    ["three pads", "Z==="],
    ["non-zero trailing bits (1 pad)", "Zm9="],
    ["non-zero trailing bits (2 pads)", "Zh=="],
    ["non-ASCII", "Zm9\u00e9"],
    ["wide char aliasing 'A'", "Zm9\u0141"],
  ])("rejects %s", (_, text) => {
    expect(errorCode(() => decodeBase64(text))).toBe("WIRE_BAD_BASE64");
  });

  it("decodes a slice without copying the string", () => {
    expect(new TextDecoder().decode(decodeBase64("xxZm9vyy", 2, 6))).toBe("foo");
  });

  it("classifies alphabet characters", () => {
    expect([..."Az09+/"].every((c) => isBase64Char(c.charCodeAt(0)))).toBe(true);
    expect(["=", "-", "_", " ", "\u0100"].some((c) => isBase64Char(c.charCodeAt(0)))).toBe(false);
  });
});
