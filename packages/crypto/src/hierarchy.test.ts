import { describe, expect, it } from "vitest";
import { errorCode as code } from "../test/error-code.js";
import { fromHex, toHex } from "./bytes.js";
import { CryptoErrorCode } from "./errors.js";
import { deriveKey, KeyHierarchy } from "./hierarchy.js";

const MASTER = fromHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
describe("key hierarchy", () => {
  const h = new KeyHierarchy(MASTER, "test-org");

  it("reproduces the published reference vector exactly", () => {
    expect(toHex(h.agentKey("agent-001"))).toBe(
      "c87f687fae1cf5991cd0cc64e113ec09750b0d1c41338a41cd8ad90bdd60dba1",
    );
    expect(toHex(deriveKey(MASTER, "m2m/v1/test-org/agent-001"))).toBe(
      "c87f687fae1cf5991cd0cc64e113ec09750b0d1c41338a41cd8ad90bdd60dba1",
    );
  });

  it("class and function agree for every path (the reference's two APIs did not)", () => {
    expect(toHex(h.orgKey())).toBe(toHex(deriveKey(MASTER, "m2m/v1/test-org")));
    expect(toHex(h.purposeKey("agent-001", "encryption"))).toBe(
      "a15e8160cd4d469ad635bfc0d5cfd9bdd605ca2db11e5a33ea46425fff554ddd",
    );
    expect(toHex(h.sessionKey("bob", "alice", "sess-001"))).toBe(
      "566465b44cf9b0045ca4dbd60f2330462d332893aeb5ad89a0baf1ab52859375",
    );
    expect(toHex(h.sharedKey())).toBe("3d5923e5674e21bf372b4c96ba88a89a6116ade50739d0f478016a22b0faa7e2");
  });

  it("no agent can be named after the shared key (or the session subtree)", () => {
    expect(code(() => h.agentKey("shared"))).toBe(CryptoErrorCode.INVALID_ARGUMENT);
    expect(code(() => h.agentKey("session"))).toBe(CryptoErrorCode.INVALID_ARGUMENT);
    expect(code(() => h.purposeKey("shared", "identity"))).toBe(CryptoErrorCode.INVALID_ARGUMENT);
    expect(code(() => h.sessionKey("shared", "bob", "s"))).toBe(CryptoErrorCode.INVALID_ARGUMENT);
  });

  it("directional session keys: mirror images, distinct per direction and from the bidirectional key", () => {
    const alice = h.directionalSessionKeys("alice", "bob", "sess-001");
    const bob = h.directionalSessionKeys("bob", "alice", "sess-001");
    expect(toHex(alice.send)).toBe(toHex(bob.receive));
    expect(toHex(alice.receive)).toBe(toHex(bob.send));
    expect(toHex(alice.send)).not.toBe(toHex(alice.receive));
    expect(toHex(alice.send)).not.toBe(toHex(h.sessionKey("alice", "bob", "sess-001")));
  });

  it("validates ids, paths and master size", () => {
    expect(code(() => h.agentKey("a/b"))).toBe(CryptoErrorCode.INVALID_ARGUMENT);
    expect(code(() => h.agentKey(""))).toBe(CryptoErrorCode.INVALID_ARGUMENT);
    expect(code(() => h.agentKey("x".repeat(129)))).toBe(CryptoErrorCode.INVALID_ARGUMENT);
    expect(code(() => h.purposeKey("a", "other" as never))).toBe(CryptoErrorCode.INVALID_ARGUMENT);
    expect(code(() => h.sessionKey("a", "a", "s"))).toBe(CryptoErrorCode.INVALID_ARGUMENT);
    expect(code(() => deriveKey(MASTER, "m2m/v2/x"))).toBe(CryptoErrorCode.INVALID_ARGUMENT);
    expect(code(() => deriveKey(MASTER, "m2m/v1/"))).toBe(CryptoErrorCode.INVALID_ARGUMENT);
    expect(code(() => deriveKey(new Uint8Array(16), "m2m/v1/x"))).toBe(CryptoErrorCode.INVALID_ARGUMENT);
    expect(code(() => new KeyHierarchy(MASTER, "bad org"))).toBe(CryptoErrorCode.INVALID_ARGUMENT);
  });

  it("destroy wipes the master copy", () => {
    const own = new KeyHierarchy(MASTER, "o");
    own.destroy();
    expect(code(() => own.orgKey())).toBe(CryptoErrorCode.INVALID_ARGUMENT);
    expect(MASTER[1]).toBe(1); // the caller's copy is untouched
  });
});
