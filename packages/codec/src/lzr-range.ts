// Binary adaptive range coder used by the LZR codec (spec/codec.md §10). 11-bit probabilities of a
// zero bit, adapted by 1/32 per coded bit; 32-bit range, carry propagated through a cached byte.
// Byte output is big-endian; the always-zero first byte of the classic carry scheme is not sent, and
// the final value is chosen with as many trailing zero bytes as the range allows, which are then
// dropped (the decoder reads missing bytes as zero). The decoder is inlined in lzr-decode.ts.

export const PROB_BITS: number = 11;
export const PROB_ONE: number = 1 << PROB_BITS;
export const PROB_INIT: number = PROB_ONE >>> 1;
const MOVE_BITS = 5;
const TOP = 1 << 24;

/** Cost of coding a bit, in 1/16 bit, indexed by probability >> 4 (of the bit actually coded). */
export const PRICE: Uint16Array = (() => {
  const t = new Uint16Array(PROB_ONE >>> 4);
  for (let i = 0; i < t.length; i++) t[i] = Math.round(-Math.log2(((i << 4) + 8) / PROB_ONE) * 16);
  return t;
})();

// Coder registers live in an Int32Array between calls (values above 2^30 in object fields are boxed
// by V8) and in locals while a symbol is coded: each method below codes a whole symbol with `low`
// (the low 32 bits, plus a carry flag), `range` and the probabilities in registers, so the adaptive
// bit step is written out in each (as in the decoder). 32-bit values are kept as int32 bit
// patterns; unsigned comparisons flip the sign bit (both here and in the decoder).
const LOW = 0;
const CARRY = 1;
const RANGE = 2;
const CACHE = 3;
const PENDING = 4;
const SIGN = 0x80000000;
/** 2^24 (the normalisation threshold) with the sign bit flipped, for int32 range registers. */
export const TOP_FLIPPED: number = TOP ^ SIGN;
/** low < 0xFF000000 (unsigned), flipped. */
const FF_FLIPPED = 0xff000000 ^ SIGN;
/** A reused encoder keeps an output buffer up to this size between streams. */
const MAX_KEPT_OUTPUT = 1 << 20;
/** low 0, no carry, range 0xFFFFFFFF, cache 0, one pending byte (the always-zero first one). */
const INITIAL_STATE = Int32Array.of(0, 0, -1, 0, 1);

export class RangeEncoder {
  /** low (low 32 bits), carry into bit 32, range, cache byte, pending byte count. */
  private readonly s = INITIAL_STATE.slice();
  private out: Uint8Array;
  private length = 0;

  readonly probs: Uint16Array;

  constructor(probs: Uint16Array, capacity = 256) {
    this.probs = probs;
    this.out = new Uint8Array(capacity);
  }

  /** Start a new stream (same probabilities array, output buffer kept: finish returns a copy). */
  reset(): void {
    this.s.set(INITIAL_STATE);
    this.length = 0;
  }

  bit(index: number, bit: number): void {
    const s = this.s;
    const probs = this.probs;
    let range = s[RANGE]!;
    const p = probs[index]!;
    const bound = Math.imul(range >>> PROB_BITS, p);
    if (bit === 0) {
      range = bound;
      probs[index] = p + ((PROB_ONE - p) >>> MOVE_BITS);
    } else {
      const low = s[LOW]!;
      const next = (low + bound) | 0;
      if ((next ^ SIGN) < (low ^ SIGN)) s[CARRY] = 1;
      s[LOW] = next;
      range = (range - bound) | 0;
      probs[index] = p - (p >>> MOVE_BITS);
    }
    if ((range ^ SIGN) < TOP_FLIPPED) {
      s[RANGE] = range << 8;
      this.shiftLow();
    } else s[RANGE] = range;
  }

  /**
   * `bits` bits of `value` through the bit tree at `base` (node 1 = root): most significant first, or
   * least significant first for the reverse trees of distance bits; after a 0 bit at `zeroFlag` if
   * one is given.
   */
  tree(base: number, bits: number, value: number, reverse = false, zeroFlag = -1): void {
    const s = this.s;
    const probs = this.probs;
    let low = s[LOW]!;
    let range = s[RANGE]!;
    if (zeroFlag >= 0) {
      // A 0 bit at `zeroFlag` first (a literal's isMatch flag): low does not move.
      const p = probs[zeroFlag]!;
      range = Math.imul(range >>> PROB_BITS, p);
      probs[zeroFlag] = p + ((PROB_ONE - p) >>> MOVE_BITS);
      if ((range ^ SIGN) < TOP_FLIPPED) {
        range <<= 8;
        this.shiftLow();
        low = s[LOW]!;
      }
    }
    let m = 1;
    for (let i = 0; i < bits; i++) {
      const bit = (value >>> (reverse ? i : bits - 1 - i)) & 1;
      const index = base + m;
      const p = probs[index]!;
      const bound = Math.imul(range >>> PROB_BITS, p);
      if (bit === 0) {
        range = bound;
        probs[index] = p + ((PROB_ONE - p) >>> MOVE_BITS);
      } else {
        const next = (low + bound) | 0;
        if ((next ^ SIGN) < (low ^ SIGN)) s[CARRY] = 1;
        low = next;
        range = (range - bound) | 0;
        probs[index] = p - (p >>> MOVE_BITS);
      }
      m = (m << 1) | bit;
      if ((range ^ SIGN) < TOP_FLIPPED) {
        range <<= 8;
        s[LOW] = low;
        this.shiftLow();
        low = s[LOW]!;
      }
    }
    s[LOW] = low;
    s[RANGE] = range;
  }

