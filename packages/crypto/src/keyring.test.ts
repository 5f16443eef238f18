import { describe, expect, it } from "vitest";
import { errorCode as code } from "../test/error-code.js";
import { CryptoErrorCode } from "./errors.js";
import { Keyring } from "./keyring.js";

const k = (b: number): Uint8Array => new Uint8Array(32).fill(b);
describe("Keyring", () => {
  it("first key is current; lookup by id; copies the caller's key", () => {
    const ring = new Keyring();
    const mine = k(1);
    ring.add("a", mine);
    ring.add("b", k(2));
    mine.fill(9);
    expect(ring.current().id).toBe("a");
    expect(ring.current().key[0]).toBe(1);
    expect(ring.get("b")?.key[0]).toBe(2);
    expect(ring.get("zz")).toBeUndefined();
    expect(ring.ids()).toEqual(["a", "b"]);
  });

  it("rotation: new key current, old key valid until its grace ends, then wiped", () => {
    let now = 0;
    const ring = new Keyring({ now: () => now });
    ring.add("old", k(1));
    const oldKey = ring.current().key;
    ring.rotate("new", k(2), { graceMs: 100 });
    expect(ring.current().id).toBe("new");
    expect(ring.get("old")).toBeDefined();
    now = 100;
    expect(ring.get("old")).toBeDefined();
    now = 101;
    expect(ring.get("old")).toBeUndefined();
    expect(oldKey.every((b) => b === 0)).toBe(true);
    expect(ring.size).toBe(1);
  });

  it("graceMs 0 retires at once; setCurrent rolls back inside the grace period", () => {
    const ring = new Keyring();
    ring.add("a", k(1));
    ring.rotate("b", k(2), { graceMs: 0 });
    expect(ring.get("a")).toBeUndefined();
    ring.rotate("c", k(3));
    ring.setCurrent("b");
    expect(ring.current().id).toBe("b");
  });

  it("remove and destroy wipe keys", () => {
    const ring = new Keyring();
    ring.add("a", k(1));
    ring.add("b", k(2));
    const a = ring.get("a")!.key;
    const b = ring.get("b")!.key;
    ring.remove("a");
    expect(a.every((x) => x === 0)).toBe(true);
    ring.destroy();
    expect(b.every((x) => x === 0)).toBe(true);
    expect(code(() => ring.current())).toBe(CryptoErrorCode.INVALID_KEY);
  });

  it("refuses bad ids, bad sizes and duplicate ids", () => {
    const ring = new Keyring();
    expect(code(() => ring.add("", k(1)))).toBe(CryptoErrorCode.INVALID_KEY);
    expect(code(() => ring.add("has space", k(1)))).toBe(CryptoErrorCode.INVALID_KEY);
    expect(code(() => ring.add("a", new Uint8Array(31)))).toBe(CryptoErrorCode.INVALID_KEY);
    ring.add("a", k(1));
    expect(code(() => ring.add("a", k(2)))).toBe(CryptoErrorCode.INVALID_ARGUMENT);
    expect(code(() => ring.setCurrent("nope"))).toBe(CryptoErrorCode.INVALID_ARGUMENT);
  });
});
