import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { deriveHandshake } from "../src/handshake.js";
import {
  type Capabilities,
  decodeMessage,
  encodeMessage,
  negotiate,
  parseReferenceEnvelope,
  type SessionMessage,
  transcriptHash,
  writeReferenceEnvelope,
} from "../src/index.js";

const dir = resolve(dirname(fileURLToPath(import.meta.url)), "../../../spec/vectors");
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const unhex = (h: string) => new Uint8Array(Buffer.from(h, "hex"));
const BYTE_FIELDS = new Set(["nonce", "sessionId", "ephemeral", "static", "proof", "body"]);

function revive(value: unknown): SessionMessage {
  return JSON.parse(JSON.stringify(value), (key, v) =>
    BYTE_FIELDS.has(key) && typeof v === "string" ? unhex(v) : v,
  );
}

interface Vector {
  readonly kind: string;
  readonly name: string;
  readonly [key: string]: unknown;
}

const files = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .map((f) => ({
    file: f,
    data: JSON.parse(readFileSync(join(dir, f), "utf8")) as { suite: string; vectors: Vector[] },
  }))
  .filter(({ data }) => typeof data.suite === "string" && data.suite.startsWith("session/"));

function check(v: Vector): void {
  switch (v.kind) {
    case "message": {
      const decoded = decodeMessage(unhex(v.hex as string));
      expect(decoded).toEqual(revive(v.message));
      expect(hex(encodeMessage(revive(v.message)))).toBe(v.hex);
      return;
    }
    case "message-error":
      expect(() => decodeMessage(unhex(v.hex as string))).toThrow(expect.objectContaining({ code: v.error }));
      return;
    case "negotiate": {
      const r = negotiate(v.a as Capabilities, v.b as Capabilities);
      const expected = v.result as { failure?: string };
      expect(r.ok ? r.negotiated : { failure: r.failure }).toEqual(expected);
      const reversed = negotiate(v.b as Capabilities, v.a as Capabilities);
      expect(reversed).toEqual(r);
      return;
    }
    case "handshake-keys": {
      const h = transcriptHash(unhex(v.hello as string), unhex(v.acceptWithoutProof as string));
      expect(hex(h)).toBe(v.transcriptHash);
      const d = deriveHandshake(unhex(v.ee as string), unhex(v.es as string), unhex(v.se as string), h);
      expect(hex(d.responderProof)).toBe(v.responderProof);
      expect(hex(d.initiatorProof)).toBe(v.initiatorProof);
      expect(hex(d.initiatorToResponder)).toBe(v.initiatorToResponder);
      expect(hex(d.responderToInitiator)).toBe(v.responderToInitiator);
      return;
    }
    case "envelope-roundtrip":
      expect(writeReferenceEnvelope(parseReferenceEnvelope(v.json as string))).toBe(v.json);
      return;
    case "envelope-parse": {
      const parsed = parseReferenceEnvelope(v.json as string);
      if (v.expected !== null) expect(parsed).toEqual(v.expected);
      expect(writeReferenceEnvelope(parsed)).toBe(v.written);
      return;
    }
    case "envelope-error":
      expect(() => parseReferenceEnvelope(v.json as string)).toThrow(
        expect.objectContaining({ code: v.error }),
      );
      return;
    default:
      throw new Error(`unknown vector kind "${v.kind}" in session conformance`);
  }
}

describe("spec/vectors conformance (session/*)", () => {
  it("finds the session vector files", () => {
    expect(files.map((f) => f.data.suite).sort()).toEqual(["session/envelope", "session/messages"]);
  });
  for (const { file, data } of files) {
    it.each(data.vectors.map((v) => [v.kind, v.name, v] as const))(`${file}: %s %s`, (_kind, _name, v) =>
      check(v),
    );
  }
});
