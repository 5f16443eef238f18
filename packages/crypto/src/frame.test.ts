import {
  decodeUtf8,
  decodeV1Frame,
  decodeV2Frame,
  encodeUtf8,
  M2MError,
  peekHeader,
  v1BinaryToText,
  v2BinaryToText,
} from "@m2m/wire";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { errorCode as code } from "../test/error-code.js";
import { KEY, OTHER_KEY, v1Frame, v2Frame } from "../test/fixtures.js";
import { CryptoErrorCode } from "./errors.js";
import { openFrame, openFrameDetailed, peekFrameSecurity, type ReceivePolicy, sealFrame } from "./frame.js";
import { Keyring } from "./keyring.js";
import { ReplayGuard } from "./replay-guard.js";

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const MODES = [
  { mode: "aead", cipher: "xchacha20-poly1305" },
  { mode: "aead", cipher: "chacha20-poly1305" },
  { mode: "hmac", cipher: undefined },
] as const;

describe("sealFrame / openFrame round trips", () => {
  it("v1: hmac and aead, binary and text form, restore the exact frame", () => {
    const plain = v1Frame();
    for (const mode of ["hmac", "aead"] as const) {
      const sealed = sealFrame(plain, KEY, { mode, cipher: "chacha20-poly1305" });
      expect(hex(openFrame(sealed, { require: mode, keys: [KEY] }))).toBe(hex(plain));
      const text = encodeUtf8(v1BinaryToText(plain));
      const sealedText = sealFrame(text, KEY, { mode, cipher: "chacha20-poly1305" });
      expect(decodeUtf8(sealedText).startsWith("#M2M|1|")).toBe(true);
      expect(decodeUtf8(openFrame(sealedText, { require: mode, keys: [KEY] }))).toBe(decodeUtf8(text));
    }
  });

  it("v1 AEAD defaults to ChaCha20-Poly1305 and refuses an explicit XChaCha request", () => {
    const sealed = sealFrame(v1Frame(), KEY);
    expect(decodeV1Frame(sealed).security).toBe(2);
    expect(code(() => sealFrame(v1Frame(), KEY, { cipher: "xchacha20-poly1305" }))).toBe(
      CryptoErrorCode.INVALID_ARGUMENT,
    );
  });

  it("v2: every mode round-trips (HMAC keeps the CRC, AEAD drops it)", () => {
    const plain = v2Frame();
    for (const { mode, cipher } of MODES) {
      const sealed = sealFrame(plain, KEY, { mode, ...(cipher ? { cipher } : {}) });
      const opened = openFrameDetailed(sealed, { require: mode, keys: [KEY] });
      expect(opened.keyId).toBe("k1");
      expect(opened.version).toBe(2);
      expect(opened.protection).toBe(mode);
      expect(opened.cipher).toBe(cipher ?? null);
      const frame = decodeV2Frame(opened.frame);
      expect(frame.security).toBeNull();
      expect(decodeUtf8(frame.payload)).toBe(
        '{"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}]}',
      );
      if (mode === "hmac") expect(hex(opened.frame)).toBe(hex(plain));
      else expect(hex(opened.frame)).toBe(hex(v2Frame(undefined, false)));
    }
  });

  it("v2 text form in, text form out", () => {
    const text = encodeUtf8(v2BinaryToText(v2Frame()));
    const sealed = sealFrame(text, KEY);
    expect(decodeUtf8(sealed).startsWith("#M2M|2|")).toBe(true);
    expect(decodeUtf8(openFrame(sealed, { require: "aead", keys: [KEY] }))).toBe(
      v2BinaryToText(v2Frame(undefined, false)),
    );
  });

  it("routers still read the header of a sealed frame", () => {
    for (const plain of [v1Frame(), v2Frame()]) {
      const header = peekHeader(sealFrame(plain, KEY));
      expect(JSON.stringify(header)).toContain("gpt-4o");
    }
  });

  it("AEAD actually hides the payload", () => {
    const sealed = sealFrame(
      v2Frame('{"model":"m","messages":[{"role":"user","content":"SECRET-WORD"}]}'),
      KEY,
    );
    expect(decodeUtf8Lossy(sealed)).not.toContain("SECRET-WORD");
  });

  it("property: any payload round-trips in every mode (v1 and v2)", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 300 }),
        fc.constantFrom(...MODES),
        fc.boolean(),
        (content, m, v1) => {
          const json = JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content }] });
          const plain = v1 ? v1Frame(json) : v2Frame(json, m.mode === "hmac");
          const options = v1
            ? { mode: m.mode, cipher: "chacha20-poly1305" as const }
            : { mode: m.mode, ...(m.cipher ? { cipher: m.cipher } : {}) };
          const sealed = sealFrame(plain, KEY, options);
          expect(hex(openFrame(sealed, { require: m.mode, keys: [KEY] }))).toBe(hex(plain));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("two seals of the same frame differ (random nonces)", () => {
    for (const { mode, cipher } of MODES) {
      const o = { mode, ...(cipher ? { cipher } : {}) };
      expect(hex(sealFrame(v2Frame(), KEY, o))).not.toBe(hex(sealFrame(v2Frame(), KEY, o)));
    }
  });
});

