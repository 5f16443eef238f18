import { describe, expect, it } from "vitest";
import { errorCode } from "../test/error-code.js";
import { checkJsonLimits, parseJsonLimited } from "./json-limits.js";

const limits = { maxJsonDepth: 4, maxArrayLength: 3 };

describe("JSON limits", () => {
  it("accepts JSON within the limits, ignoring brackets inside strings", () => {
    expect(parseJsonLimited('{"a":[1,2,3],"b":"[[[[[[,,,,"}', limits)).toEqual({
      a: [1, 2, 3],
      b: "[[[[[[,,,,",
    });
    expect(parseJsonLimited('[[[["\\"]"]]]]', limits)).toEqual([[[['"]']]]]);
    expect(parseJsonLimited("[ ]", limits)).toEqual([]);
  });
  it("refuses depth and array length over the limits before parsing", () => {
    expect(errorCode(() => checkJsonLimits("[[[[[1]]]]]", limits))).toBe("WIRE_LIMIT_EXCEEDED");
    expect(errorCode(() => checkJsonLimits("[1,2,3,4]", limits))).toBe("WIRE_LIMIT_EXCEEDED");
    expect(errorCode(() => checkJsonLimits('{"a":1,"b":2,"c":3,"d":4}', limits))).toBe("NO_ERROR");
    expect(
      errorCode(() => checkJsonLimits("[".repeat(1_000_000), { maxJsonDepth: 64, maxArrayLength: 10 })),
    ).toBe("WIRE_LIMIT_EXCEEDED");
  });
  it("reports syntax errors as WIRE_BAD_JSON", () => {
    expect(errorCode(() => parseJsonLimited("{", limits))).toBe("WIRE_BAD_JSON");
  });
});