  /**
   * A literal after a match (spec §10.3): while its bits agree with `matchByte`'s, each is coded in
   * the context of the match bit; from the first difference on, as a plain literal.
   */
  matchedLiteral(base: number, byte: number, matchByte: number): void {
    const s = this.s;
    const probs = this.probs;
    let low = s[LOW]!;
    let range = s[RANGE]!;
    let offs = 0x100;
    let mb = matchByte;
    let symbol = 1;
    for (let i = 7; i >= 0; i--) {
      mb <<= 1;
      const matchBit = mb & offs;
      const bit = (byte >>> i) & 1;
      const index = base + offs + matchBit + symbol;
      const p = probs[index]!;
      const bound = Math.imul(range >>> PROB_BITS, p);
      if (bit === 0) {
        range = bound;
        probs[index] = p + ((PROB_ONE - p) >>> MOVE_BITS);
      } else {
        const next = (low + bound) | 0;
        if ((next ^ SIGN) < (low ^ SIGN)) s[CARRY] = 1;
        low = next;
        range = (range - bound) | 0;
        probs[index] = p - (p >>> MOVE_BITS);
      }
      symbol = (symbol << 1) | bit;
      offs &= bit ? matchBit : ~matchBit;
      if ((range ^ SIGN) < TOP_FLIPPED) {
        range <<= 8;
        s[LOW] = low;
        this.shiftLow();
        low = s[LOW]!;
      }
    }
    s[LOW] = low;
    s[RANGE] = range;
  }

  /** `count` bits of `value`, most significant first, each with probability one half. */
  direct(value: number, count: number): void {
    const s = this.s;
    let low = s[LOW]!;
    let range = s[RANGE]!;
    for (let i = count - 1; i >= 0; i--) {
      range = range >>> 1;
      if ((value >>> i) & 1) {
        const next = (low + range) | 0;
        if ((next ^ SIGN) < (low ^ SIGN)) s[CARRY] = 1;
        low = next;
      }
      if (range < TOP) {
        range <<= 8;
        s[LOW] = low;
        this.shiftLow();
        low = s[LOW]!;
      }
    }
    s[LOW] = low;
    s[RANGE] = range;
  }

  /** Move the top byte of low out (through the cache, for carries). */
  private shiftLow(): void {
    const s = this.s;
    const low = s[LOW]!;
    const carry = s[CARRY]!;
    if (carry !== 0 || (low ^ SIGN) < FF_FLIPPED) {
      let c = s[CACHE]!;
      let pending = s[PENDING]!;
      do {
        this.push((c + carry) & 0xff);
        c = 0xff;
      } while (--pending !== 0);
      s[PENDING] = 0;
      s[CACHE] = low >>> 24;
      s[CARRY] = 0;
    }
    s[PENDING] = s[PENDING]! + 1;
    s[LOW] = low << 8;
  }

  private push(byte: number): void {
    if (this.length === this.out.length) {
      const grown = new Uint8Array(this.out.length * 2);
      grown.set(this.out);
      this.out = grown;
    }
    this.out[this.length++] = byte;
  }

  finish(): Uint8Array {
    const s = this.s;
    // Any value in [low, low + range) decodes the same: take the one with the most trailing zero bytes.
    const low = s[CARRY]! * 2 ** 32 + (s[LOW]! >>> 0);
    const high = low + (s[RANGE]! >>> 0) - 1;
    for (let shift = 32; shift >= 8; shift -= 8) {
      const unit = 2 ** shift;
      const v = Math.ceil(low / unit) * unit;
      if (v <= high) {
        s[CARRY] = v >= 2 ** 32 ? 1 : 0;
        s[LOW] = (v % 2 ** 32) | 0;
        break;
      }
    }
    for (let i = 0; i < 5; i++) this.shiftLow();
    const bytes = sentBytes(this.out, 0, this.length);
    if (this.out.length > MAX_KEPT_OUTPUT) this.out = new Uint8Array(1024);
    return bytes;
  }
}

/**
 * The bytes of a flushed stream at out[from, from + length) that are sent (also for the WebAssembly
 * encoder's output): only the four flushed bytes may be dropped when zero (the decoder reads at most
 * four missing bytes as zero), and the first byte of the carry scheme, always zero, is not sent.
 */
export function sentBytes(out: Uint8Array, from: number, length: number): Uint8Array {
  let end = length;
  while (end > 1 && end > length - 4 && out[from + end - 1] === 0) end--;
  return out.slice(from + 1, from + end);
}