function decodeUtf8Lossy(b: Uint8Array): string {
  return new TextDecoder("utf-8", { fatal: false }).decode(b);
}

describe("receiver policy", () => {
  const v1h = sealFrame(v1Frame(), KEY, { mode: "hmac" });
  const v1a = sealFrame(v1Frame(), KEY, { mode: "aead" });
  const v2h = sealFrame(v2Frame(), KEY, { mode: "hmac" });
  const v2a = sealFrame(v2Frame(), KEY, { mode: "aead" });

  it("refuses frames that claim less protection than required (no downgrade)", () => {
    const cases: [Uint8Array, ReceivePolicy["require"]][] = [
      [v1Frame(), "hmac"],
      [v1Frame(), "aead"],
      [v1h, "aead"],
      [v2Frame(), "hmac"],
      [v2Frame(), "aead"],
      [v2h, "aead"],
    ];
    for (const [frame, require] of cases) {
      expect(code(() => openFrame(frame, { require, keys: [KEY] }))).toBe(CryptoErrorCode.POLICY_REFUSED);
    }
  });

  it("accepts stronger protection than required, and verifies it", () => {
    expect(openFrame(v2a, { require: "hmac", keys: [KEY] }).length).toBeGreaterThan(0);
    expect(openFrame(v2h, { require: "none", keys: [KEY] }).length).toBeGreaterThan(0);
    expect(code(() => openFrame(v2h, { require: "none", keys: [OTHER_KEY] }))).toBe(
      CryptoErrorCode.AUTH_FAILED,
    );
  });

  it("a protected frame without keys to check it fails authentication (never stripped silently)", () => {
    for (const f of [v1h, v1a, v2h, v2a]) {
      expect(code(() => openFrame(f, { require: "none" }))).toBe(CryptoErrorCode.AUTH_FAILED);
    }
  });

  it("accepts unprotected frames only when the policy says none", () => {
    expect(hex(openFrame(v2Frame(), { require: "none" }))).toBe(hex(v2Frame()));
    expect(hex(openFrame(v1Frame(), { require: "none" }))).toBe(hex(v1Frame()));
  });

  it("wrong key, wrong or unaccepted key id: one generic error with no detail", () => {
    const errors: M2MError[] = [];
    const attempts: [Uint8Array, ReceivePolicy][] = [
      [v2a, { require: "aead", keys: [OTHER_KEY] }],
      [v2a, { require: "aead", keys: [{ id: "k1", key: OTHER_KEY.key }] }],
      [v2h, { require: "hmac", keys: [{ id: "k1", key: OTHER_KEY.key }] }],
      [v2a, { require: "aead", keys: [KEY], acceptKeyIds: ["k2"] }],
      [v1a, { require: "aead", keys: [OTHER_KEY] }],
      [v1h, { require: "hmac", keys: [OTHER_KEY] }],
      [v1a, { require: "aead", keys: [KEY], acceptKeyIds: ["other"] }],
    ];
    for (const [f, p] of attempts) {
      try {
        openFrame(f, p);
        throw new Error("opened");
      } catch (e) {
        expect(M2MError.isInstance(e)).toBe(true);
        errors.push(e as M2MError);
      }
    }
    for (const e of errors) {
      expect(e.code).toBe(CryptoErrorCode.AUTH_FAILED);
      expect(e.message).toBe("frame authentication failed");
      expect(e.details).toBeUndefined();
      expect(e.cause).toBeUndefined();
    }
  });

  it("with a replay guard, refuses v1 and unprotected frames", () => {
    const replay = new ReplayGuard();
    for (const f of [v1h, v1a, v1Frame(), v2Frame()]) {
      expect(code(() => openFrame(f, { require: "none", keys: [KEY], replay }))).toBe(
        CryptoErrorCode.POLICY_REFUSED,
      );
    }
    expect(code(() => openFrame(v1a, { require: "aead", keys: [KEY], allowV1: false }))).toBe(
      CryptoErrorCode.POLICY_REFUSED,
    );
  });

  it("refuses a second open of the same frame (replay) but not two distinct seals", () => {
    const replay = new ReplayGuard();
    const policy: ReceivePolicy = { require: "aead", keys: [KEY], replay };
    openFrame(v2a, policy);
    expect(code(() => openFrame(v2a, policy))).toBe(CryptoErrorCode.REPLAY);
    openFrame(sealFrame(v2Frame(), KEY), policy);
    const h1 = sealFrame(v2Frame(), KEY, { mode: "hmac" });
    openFrame(h1, { ...policy, require: "hmac" });
    expect(code(() => openFrame(h1, { ...policy, require: "hmac" }))).toBe(CryptoErrorCode.REPLAY);
  });

  it("refuses stale and future timestamps", () => {
    let now = 1_800_000_000_000;
    const replay = new ReplayGuard({ skewMs: 60_000, now: () => now });
    const policy: ReceivePolicy = { require: "aead", keys: [KEY], replay };
    const at = (t: number) => sealFrame(v2Frame(), KEY, { now: () => t });
    expect(code(() => openFrame(at(now - 60_001), policy))).toBe(CryptoErrorCode.REPLAY);
    expect(code(() => openFrame(at(now + 60_001), policy))).toBe(CryptoErrorCode.REPLAY);
    openFrame(at(now - 60_000), policy);
    openFrame(at(now + 60_000), policy);
    const old = at(now);
    now += 120_000;
    expect(code(() => openFrame(old, policy))).toBe(CryptoErrorCode.REPLAY);
  });

  it("replay memory is only touched by authentic frames", () => {
    const replay = new ReplayGuard();
    const forged = sealFrame(v2Frame(), { id: "k1", key: OTHER_KEY.key });
    expect(code(() => openFrame(forged, { require: "aead", keys: [KEY], replay }))).toBe(
      CryptoErrorCode.AUTH_FAILED,
    );
    expect(replay.size).toBe(0);
  });

  it("keyring lookup by the frame's key id, with rotation grace", () => {
    let now = 1_000;
    const ring = new Keyring({ now: () => now });
    ring.add("old", KEY.key);
    const fromOld = sealFrame(v2Frame(), ring.current());
    ring.rotate("new", OTHER_KEY.key, { graceMs: 1_000 });
    const fromNew = sealFrame(v2Frame(), ring.current());
    expect(openFrameDetailed(fromOld, { require: "aead", keys: ring }).keyId).toBe("old");
    expect(openFrameDetailed(fromNew, { require: "aead", keys: ring }).keyId).toBe("new");
    now += 1_001;
    expect(code(() => openFrame(fromOld, { require: "aead", keys: ring }))).toBe(CryptoErrorCode.AUTH_FAILED);
    expect(openFrameDetailed(fromNew, { require: "aead", keys: ring }).keyId).toBe("new");
  });

  it("v1 frames: the receiver tries each keyring key (no key id on the wire)", () => {
    const ring = new Keyring();
    ring.add("a", OTHER_KEY.key);
    ring.add("b", KEY.key);
    expect(openFrameDetailed(v1a, { require: "aead", keys: ring }).keyId).toBe("b");
  });
});

