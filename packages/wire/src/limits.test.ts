import { describe, expect, it } from "vitest";
import { errorCode } from "../test/error-code.js";
import { checkLimit, DEFAULT_LIMITS, resolveLimits } from "./limits.js";

describe("limits", () => {
  it("defaults are the documented values", () => {
    expect(DEFAULT_LIMITS).toEqual({
      maxFrameBytes: 16 * 1024 * 1024,
      maxDecodedBytes: 16 * 1024 * 1024,
      maxModelBytes: 1024,
      maxMessages: 100_000,
      maxJsonDepth: 64,
      maxArrayLength: 100_000,
    });
  });
  it("merges overrides, returns resolved objects unchanged, ignores undefined", () => {
    const r = resolveLimits({ maxFrameBytes: 10, maxMessages: undefined } as never);
    expect(r).toEqual({ ...DEFAULT_LIMITS, maxFrameBytes: 10 });
    expect(resolveLimits(r)).toBe(r);
    expect(resolveLimits({})).toBe(DEFAULT_LIMITS);
    expect(resolveLimits()).toBe(DEFAULT_LIMITS);
  });
  it.each([-1, 1.5, Number.NaN, 2 ** 53])("rejects %s", (value) => {
    expect(errorCode(() => resolveLimits({ maxFrameBytes: value }))).toBe("WIRE_INVALID_ARGUMENT");
  });
  it("checkLimit names the limit", () => {
    expect(errorCode(() => checkLimit("maxFrameBytes", 11, 10))).toBe("WIRE_LIMIT_EXCEEDED");
    expect(errorCode(() => checkLimit("maxFrameBytes", 10, 10))).toBe("NO_ERROR");
  });
});
