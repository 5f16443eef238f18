import { M2MError } from "@m2m/wire";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compress, decompress, decompressToString } from "./codec.js";
import {
  createDictionary,
  DEFAULT_DICTIONARY_BYTES,
  decodeDictionaryFile,
  encodeDictionaryFile,
  getDefaultDictionary,
  trainDictionary,
} from "./dictionary.js";
import { CodecErrorCode } from "./errors.js";

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const samples = Array.from({ length: 20 }, (_, i) =>
  utf8(
    JSON.stringify({
      model: "acme-model-7",
      messages: [
        {
          role: "system",
          content: "You are the ACME order assistant. Always confirm the order number first.",
        },
        { role: "user", content: `Where is order ${1000 + i}? It was placed on day ${i}.` },
      ],
    }),
  ),
);

describe("dictionaries", () => {
  it("training is deterministic and captures shared content", () => {
    const a = trainDictionary(samples);
    const b = trainDictionary(samples);
    expect(a.idHex).toBe(b.idHex);
    expect(new TextDecoder().decode(a.bytes)).toContain("You are the ACME order assistant");
  });
  it("repeated content is what at least 2 samples (and 5 %) share, found among 120,000 distinct shingles", () => {
    // Random filler (enough distinct 16-byte shingles to grow the counting table), a 100-byte
    // passage in 3 of 20 samples and another twice in just one: the first is in the dictionary once, the
    // other nowhere (neither is in a sample's head or tail). (A few 16-byte runs of filler whose
    // 32-bit shingle hashes collide may be taken too: the trainer trades that for speed.)
    let seed = 7;
    const random = (n: number) =>
      Uint8Array.from({ length: n }, () => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        return seed >>> 24;
      });
    const shared = random(100);
    const lone = random(100);
    const docs = Array.from({ length: 20 }, (_, i) => {
      const middle = i % 7 === 0 ? shared : i === 5 ? Uint8Array.from([...lone, ...lone]) : new Uint8Array(0);
      const out = new Uint8Array(6000 + middle.length);
      out.set(random(3000));
      out.set(middle, 3000);
      out.set(random(3000), 3000 + middle.length);
      return out;
    });
    const d = Buffer.from(trainDictionary(docs, { sharedShare: 0.5, maxBytes: 4096 }).bytes);
    const at = d.indexOf(Buffer.from(shared));
    expect(at).toBeGreaterThanOrEqual(0);
    expect(at).toBeLessThan(2048); // in the repeated-content part
    expect(d.indexOf(Buffer.from(shared), at + 1)).toBe(-1);
    expect(d.indexOf(Buffer.from(lone))).toBe(-1);
  });
  it("looks for repeated content in every k-th sample beyond maxAnalyzedBytes, and checks the option", () => {
    const passage = "The ACME returns desk answers within two working days, never on weekends.";
    // The passage is in the odd samples only.
    const docs = Array.from({ length: 10 }, (_, i) =>
      utf8(i % 2 === 1 ? `sample ${i}: ${passage}` : `sample ${i}: ${"x".repeat(40 + i)}`),
    );
    const text = (extra: { maxAnalyzedBytes?: number }) =>
      new TextDecoder().decode(
        trainDictionary(docs, {
          sharedShare: 1,
          maxBytes: 4096,
          sampleBytes: 1,
          sampleTailBytes: 0,
          ...extra,
        }).bytes,
      );
    expect(text({})).toContain(passage);
    // Room for half the bytes: every second sample is analysed, the even ones.
    const total = docs.reduce((n, d) => n + d.length, 0);
    expect(text({ maxAnalyzedBytes: Math.floor(total / 2) })).not.toContain("The ACME returns");
    for (const bad of [0, -1, 1.5])
      expect(() => trainDictionary(docs, { maxAnalyzedBytes: bad })).toThrow(/maxAnalyzedBytes/);
  });
  it("training takes groups in turn, caps each sample, and puts the first taken nearest the data", () => {
    const bytes = (c: string, n: number) => utf8(c.repeat(n));
    const d = trainDictionary([bytes("a", 10), bytes("b", 10), bytes("c", 10), bytes("d", 10)], {
      groups: ["x", "x", "y", "y"],
      sampleBytes: 4,
      sampleTailBytes: 0,
      sharedShare: 0,
      maxBytes: 14,
    });
    // Taken: a (x), c (y), b (x), d (y, cut to 2 bytes); written in reverse order of taking.
    expect(new TextDecoder().decode(d.bytes)).toBe("ddbbbbccccaaaa");
    // Head and tail of each sample.
    const ht = trainDictionary([utf8("0123456789")], { sampleBytes: 6, sampleTailBytes: 2, sharedShare: 0 });
    expect(new TextDecoder().decode(ht.bytes)).toBe("012389");
    // Content repeated across samples comes first, then the samples.
    const common = "a system prompt that every request repeats word for word";
    const reqs = Array.from({ length: 8 }, (_, i) => utf8(`${common} #${i}`));
    const withShared = new TextDecoder().decode(
      trainDictionary(reqs, { maxBytes: 200, sharedShare: 0.5 }).bytes,
    );
    expect(withShared.startsWith(common.slice(0, 40))).toBe(true);
    expect(() => trainDictionary([utf8("x")], { maxBytes: 0 })).toThrow(M2MError);
    expect(() => trainDictionary([utf8("x")], { sampleBytes: 1.5 })).toThrow(M2MError);
    expect(() => trainDictionary([utf8("x")], { sampleBytes: 4, sampleTailBytes: 5 })).toThrow(M2MError);
    expect(() => trainDictionary([utf8("x")], { sharedShare: 2 })).toThrow(M2MError);
    expect(() => trainDictionary([new Uint8Array(0)])).toThrow(M2MError);
  });
  it("a trained dictionary beats the generic one on its own application's traffic", () => {
    const app = trainDictionary(samples.slice(0, 10));
    const held = samples[15]!;
    const withApp = compress(held, { algorithm: "dict", dictionary: app });
    const generic = compress(held, { algorithm: "dict" });
    expect(withApp.length).toBeLessThan(generic.length);
    expect(decompressToString(withApp, { dictionaries: [app] })).toBe(new TextDecoder().decode(held));
  });
  it("dictionary files round-trip and are verified by content hash", () => {
    const d = trainDictionary(samples);
    const file = encodeDictionaryFile(d);
    expect(decodeDictionaryFile(file).idHex).toBe(d.idHex);
    const tampered = file.slice();
    tampered[10]! ^= 1;
    expect(() => decodeDictionaryFile(tampered)).toThrow(M2MError);
    try {
      decodeDictionaryFile(utf8("not a dictionary"));
    } catch (e) {
      expect(M2MError.isInstance(e) && e.code).toBe(CodecErrorCode.BAD_DICTIONARY);
    }
  });
  it("property: any dictionary content survives the file format and any trained dictionary is usable", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 2000 }),
        fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 6 }),
        (content, samples) => {
          const d = createDictionary(content);
          expect(decodeDictionaryFile(encodeDictionaryFile(d)).bytes).toEqual(content);
          const nonEmpty = samples.some((x) => x.length >= 16)
            ? samples
            : [...samples, new Uint8Array(16).fill(7)];
          const trained = trainDictionary(nonEmpty, { maxBytes: 1024 });
          const probe = nonEmpty[0]!;
          expect(
            decompress(compress(probe, { algorithm: "dict", dictionary: trained }), {
              dictionaries: [trained],
            }),
          ).toEqual(probe);
        },
      ),
      { numRuns: 200 },
    );
  });
  it("the shipped default dictionary is 128 KiB and named by its hash", () => {
    const d = getDefaultDictionary();
    expect(d.bytes.length).toBe(DEFAULT_DICTIONARY_BYTES);
    expect(createDictionary(d.bytes).idHex).toBe(d.idHex);
  });
});
