import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { errorCode as code } from "../test/error-code.js";
import { CryptoErrorCode } from "./errors.js";
import { ReplayGuard } from "./replay-guard.js";

const nonce = (n: number): Uint8Array => Uint8Array.of(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff);

describe("ReplayGuard", () => {
  it("accepts fresh nonces once, per key id", () => {
    const g = new ReplayGuard({ now: () => 1000 });
    expect(code(() => g.check("a", 1000, nonce(1)))).toBe("ok");
    expect(code(() => g.check("a", 1000, nonce(1)))).toBe(CryptoErrorCode.REPLAY);
    expect(code(() => g.check("b", 1000, nonce(1)))).toBe("ok");
    expect(code(() => g.check("a", 1000, nonce(2)))).toBe("ok");
  });

  it("enforces the skew window in both directions, inclusive at the edge", () => {
    const g = new ReplayGuard({ skewMs: 100, now: () => 10_000 });
    expect(code(() => g.check("a", 9_899, nonce(1)))).toBe(CryptoErrorCode.REPLAY);
    expect(code(() => g.check("a", 10_101, nonce(2)))).toBe(CryptoErrorCode.REPLAY);
    expect(code(() => g.check("a", 9_900, nonce(3)))).toBe("ok");
    expect(code(() => g.check("a", 10_100, nonce(4)))).toBe("ok");
    expect(code(() => g.check("a", Number.NaN, nonce(5)))).toBe(CryptoErrorCode.REPLAY);
  });

  it("memory stays bounded and an evicted nonce is still refused (floor)", () => {
    let now = 1_000_000;
    const g = new ReplayGuard({ skewMs: 60_000, maxEntries: 100, now: () => now });
    for (let i = 0; i < 1000; i++) {
      now++;
      g.check("a", now, nonce(i));
      expect(g.size).toBeLessThanOrEqual(100);
    }
    // nonce(0) was evicted long ago; it is inside the skew window but at or below the floor.
    expect(code(() => g.check("a", 1_000_001, nonce(0)))).toBe(CryptoErrorCode.REPLAY);
    // the newest are still remembered
    expect(code(() => g.check("a", now, nonce(999)))).toBe(CryptoErrorCode.REPLAY);
    // a fresh frame still passes
    expect(code(() => g.check("a", now, nonce(5000)))).toBe("ok");
  });

  it("forgets entries the window refuses anyway", () => {
    let now = 0;
    const g = new ReplayGuard({ skewMs: 10, maxEntries: 10_000, now: () => now });
    for (let i = 0; i < 3000; i++) {
      now += 5;
      g.check("a", now, nonce(i));
    }
    expect(g.size).toBeLessThan(1100);
  });

  it("clear() keeps replays of forgotten frames refused", () => {
    const g = new ReplayGuard({ now: () => 5000 });
    g.check("a", 5000, nonce(1));
    g.clear();
    expect(g.size).toBe(0);
    expect(code(() => g.check("a", 5000, nonce(1)))).toBe(CryptoErrorCode.REPLAY);
  });

  it("validates options", () => {
    expect(code(() => new ReplayGuard({ skewMs: -1 }))).toBe(CryptoErrorCode.INVALID_ARGUMENT);
    expect(code(() => new ReplayGuard({ maxEntries: 0 }))).toBe(CryptoErrorCode.INVALID_ARGUMENT);
  });
});

describe("ReplayGuard property", () => {
  it("never accepts an exact replay (same key id, timestamp and nonce), whatever the clock and memory size", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 50 }),
        fc.array(
          fc.record({
            advance: fc.integer({ min: 0, max: 20 }),
            offset: fc.integer({ min: -60, max: 60 }),
            key: fc.constantFrom("a", "b"),
            nonce: fc.integer({ min: 0, max: 12 }),
          }),
          { maxLength: 200 },
        ),
        (maxEntries, skewMs, ops) => {
          let now = 1_000;
          const guard = new ReplayGuard({ maxEntries, skewMs, now: () => now });
          const accepted = new Set<string>();
          for (const op of ops) {
            now += op.advance;
            if (code(() => guard.check(op.key, now + op.offset, nonce(op.nonce))) === "ok") {
              const id = `${op.key}/${now + op.offset}/${op.nonce}`;
              expect(accepted.has(id)).toBe(false);
              accepted.add(id);
            }
            expect(guard.size).toBeLessThanOrEqual(maxEntries);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
