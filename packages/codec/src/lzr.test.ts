import { M2MError } from "@m2m/wire";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createDictionary, getDefaultDictionary } from "./dictionary.js";
import { CodecErrorCode } from "./errors.js";
import { LzrContext, lzrContext, lzrDecode, lzrEncode, SHARED_WINDOW_LIMIT, shippedPrimed } from "./lzr.js";
import { DIST_SLOT, IS_MATCH, IS_REP, LEN, LITERAL_CLASS, LITERAL_CONTEXTS, MAX_MATCH } from "./lzr-model.js";
import { PROB_INIT, PROB_ONE, RangeEncoder } from "./lzr-range.js";

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    if (M2MError.isInstance(e)) return e.code;
    throw e;
  }
  return undefined;
};
const roundTrip = (ctx: LzrContext, input: Uint8Array): Uint8Array => {
  const packed = lzrEncode(ctx, input);
  expect(lzrDecode(ctx, packed, input.length)).toEqual(input);
  return packed;
};

const chat = utf8(
  '{"model":"gpt-4o","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Plan a three day trip to Lisbon with a budget."}]}',
);

/** A plain reading of spec/codec.md §10.1, to check the encoder independently of lzr-decode.ts. */
class SpecRangeDecoder {
  private range = 0xffffffff;
  private code = 0;
  private pos = 0;
  private readonly probs: Uint16Array;
  private readonly input: Uint8Array;
  constructor(probs: Uint16Array, input: Uint8Array) {
    this.probs = probs;
    this.input = input;
    for (let i = 0; i < 4; i++) this.code = this.code * 256 + this.next();
  }
  private next(): number {
    const at = this.pos++;
    return at < this.input.length ? this.input[at]! : 0;
  }
  get unread(): number {
    return Math.max(0, this.input.length - this.pos);
  }
  get overrun(): number {
    return this.pos - this.input.length;
  }
  private normalize(): void {
    if (this.range < 2 ** 24) {
      this.range *= 256;
      this.code = this.code * 256 + this.next();
    }
  }
  bit(index: number): number {
    const p = this.probs[index]!;
    const bound = Math.floor(this.range / 2048) * p;
    let bit = 0;
    if (this.code < bound) {
      this.range = bound;
      this.probs[index] = p + ((PROB_ONE - p) >> 5);
    } else {
      this.code -= bound;
      this.range -= bound;
      this.probs[index] = p - (p >> 5);
      bit = 1;
    }
    this.normalize();
    return bit;
  }
  direct(count: number): number {
    let v = 0;
    for (let i = 0; i < count; i++) {
      this.range = Math.floor(this.range / 2);
      let bit = 0;
      if (this.code >= this.range) {
        this.code -= this.range;
        bit = 1;
      }
      v = v * 2 + bit;
      this.normalize();
    }
    return v;
  }
}

describe("range coder", () => {
  it("codes adaptive and direct bits exactly, and trims its flush", () => {
    const bits = Array.from({ length: 5000 }, (_, i) => ((i * 7919) % 13 < 4 ? 1 : 0));
    const enc = new RangeEncoder(new Uint16Array(4).fill(PROB_INIT), 16);
    for (let i = 0; i < bits.length; i++) {
      enc.bit(i & 3, bits[i]!);
      if (i % 100 === 0) enc.direct(i & 0xfff, 12);
    }
    const out = enc.finish();
    expect(out.length).toBeLessThan(700); // ~0.89 bit per adaptive bit + 600 direct bits
    if (out.length > 0) expect(out[out.length - 1]).not.toBe(0);
    const dec = new SpecRangeDecoder(new Uint16Array(4).fill(PROB_INIT), out);
    for (let i = 0; i < bits.length; i++) {
      expect(dec.bit(i & 3)).toBe(bits[i]);
      if (i % 100 === 0) expect(dec.direct(12)).toBe(i & 0xfff);
    }
    expect(dec.overrun).toBeLessThanOrEqual(4);
    expect(dec.unread).toBe(0);
  });
});

