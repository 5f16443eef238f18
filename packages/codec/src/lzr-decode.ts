// LZR decoder (spec/codec.md §LZR). Writes into the context's window after the dictionary; every
// distance and length is checked against the window and the declared length before a byte is copied.
import { CodecErrorCode, codecError } from "./errors.js";
import {
  ALIGN,
  DIST_SLOT,
  IS_MATCH,
  IS_REP,
  IS_REP_G0,
  IS_REP_G1,
  IS_REP_G2,
  IS_REP0_LONG,
  LEN,
  lenState,
  literalBase,
  MIN_MATCH,
  nextStateLiteral,
  nextStateMatch,
  nextStateRep,
  nextStateShortRep,
  REP_LEN,
  SPECIAL_OFFSET,
} from "./lzr-model.js";
import { RangeDecoder } from "./lzr-range.js";

function decodeTree(rc: RangeDecoder, base: number, bits: number): number {
  let m = 1;
  for (let i = 0; i < bits; i++) m = (m << 1) | rc.bit(base + m);
  return m - (1 << bits);
}

function decodeReverseTree(rc: RangeDecoder, base: number, bits: number): number {
  let m = 1;
  let value = 0;
  for (let i = 0; i < bits; i++) {
    const bit = rc.bit(base + m);
    m = (m << 1) | bit;
    value |= bit << i;
  }
  return value;
}

function decodeLength(rc: RangeDecoder, base: number): number {
  if (rc.bit(base) === 0) return MIN_MATCH + decodeTree(rc, base + 2, 3);
  if (rc.bit(base + 1) === 0) return MIN_MATCH + 8 + decodeTree(rc, base + 10, 3);
  return MIN_MATCH + 16 + decodeTree(rc, base + 18, 8);
}

function decodeDistance(rc: RangeDecoder, len: number): number {
  const slot = decodeTree(rc, DIST_SLOT + (lenState(len) << 6), 6);
  if (slot < 4) return slot;
  const footer = (slot >>> 1) - 1;
  const base = (2 | (slot & 1)) * 2 ** footer;
  if (slot < 14) return base + decodeReverseTree(rc, SPECIAL_OFFSET[slot]!, footer);
  return base + rc.direct(footer - 4) * 16 + decodeReverseTree(rc, ALIGN, 4);
}

const corrupt = (why: string) => codecError(CodecErrorCode.CORRUPT, `LZR stream is corrupt: ${why}`);

/**
 * Decode `payload` into window[start, start + length) with window[0, start) (the dictionary) as
 * history, starting from `probs` (a copy of the primed state, updated in place).
 */
export function decodeSymbols(
  window: Uint8Array,
  probs: Uint16Array,
  payload: Uint8Array,
  start: number,
  length: number,
): void {
  const w = window;
  const rc = new RangeDecoder(probs, payload);
  const end = start + length;
  let pos = start;
  let state = 0;
  let rep0 = 0;
  let rep1 = 0;
  let rep2 = 0;
  let rep3 = 0;
  while (pos < end) {
    if (rc.bit(IS_MATCH + state) === 0) {
      const base = literalBase(pos > 0 ? w[pos - 1]! : 0);
      let symbol = 1;
      const matchPos = pos - rep0 - 1;
      if (state >= 7 && matchPos >= 0) {
        let mb = w[matchPos]!;
        let offs = 0x100;
        do {
          mb <<= 1;
          const matchBit = mb & offs;
          const bit = rc.bit(base + offs + matchBit + symbol);
          symbol = (symbol << 1) | bit;
          offs &= bit ? matchBit : ~matchBit;
        } while (symbol < 0x100);
      } else {
        do symbol = (symbol << 1) | rc.bit(base + symbol);
        while (symbol < 0x100);
      }
      w[pos++] = symbol & 0xff;
      state = nextStateLiteral(state);
      continue;
    }
    let len: number;
    if (rc.bit(IS_REP + state) === 1) {
      if (rc.bit(IS_REP_G0 + state) === 0) {
        if (rc.bit(IS_REP0_LONG + state) === 0) {
          const src = pos - rep0 - 1;
          if (src < 0) throw corrupt("distance before the window");
          w[pos] = w[src]!;
          pos++;
          state = nextStateShortRep(state);
          continue;
        }
      } else {
        let dist: number;
        if (rc.bit(IS_REP_G1 + state) === 0) dist = rep1;
        else {
          if (rc.bit(IS_REP_G2 + state) === 0) dist = rep2;
          else {
            dist = rep3;
            rep3 = rep2;
          }
          rep2 = rep1;
        }
        rep1 = rep0;
        rep0 = dist;
      }
      len = decodeLength(rc, REP_LEN);
      state = nextStateRep(state);
    } else {
      rep3 = rep2;
      rep2 = rep1;
      rep1 = rep0;
      len = decodeLength(rc, LEN);
      rep0 = decodeDistance(rc, len);
      state = nextStateMatch(state);
    }
    let src = pos - rep0 - 1;
    if (src < 0) throw corrupt("distance before the window");
    if (len > end - pos) throw corrupt("match runs past the declared length");
    const stop = pos + len;
    while (pos < stop) w[pos++] = w[src++]!;
  }
  if (rc.overrun > 4) throw corrupt("input ends early");
  if (rc.unread > 0) throw corrupt("trailing bytes");
}
