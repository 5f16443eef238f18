import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { capabilitiesArb } from "../test/arbitraries.js";
import { defaultCapabilities, negotiate, SecurityMode, validateCapabilities } from "./negotiate.js";

describe("negotiate", () => {
  it("is symmetric: both ends compute the same result (property)", () => {
    fc.assert(
      fc.property(capabilitiesArb, capabilitiesArb, (a, b) => {
        expect(negotiate(a, b)).toEqual(negotiate(b, a));
      }),
      { numRuns: 2000 },
    );
  });

  it("picks only what both sides offer, and the minimum of limits (property)", () => {
    fc.assert(
      fc.property(capabilitiesArb, capabilitiesArb, (a, b) => {
        validateCapabilities(a);
        const r = negotiate(a, b);
        if (!r.ok) return;
        const n = r.negotiated;
        expect(a.versions).toContain(n.version);
        expect(b.versions).toContain(n.version);
        for (const alg of n.algorithms)
          expect(a.algorithms.includes(alg) && b.algorithms.includes(alg)).toBe(true);
        expect(n.algorithm).toBe(n.algorithms[0]);
        expect(a.securityModes).toContain(n.securityMode);
        expect(b.securityModes).toContain(n.securityMode);
        expect(n.maxMessageBytes).toBe(Math.min(a.maxMessageBytes, b.maxMessageBytes));
        expect(n.idleTimeoutMs).toBe(Math.min(a.idleTimeoutMs, b.idleTimeoutMs));
      }),
      { numRuns: 1000 },
    );
  });

  it("settles on one algorithm where the reference let each side pick its own", () => {
    const a = { ...defaultCapabilities(), algorithms: ["tk", "brotli"] };
    const b = { ...defaultCapabilities(), algorithms: ["brotli", "tk"] };
    const ab = negotiate(a, b);
    const ba = negotiate(b, a);
    expect(ab).toEqual(ba);
    // Equal rank sums (0+1 each): the tie is broken by name.
    expect(ab.ok && ab.negotiated.algorithm).toBe("brotli");
  });

  it("takes the strongest common security mode, not the preferred one", () => {
    const a = { ...defaultCapabilities(), securityModes: [SecurityMode.NONE, SecurityMode.AEAD] };
    const b = { ...defaultCapabilities(), securityModes: [SecurityMode.NONE, SecurityMode.AEAD] };
    const r = negotiate(a, b);
    expect(r.ok && r.negotiated.securityMode).toBe("aead");
  });

  it.each([
    [{ versions: [2] }, "VERSION_MISMATCH"],
    [{ algorithms: ["zstd"] }, "NO_COMMON_ALGORITHM"],
    [{ securityModes: [SecurityMode.AEAD] }, "SECURITY_POLICY"],
  ] as const)("fails with %j → %s", (override, failure) => {
    const r = negotiate(defaultCapabilities(), { ...defaultCapabilities(), ...override });
    expect(r).toEqual({ ok: false, failure });
  });

  it("refuses malformed capabilities", () => {
    const base = defaultCapabilities();
    for (const bad of [
      { ...base, versions: [] },
      { ...base, versions: [0] },
      { ...base, algorithms: [] },
      { ...base, algorithms: ["a", "a"] },
      { ...base, algorithms: ["has space"] },
      { ...base, securityModes: ["tls" as "none"] },
      { ...base, maxMessageBytes: 0 },
      { ...base, idleTimeoutMs: 10 },
      { ...base, algorithms: Array.from({ length: 33 }, (_, i) => `a${i}`) },
    ]) {
      expect(() => validateCapabilities(bad)).toThrow(
        expect.objectContaining({ code: "SESSION_BAD_MESSAGE" }),
      );
    }
  });
});