describe("literal classes (spec/codec.md §10.2)", () => {
  /** The spec's rule list, first match wins, read independently of lzr-model.ts. */
  const specClass = (b: number): number => {
    const c = String.fromCharCode(b);
    const rules: Array<[boolean, number]> = [
      [c === " ", 1],
      [c === '"', 2],
      [c === "\\", 3],
      [/^[0-9]$/.test(c), 4],
      [/^[A-Z]$/.test(c), 5],
      [/^[aeiou]$/.test(c), 6],
      [/^[strdnyl]$/.test(c), 7],
      [/^[a-z]$/.test(c), 0],
      [b === 0x0a, 8],
      [/^[,;:]$/.test(c), 9],
      [/^[.!?]$/.test(c), 10],
      [/^[{}[\]()<>]$/.test(c), 11],
      [b >= 0x21 && b <= 0x7e, 12],
      [b >= 0xc0, 13],
      [b >= 0x80, 14],
    ];
    return rules.find(([applies]) => applies)?.[1] ?? 15;
  };

  it("every byte value gets the class the spec's rules give, and all 16 classes are used", () => {
    const used = new Set<number>();
    for (let b = 0; b < 256; b++) {
      expect(LITERAL_CLASS[b], `byte 0x${b.toString(16)}`).toBe(specClass(b));
      used.add(LITERAL_CLASS[b]!);
    }
    expect(used.size).toBe(LITERAL_CONTEXTS);
  });
});