describe("argument errors", () => {
  it("refuses bad keys precisely, without echoing key bytes", () => {
    const bad = [
      { id: "k1", key: new Uint8Array(16) },
      { id: "k1", key: new Uint8Array(33) },
      { id: "", key: new Uint8Array(32) },
      { id: "bad id!", key: new Uint8Array(32) },
      { id: "k1", key: "00".repeat(32) },
      { id: "k1", key: new Uint8Array(32) },
    ];
    for (const k of bad) {
      expect(code(() => sealFrame(v2Frame(), k as never))).toBe(CryptoErrorCode.INVALID_KEY);
    }
  });

  it("a key wiped by the keyring can no longer seal or open", () => {
    const ring = new Keyring();
    ring.add("k", KEY.key);
    const held = ring.current();
    const sealed = sealFrame(v2Frame(), held);
    ring.remove("k");
    expect(code(() => sealFrame(v2Frame(), held))).toBe(CryptoErrorCode.INVALID_KEY);
    expect(code(() => openFrame(sealed, { require: "aead", keys: [held] }))).toBe(
      CryptoErrorCode.AUTH_FAILED,
    );
  });

  it("refuses to seal an already protected frame, wrong nonce lengths, unknown modes", () => {
    const sealed = sealFrame(v2Frame(), KEY);
    expect(code(() => sealFrame(sealed, KEY))).toBe(CryptoErrorCode.INVALID_ARGUMENT);
    expect(code(() => sealFrame(sealFrame(v1Frame(), KEY), KEY))).toBe(CryptoErrorCode.INVALID_ARGUMENT);
    expect(code(() => sealFrame(v2Frame(), KEY, { nonce: new Uint8Array(12) }))).toBe(
      CryptoErrorCode.INVALID_ARGUMENT,
    );
    expect(code(() => sealFrame(v2Frame(), KEY, { mode: "rot13" as never }))).toBe(
      CryptoErrorCode.INVALID_ARGUMENT,
    );
    expect(code(() => openFrame(sealed, { require: "max" as never }))).toBe(CryptoErrorCode.INVALID_ARGUMENT);
    expect(code(() => sealFrame(encodeUtf8("hello"), KEY))).toBe("WIRE_BAD_PREFIX");
  });
});

