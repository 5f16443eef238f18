import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeUtf8, encodeUtf8, M2MError } from "@m2m/wire";
import { chacha20poly1305, xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { x25519 } from "@noble/curves/ed25519.js";
import { describe, expect, it } from "vitest";
import {
  deriveKey,
  fromHex,
  hkdfSha256,
  hmacSha256,
  KeyHierarchy,
  openFrame,
  sealFrame,
  toHex,
  x25519SharedSecret,
} from "../src/index.js";

const VECTORS = join(dirname(fileURLToPath(import.meta.url)), "../../../spec/vectors");

type Vector = Record<string, unknown> & { kind: string; name: string };
interface VectorFile {
  suite: string;
  provenance: string;
  vectors: Vector[];
}

const s = (v: Vector, k: string): string => {
  const value = v[k];
  if (typeof value !== "string") throw new Error(`vector "${v.name}": field ${k} missing`);
  return value;
};
const h = (v: Vector, k: string): Uint8Array => fromHex(s(v, k));

function expectCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (e) {
    expect(M2MError.isInstance(e)).toBe(true);
    expect((e as M2MError).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

const RUNNERS: Record<string, (v: Vector) => void> = {
  aead(v) {
    const make = s(v, "cipher") === "xchacha20-poly1305" ? xchacha20poly1305 : chacha20poly1305;
    if (!["xchacha20-poly1305", "chacha20-poly1305"].includes(s(v, "cipher")))
      throw new Error("unknown cipher");
    const sealed = make(h(v, "key"), h(v, "nonce"), h(v, "aad")).encrypt(h(v, "plaintext"));
    expect(toHex(sealed)).toBe(s(v, "ciphertext") + s(v, "tag"));
    const opened = make(h(v, "key"), h(v, "nonce"), h(v, "aad")).decrypt(sealed);
    expect(toHex(opened)).toBe(s(v, "plaintext"));
  },
  hkdf(v) {
    const out = hkdfSha256(h(v, "ikm"), h(v, "salt"), h(v, "info"), v.length as number);
    expect(toHex(out)).toBe(s(v, "okm"));
    // PRK = HMAC(salt or 32 zero bytes, IKM): RFC 5869 §2.2.
    const salt = h(v, "salt");
    expect(toHex(hmacSha256(salt.length ? salt : new Uint8Array(32), h(v, "ikm")))).toBe(s(v, "prk"));
  },
  hmac(v) {
    const mac = hmacSha256(h(v, "key"), h(v, "data"));
    const truncate = (v.truncate as number | undefined) ?? 32;
    expect(toHex(mac.subarray(0, truncate))).toBe(s(v, "mac"));
  },
  x25519(v) {
    expect(toHex(x25519SharedSecret(h(v, "scalar"), h(v, "u")))).toBe(s(v, "output"));
  },
  "x25519-iterated"(v) {
    let k: Uint8Array = fromHex(`09${"00".repeat(31)}`);
    let u: Uint8Array = k.slice();
    for (let i = 0; i < (v.iterations as number); i++) {
      const next = x25519.scalarMult(k, u);
      u = k;
      k = next;
    }
    expect(toHex(k)).toBe(s(v, "output"));
  },
  "x25519-dh"(v) {
    expect(toHex(x25519.getPublicKey(h(v, "alicePrivate")))).toBe(s(v, "alicePublic"));
    expect(toHex(x25519.getPublicKey(h(v, "bobPrivate")))).toBe(s(v, "bobPublic"));
    expect(toHex(x25519SharedSecret(h(v, "alicePrivate"), h(v, "bobPublic")))).toBe(s(v, "shared"));
    expect(toHex(x25519SharedSecret(h(v, "bobPrivate"), h(v, "alicePublic")))).toBe(s(v, "shared"));
  },
  "x25519-low-order"(v) {
    expectCode(() => x25519SharedSecret(fromHex("77".repeat(32)), h(v, "u")), s(v, "error"));
  },
  "derive-key"(v) {
    expect(toHex(deriveKey(h(v, "master"), s(v, "path")))).toBe(s(v, "output"));
  },
  "derive-refused"(v) {
    const hierarchy = new KeyHierarchy(h(v, "master"), s(v, "org"));
    expectCode(() => hierarchy.agentKey(s(v, "agent")), s(v, "error"));
  },
  "v1-seal"(v) {
    const key = { id: "ref", key: h(v, "key") };
    const mode = s(v, "mode") as "hmac" | "aead";
    const options =
      v.nonce === undefined ? { mode } : { mode, nonce: h(v, "nonce"), cipher: "chacha20-poly1305" as const };
    const sealed = sealFrame(encodeUtf8(s(v, "input")), key, options);
    if (v.output !== undefined) expect(decodeUtf8(sealed)).toBe(s(v, "output"));
    else expect(toHex(encodeUtf8(`#M2M|1|`)) + toHex(fromBase64Body(sealed))).toBe(s(v, "outputHex"));
    expect(decodeUtf8(openFrame(sealed, { require: mode, keys: [key] }))).toBe(s(v, "input"));
  },
  "v2-seal"(v) {
    const key = { id: s(v, "keyId"), key: h(v, "key") };
    const mode = s(v, "mode") as "hmac" | "aead";
    const cipher = v.cipher as "xchacha20-poly1305" | "chacha20-poly1305" | undefined;
    const sealed = sealFrame(h(v, "input"), key, {
      mode,
      ...(cipher ? { cipher } : {}),
      nonce: h(v, "nonce"),
      now: () => v.timestamp as number,
    });
    expect(toHex(sealed)).toBe(s(v, "output"));
    expect(toHex(openFrame(sealed, { require: mode, keys: [key] }))).toBe(s(v, "opened"));
  },
  "open-error"(v) {
    const key = { id: s(v, "keyId"), key: h(v, "key") };
    const require = s(v, "require") as "none" | "hmac" | "aead";
    expectCode(() => openFrame(h(v, "frame"), { require, keys: [key] }), s(v, "error"));
  },
};

/** The text-form output of sealFrame, back to binary bytes after the prefix. */
function fromBase64Body(text: Uint8Array): Uint8Array {
  const str = decodeUtf8(text);
  return Uint8Array.from(atob(str.slice(7)), (c) => c.charCodeAt(0));
}

const files = readdirSync(VECTORS)
  .filter((f) => f.endsWith(".json"))
  .map((f) => ({ file: f, data: JSON.parse(readFileSync(join(VECTORS, f), "utf8")) as VectorFile }))
  .filter(({ data }) => typeof data.suite === "string" && data.suite.startsWith("crypto/"));

describe("spec/vectors conformance (crypto/*)", () => {
  it("finds the crypto vector files", () => {
    expect(files.length).toBeGreaterThanOrEqual(7);
  });
  for (const { file, data } of files) {
    describe(`${file} (${data.suite})`, () => {
      it("has provenance and vectors", () => {
        expect(data.provenance.length).toBeGreaterThan(20);
        expect(data.vectors.length).toBeGreaterThan(0);
      });
      for (const v of data.vectors) {
        it(`${v.kind}: ${v.name}`, () => {
          const run = RUNNERS[v.kind];
          if (!run) throw new Error(`unknown vector kind "${v.kind}" in ${file}`);
          run(v);
        });
      }
    });
  }
});