describe("LZR", () => {
  const ctx = lzrContext(getDefaultDictionary().bytes);

  it("round-trips the empty input, single bytes and chat JSON", () => {
    expect(roundTrip(ctx, new Uint8Array(0)).length).toBeLessThanOrEqual(1);
    for (let b = 0; b < 256; b += 17) roundTrip(ctx, Uint8Array.of(b));
    const packed = roundTrip(ctx, chat);
    // Priming and the dictionary make a small chat request several times smaller.
    expect(packed.length * 3).toBeLessThan(chat.length);
  });

  it("the default dictionary's shipped primed state and tables equal what priming computes (else run scripts/build-primed.mjs)", () => {
    const dictionary = getDefaultDictionary();
    const computed = new LzrContext(dictionary.bytes);
    const shipped = new LzrContext(dictionary.bytes, shippedPrimed());
    const same = (a: ArrayBufferView, b: ArrayBufferView) =>
      Buffer.compare(
        Buffer.from(a.buffer, a.byteOffset, a.byteLength),
        Buffer.from(b.buffer, b.byteOffset, b.byteLength),
      ) === 0;
    expect(same(shipped.primed, computed.primed)).toBe(true);
    expect(same(shipped.tables.starts, computed.tables.starts)).toBe(true);
    expect(same(shipped.tables.positions, computed.tables.positions)).toBe(true);
    expect(lzrEncode(shipped, chat)).toEqual(lzrEncode(computed, chat));
  });

  it("reuses a primed context for the same dictionary loaded again (by id)", () => {
    const a = createDictionary(utf8("a dictionary read from a file, twice over"));
    const b = createDictionary(a.bytes.slice());
    expect(lzrContext(b)).toBe(lzrContext(a));
    expect(lzrContext(createDictionary(utf8("another one")))).not.toBe(lzrContext(a));
  });

  it("is deterministic and independent of earlier messages through the same context", () => {
    const first = lzrEncode(ctx, chat);
    lzrEncode(ctx, utf8("something else entirely, to disturb any shared state ".repeat(50)));
    lzrDecode(ctx, first, chat.length);
    expect(lzrEncode(ctx, chat)).toEqual(first);
    expect(lzrEncode(new LzrContext(getDefaultDictionary().bytes), chat)).toEqual(first);
  });

  it("handles long runs (matches longer than the longest length code) and every byte value", () => {
    roundTrip(ctx, new Uint8Array(5000).fill(0x41));
    roundTrip(
      ctx,
      Uint8Array.from({ length: 4096 }, (_, i) => i & 0xff),
    );
    const runs = new Uint8Array(3 * MAX_MATCH + 5);
    for (let i = 0; i < runs.length; i++) runs[i] = (i / 300) & 1 ? 0x20 : 0x7a;
    roundTrip(ctx, runs);
  });

  it("decodes messages larger than the shared window with a temporary one", () => {
    const big = new Uint8Array(SHARED_WINDOW_LIMIT + 4096);
    let s = 1;
    for (let i = 0; i < big.length; i++) {
      // Text-like bytes with repeats far apart, so long distances are exercised.
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      big[i] = i % 65536 < 1024 ? chat[i % chat.length]! : 0x61 + ((s >>> 24) % 26);
    }
    const small = createDictionary(utf8("seed dictionary"));
    const c = lzrContext(small.bytes);
    roundTrip(c, big);
    expect(c.window.length).toBeLessThanOrEqual(SHARED_WINDOW_LIMIT);
  }, 60_000);

  it("property: any bytes round-trip through any dictionary", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 600 }),
        fc.oneof(
          fc.uint8Array({ maxLength: 3000 }),
          fc.string({ maxLength: 800 }).map(utf8),
          fc.array(fc.constantFrom(...'ab {}":,'), { maxLength: 2000 }).map((a) => utf8(a.join(""))),
        ),
        (dict, input) => {
          roundTrip(lzrContext(dict), input);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("cut, padded or mis-sized payloads give CODEC_CORRUPT or bytes of the declared length (the frame CRC decides)", () => {
    const packed = lzrEncode(ctx, chat);
    const check = (payload: Uint8Array, length: number): void => {
      try {
        expect(lzrDecode(ctx, payload, length).length).toBe(length);
      } catch (e) {
        expect(M2MError.isInstance(e) && e.code).toBe(CodecErrorCode.CORRUPT);
      }
    };
    for (let cut = 1; cut <= Math.min(12, packed.length); cut++)
      check(packed.subarray(0, packed.length - cut), chat.length);
    for (const fill of [0x00, 0x55, 0xff]) {
      const padded = new Uint8Array(packed.length + 8).fill(fill);
      padded.set(packed);
      check(padded, chat.length);
    }
    // Five or more bytes beyond what the coder can have dropped are always trailing garbage.
    const padded = new Uint8Array(packed.length + 8).fill(0x55);
    padded.set(packed);
    expect(codeOf(() => lzrDecode(ctx, padded, chat.length))).toBe(CodecErrorCode.CORRUPT);
    const long = utf8("abcdefgh".repeat(40));
    const p2 = lzrEncode(ctx, long);
    expect(codeOf(() => lzrDecode(ctx, p2, long.length - 100))).toBe(CodecErrorCode.CORRUPT);
    expect(codeOf(() => lzrDecode(ctx, p2, long.length + 100))).toBe(CodecErrorCode.CORRUPT);
  });

  it("a distance slot beyond the window (up to the 2^31+ slots 62 and 63) is CODEC_CORRUPT", () => {
    // First symbol: match (isMatch, isRep = 0), length 2 (choice 0, low tree 000), then the slot.
    const streamWithSlot = (slot: number, trailing: number): Uint8Array => {
      const rc = new RangeEncoder(ctx.primed.slice(), 64);
      rc.bit(IS_MATCH, 1);
      rc.bit(IS_REP, 0);
      rc.bit(LEN, 0);
      for (const m of [1, 2, 4]) rc.bit(LEN + 2 + m, 0);
      for (let i = 5, m = 1; i >= 0; i--) {
        const bit = (slot >>> i) & 1;
        rc.bit(DIST_SLOT + m, bit);
        m = (m << 1) | bit;
      }
      rc.direct(0, trailing);
      return rc.finish();
    };
    for (const slot of [40, 52, 61, 62, 63])
      expect(codeOf(() => lzrDecode(ctx, streamWithSlot(slot, 30), 16))).toBe(CodecErrorCode.CORRUPT);
  });

  it("junk payloads against a one-byte dictionary decode or fail as CODEC_CORRUPT (bad distances)", () => {
    const tiny = lzrContext(utf8("x"));
    let found = false;
    for (let seed = 0; seed < 2000 && !found; seed++) {
      const junk = Uint8Array.from({ length: 12 }, (_, i) => (seed * 31 + i * 97) & 0xff);
      const code = codeOf(() => lzrDecode(tiny, junk, 64));
      expect([undefined, CodecErrorCode.CORRUPT]).toContain(code);
      found = code === CodecErrorCode.CORRUPT;
    }
    expect(found).toBe(true);
  });
});