describe("peekFrameSecurity", () => {
  it("reports the claimed protection, cipher, key id and timestamp without verifying", () => {
    const sealed = sealFrame(v2Frame(), KEY, { now: () => 1234 });
    expect(peekFrameSecurity(sealed)).toEqual({
      version: 2,
      protection: "aead",
      cipher: "xchacha20-poly1305",
      keyId: "k1",
      timestamp: 1234,
    });
    expect(peekFrameSecurity(sealFrame(v1Frame(), KEY, { mode: "hmac" }))).toEqual({
      version: 1,
      protection: "hmac",
      cipher: null,
      keyId: null,
      timestamp: null,
    });
    expect(peekFrameSecurity(v2Frame()).protection).toBe("none");
  });
});

describe("pluggable key sources and replay memory", () => {
  it("accepts any object with get/all and any replay checker with check", () => {
    const seen: string[] = [];
    const source = { get: (id: string) => (id === "k1" ? KEY : undefined), all: () => [KEY] };
    const checker = {
      check: (keyId: string) => {
        seen.push(keyId);
      },
    };
    openFrame(sealFrame(v2Frame(), KEY), { require: "aead", keys: source, replay: checker });
    expect(seen).toEqual(["k1"]);
    expect(code(() => openFrame(sealFrame(v2Frame(), KEY), { require: "aead", keys: {} as never }))).toBe(
      CryptoErrorCode.INVALID_ARGUMENT,
    );
    expect(
      code(() => openFrame(sealFrame(v2Frame(), KEY), { require: "aead", keys: [KEY], replay: {} as never })),
    ).toBe(CryptoErrorCode.INVALID_ARGUMENT);
  });
});
