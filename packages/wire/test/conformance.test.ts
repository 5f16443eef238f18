// Runs every spec/vectors file whose suite starts with "wire/". A file or vector kind this runner
// does not understand is a failure, so vectors can never be silently ignored.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  crc32,
  decodeBase64,
  decodeV1Frame,
  decodeV2Frame,
  decodeVarint64,
  detectFormat,
  encodeBase64,
  encodeV1Frame,
  encodeV1Header,
  encodeV2Frame,
  encodeVarint64,
  peekHeader,
  routingHeaderFrom,
  v1BinaryToText,
  v1TextToBinary,
} from "../src/index.js";
import { errorCode } from "./error-code.js";

const dir = join(import.meta.dirname, "../../../spec/vectors");
const te = new TextEncoder();
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const bytes = (h: string) => new Uint8Array(Buffer.from(h, "hex"));
type Vector = Record<string, unknown> & { kind: string; name?: string };

const runners: Record<string, (v: Vector) => void> = {
  varint: (v) => {
    expect(hex(encodeVarint64(BigInt(v.value as string)))).toBe(v.hex);
    expect(decodeVarint64(bytes(v.hex as string)).value).toBe(BigInt(v.value as string));
  },
  "varint-error": (v) => expect(errorCode(() => decodeVarint64(bytes(v.hex as string)))).toBe(v.error),
  base64: (v) => {
    expect(encodeBase64(bytes(v.hex as string))).toBe(v.text);
    expect(hex(decodeBase64(v.text as string))).toBe(v.hex);
  },
  "base64-error": (v) => expect(errorCode(() => decodeBase64(v.text as string))).toBe(v.error),
  crc32: (v) =>
    expect(
      crc32(bytes(v.hex as string))
        .toString(16)
        .padStart(8, "0"),
    ).toBe(v.crc32),
  "v1-encode": (v) => {
    const payload = te.encode(v.json as string);
    const frame = encodeV1Frame({
      routing: routingHeaderFrom(v.json as string),
      compressed: false,
      payload,
      crc32: crc32(payload),
    });
    expect(v1BinaryToText(frame)).toBe(v.text);
    expect(peekHeader(v.text as string).routing).toMatchObject(v.routing as object);
    expect(new TextDecoder().decode(decodeV1Frame(v1TextToBinary(v.text as string)).payload)).toBe(v.json);
  },
  "v1-header": (v) => {
    const header = encodeV1Header({
      routing: routingHeaderFrom(v.json as string),
      compressed: v.compressed as boolean,
    });
    expect(hex(header)).toBe(v.headerHex);
    expect(
      crc32(te.encode(v.json as string))
        .toString(16)
        .padStart(8, "0"),
    ).toBe(v.crc32);
  },
  "v1-decode": (v) => {
    const frame = decodeV1Frame(bytes(v.hex as string));
    expect(frame.routing).toMatchObject(v.routing as object);
    expect(new TextDecoder().decode(frame.payload)).toBe(v.payloadUtf8);
  },
  "v1-decode-error": (v) => expect(errorCode(() => decodeV1Frame(bytes(v.hex as string)))).toBe(v.error),
  "v1-text-error": (v) => expect(errorCode(() => v1TextToBinary(v.text as string))).toBe(v.error),
  "v2-encode": (v) => {
    const p = v.input as {
      schema: number;
      codec: number;
      codecParams?: string;
      routingJson?: string;
      security?: { mode: 1 | 2 | 3; params: string };
      originalLength: number;
      crc32: number | null;
      payload: string;
      tag?: string;
    };
    const input = {
      schema: p.schema,
      codec: p.codec,
      codecParams: bytes(p.codecParams ?? ""),
      routing: p.routingJson ? routingHeaderFrom(p.routingJson) : null,
      security: p.security ? { mode: p.security.mode, params: bytes(p.security.params) } : null,
      originalLength: p.originalLength,
      crc32: p.crc32,
      payload: bytes(p.payload),
      tag: bytes(p.tag ?? ""),
    };
    expect(hex(encodeV2Frame(input))).toBe(v.hex);
    const decoded = decodeV2Frame(bytes(v.hex as string));
    expect(decoded).toMatchObject({
      schema: input.schema,
      codec: input.codec,
      originalLength: input.originalLength,
      crc32: input.crc32,
      payload: input.payload,
    });
  },
  "v2-decode-error": (v) => expect(errorCode(() => decodeV2Frame(bytes(v.hex as string)))).toBe(v.error),
  detect: (v) => {
    const input = typeof v.utf8 === "string" ? v.utf8 : bytes(v.hex as string);
    expect(detectFormat(input)).toMatchObject({ format: v.format, form: v.form });
  },
};

const SUITES = new Set(["wire/v1-frames", "wire/primitives", "wire/v2-frames", "wire/detect"]);
const files = readdirSync(dir).filter((f) => f.endsWith(".json"));
const mine = files
  .map((file) => ({
    file,
    doc: JSON.parse(readFileSync(join(dir, file), "utf8")) as {
      suite?: string;
      provenance?: string;
      vectors?: Vector[];
    },
  }))
  .filter(({ doc }) => typeof doc.suite === "string" && doc.suite.startsWith("wire/"));

describe("spec/vectors conformance (@m2m/wire)", () => {
  it("knows every wire suite and finds all of them", () => {
    expect(mine.map(({ doc }) => doc.suite).sort()).toEqual([...SUITES].sort());
  });
  for (const { file, doc } of mine) {
    describe(file, () => {
      it("is a known suite with provenance and vectors", () => {
        expect(SUITES.has(doc.suite!)).toBe(true);
        expect(typeof doc.provenance).toBe("string");
        expect(doc.vectors?.length).toBeGreaterThan(0);
      });
      for (const [i, vector] of (doc.vectors ?? []).entries()) {
        it(`${i}: ${vector.kind}${vector.name ? ` — ${vector.name}` : ""}`, () => {
          const run = runners[vector.kind];
          if (!run) throw new Error(`unknown vector kind "${vector.kind}" in ${file}`);
          run(vector);
        });
      }
    });
  }
});
