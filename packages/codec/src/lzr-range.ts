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

// Coder registers live in typed arrays rather than fields: values above 2^31 in object fields are
// boxed by V8, which made every coded bit allocate.
const LOW = 0;
const CACHE = 1;
const CACHE_SIZE = 2;

export class RangeEncoder {
  /** low (up to 2^33), cache byte, pending 0xFF count. */
  private readonly f = new Float64Array([0, 0, 1]);
  /** range. */
  private readonly r = new Uint32Array([0xffffffff]);
  private out: Uint8Array;
  private length = 0;

  readonly probs: Uint16Array;

  constructor(probs: Uint16Array, capacity = 256) {
    this.probs = probs;
    this.out = new Uint8Array(capacity);
  }

  bit(index: number, bit: number): void {
    const probs = this.probs;
    const r = this.r;
    const p = probs[index]!;
    const range = r[0]!;
    const bound = (range >>> PROB_BITS) * p;
    let next: number;
    if (bit === 0) {
      next = bound;
      probs[index] = p + ((PROB_ONE - p) >>> MOVE_BITS);
    } else {
      this.f[LOW] = this.f[LOW]! + bound;
      next = range - bound;
      probs[index] = p - (p >>> MOVE_BITS);
    }
    if (next < TOP) {
      r[0] = next << 8;
      this.shiftLow();
    } else r[0] = next;
  }

  /** `count` bits of `value`, most significant first, each with probability one half. */
  direct(value: number, count: number): void {
    const r = this.r;
    for (let i = count - 1; i >= 0; i--) {
      const range = r[0]! >>> 1;
      if ((value >>> i) & 1) this.f[LOW] = this.f[LOW]! + range;
      if (range < TOP) {
        r[0] = range << 8;
        this.shiftLow();
      } else r[0] = range;
    }
  }

  private shiftLow(): void {
    const f = this.f;
    const low = f[LOW]!;
    if (low < 0xff000000 || low >= 0x100000000) {
      const carry = low >= 0x100000000 ? 1 : 0;
      let c = f[CACHE]!;
      let pending = f[CACHE_SIZE]!;
      do {
        this.push((c + carry) & 0xff);
        c = 0xff;
      } while (--pending !== 0);
      f[CACHE_SIZE] = 0;
      f[CACHE] = (low >>> 24) & 0xff;
    }
    f[CACHE_SIZE] = f[CACHE_SIZE]! + 1;
    f[LOW] = (low & 0x00ffffff) * 256;
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
    // Any value in [low, low + range) decodes the same: take the one with the most trailing zero bytes.
    const low = this.f[LOW]!;
    const high = low + this.r[0]! - 1;
    for (let shift = 32; shift >= 8; shift -= 8) {
      const unit = 2 ** shift;
      const v = Math.ceil(low / unit) * unit;
      if (v <= high) {
        this.f[LOW] = v;
        break;
      }
    }
    for (let i = 0; i < 5; i++) this.shiftLow();
    // Only the four flushed bytes may be dropped: the decoder accepts at most four missing bytes.
    let end = this.length;
    while (end > 1 && end > this.length - 4 && this.out[end - 1] === 0) end--;
    // The first byte of the carry scheme is always zero and is not sent.
    return this.out.slice(1, end);
  }
}
