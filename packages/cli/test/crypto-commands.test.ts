import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { peekFrameSecurity, sealFrame } from "@m2m/crypto";
import { crc32, encodeV2Frame, routingHeaderFrom } from "@m2m/wire";
import { describe, expect, it } from "vitest";

const bin = join(import.meta.dirname, "../dist/bin.js");
const run = (args: string[], input?: string | Uint8Array) =>
  spawnSync(process.execPath, [bin, ...args], input === undefined ? {} : { input });

// seed-codec.md §13.2: the 62-byte "Hi" request and its HMAC frame under key 32×0x42.
const HI =
  "#M2M|1|IgABAAAAAAAAAAAAAAAAAAAAAAAGZ3B0LTRvAQECCtejOz4AAABuYFWkeyJtb2RlbCI6ImdwdC00byIsIm1lc3NhZ2VzIjpbeyJyb2xlIjoidXNlciIsImNvbnRlbnQiOiJIaSJ9XX0=";
const HI_HMAC =
  "#M2M|1|IgABAQAAAAAAAAAAAAAAAAAAAAAGZ3B0LTRvAQECCtejOz4AAABuYFWkeyJtb2RlbCI6ImdwdC00byIsIm1lc3NhZ2VzIjpbeyJyb2xlIjoidXNlciIsImNvbnRlbnQiOiJIaSJ9XX32hBjyzhkGGaLEzPY18OnpwGUaO7vGYnA32mMOFrxmcg==";
const KEY = "42".repeat(32);
const KEY_B64 = Buffer.alloc(32, 0x42).toString("base64");

describe("m2m keygen / key derive", () => {
  it("keygen prints a fresh 32-byte key in hex or base64", () => {
    const a = run(["keygen"]);
    const b = run(["keygen"]);
    expect(a.status).toBe(0);
    expect(a.stdout.toString()).toMatch(/^[0-9a-f]{64}\n$/);
    expect(a.stdout.toString()).not.toBe(b.stdout.toString());
    const c = run(["keygen", "--format", "base64"]);
    expect(Buffer.from(c.stdout.toString().trim(), "base64").length).toBe(32);
  });

  it("keygen --type x25519 prints a key pair", () => {
    const out = JSON.parse(run(["keygen", "--type", "x25519"]).stdout.toString());
    expect(out.privateKey).toMatch(/^[0-9a-f]{64}$/);
    expect(out.publicKey).toMatch(/^[0-9a-f]{64}$/);
  });

  it("key derive reproduces the reference vector", () => {
    const master = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    const r = run(["key", "derive", "--master", master, "--path", "m2m/v1/test-org/agent-001"]);
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toBe("c87f687fae1cf5991cd0cc64e113ec09750b0d1c41338a41cd8ad90bdd60dba1\n");
  });

  it("key derive: bad master or path → exit 2, and the master is never printed", () => {
    const secret = "ab".repeat(8);
    const r = run(["key", "derive", "--master", secret, "--path", "m2m/v1/o/a"]);
    expect(r.status).toBe(2);
    expect(r.stderr.toString()).not.toContain(secret);
    const p = run(["key", "derive", "--master", KEY, "--path", "not/a/path"]);
    expect(p.status).toBe(2);
    expect(p.stderr.toString()).not.toContain(KEY);
  });
});

describe("m2m seal / open", () => {
  it("seal --mode hmac reproduces the reference HMAC frame; open restores the input", () => {
    const sealed = run(["seal", "--key", KEY, "--mode", "hmac"], `${HI}\n`);
    expect(sealed.status).toBe(0);
    expect(sealed.stdout.toString()).toBe(`${HI_HMAC}\n`);
    const opened = run(["open", "--key", KEY_B64], sealed.stdout);
    expect(opened.status).toBe(0);
    expect(opened.stdout.toString()).toBe(`${HI}\n`);
  });

  it("aead round trip (default), binary frames stay binary, key from a file", () => {
    const dir = mkdtempSync(join(tmpdir(), "m2m-crypto-"));
    const keyFile = join(dir, "key");
    writeFileSync(keyFile, `${KEY}\n`);
    const binary = Buffer.concat([Buffer.from("#M2M|1|"), Buffer.from(HI.slice(7), "base64")]);
    const sealed = run(["seal", "--key-file", keyFile], binary);
    expect(sealed.status).toBe(0);
    expect(sealed.stdout.subarray(0, 7).toString()).toBe("#M2M|1|");
    const opened = run(["open", "--key-file", keyFile, "--require", "aead"], sealed.stdout);
    expect(opened.status).toBe(0);
    expect(Buffer.compare(opened.stdout, binary)).toBe(0);
  });

  it("authentication failure → exit 1 with the generic message; the key is never printed", () => {
    const tampered = HI_HMAC.replace("IgABAQ", "IgABAR");
    const wrongKey = "17".repeat(32);
    for (const [args, input] of [
      [["open", "--key", wrongKey], HI_HMAC],
      [["open", "--key", KEY, "--require", "aead"], HI_HMAC],
      [["open", "--key", KEY, "--require", "hmac"], HI],
    ] as const) {
      const r = run([...args], input);
      expect(r.status).toBe(1);
      expect(r.stderr.toString()).toMatch(/CRYPTO_(AUTH_FAILED|POLICY_REFUSED)/);
      expect(r.stderr.toString()).not.toContain(wrongKey);
      expect(r.stderr.toString()).not.toContain(KEY);
    }
    const t = run(["open", "--key", KEY], tampered);
    expect([1, 2]).toContain(t.status);
  });

  it("bad input → exit 2", () => {
    expect(run(["seal", "--key", KEY], "not a frame").status).toBe(2);
    expect(run(["seal", "--key", "abcd"], HI).status).toBe(2);
    expect(run(["seal"], HI).status).toBe(2);
    expect(run(["open", "--key", KEY], "#M2M|1|@@@").status).toBe(2);
  });
});

describe("m2m seal / open on v2 frames", () => {
  const json = new TextEncoder().encode('{"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}]}');
  const v2 = encodeV2Frame({
    schema: 1,
    codec: 0,
    routing: routingHeaderFrom(JSON.parse(new TextDecoder().decode(json))),
    originalLength: json.length,
    crc32: crc32(json),
    payload: json,
  });

  it("seal → open with a key id; a different --key-id is refused (exit 1)", () => {
    const sealed = run(["seal", "--key", KEY, "--key-id", "team-a"], Buffer.from(v2));
    expect(sealed.status).toBe(0);
    expect(peekFrameSecurity(new Uint8Array(sealed.stdout)).keyId).toBe("team-a");
    const opened = run(["open", "--key", KEY, "--require", "aead", "--max-skew", "60"], sealed.stdout);
    expect(opened.status).toBe(0);
    expect(new Uint8Array(opened.stdout).subarray(-json.length)).toEqual(json);
    expect(run(["open", "--key", KEY, "--key-id", "team-b"], sealed.stdout).status).toBe(1);
  });

  it("--max-skew refuses a stale frame with exit 1", () => {
    const old = sealFrame(v2, { id: "default", key: Buffer.alloc(32, 0x42) }, { now: () => 1_000_000 });
    const r = run(["open", "--key", KEY, "--max-skew", "60"], old);
    expect(r.status).toBe(1);
    expect(r.stderr.toString()).toContain("CRYPTO_REPLAY");
    expect(run(["open", "--key", KEY], old).status).toBe(0);
  });
});
