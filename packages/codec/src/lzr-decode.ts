// LZR decoder (spec/codec.md §10). One function with the range coder's registers in locals: V8
// keeps them unboxed there, while the same values in object fields or closures (above 2^31) would be
// boxed on every bit; uint32 values are held as int32 bit patterns and unsigned comparisons flip the
// sign bit. Each `BIT` block below is the same adaptive bit decode (§10.1), written out.
// Every distance and length is checked against the window and the declared length before a byte
// is copied.
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
  LITERAL,
  LITERAL_CLASS,
  lenState,
  MIN_MATCH,
  REP_LEN,
  SPECIAL_OFFSET,
} from "./lzr-model.js";
import { TOP_FLIPPED } from "./lzr-range.js";

/** Why a stream is corrupt (the WebAssembly decoder reports the same, lzr-wasm.ts). */
export const LZR_CORRUPT = {
  DISTANCE: "distance before the window",
  PAST_LENGTH: "match runs past the declared length",
  ENDS_EARLY: "input ends early",
  TRAILING: "trailing bytes",
} as const;

/** @internal the CODEC_CORRUPT error for `why`. */
export const lzrCorrupt = (why: string): Error =>
  codecError(CodecErrorCode.CORRUPT, `LZR stream is corrupt: ${why}`);

/** State after a literal, indexed by state (spec §10.2). */
const AFTER_LITERAL = Uint8Array.of(0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 4, 5);

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
  const input = payload;
  const inLen = input.length;
  let ip = 0;
  let range = -1; // 0xFFFFFFFF
  let code = 0;
  for (; ip < 4; ip++) code = (code << 8) | (ip < inLen ? input[ip]! : 0);
  const end = start + length;
  let pos = start;
  let state = 0;
  let rep0 = 0;
  let rep1 = 0;
  let rep2 = 0;
  let rep3 = 0;
  let bit = 0;
  let p = 0;
  let bound = 0;
  let i = 0;

  while (pos < end) {
    // BIT isMatch[state]
    i = IS_MATCH + state;
    p = probs[i]!;
    bound = Math.imul(range >>> 11, p);
    if ((code ^ 0x80000000) < (bound ^ 0x80000000)) {
      range = bound;
      probs[i] = p + ((2048 - p) >>> 5);
      bit = 0;
    } else {
      code = (code - bound) | 0;
      range = (range - bound) | 0;
      probs[i] = p - (p >>> 5);
      bit = 1;
    }
    if ((range ^ 0x80000000) < TOP_FLIPPED) {
      range <<= 8;
      code = (code << 8) | (ip < inLen ? input[ip]! : 0);
      ip++;
    }

    if (bit === 0) {
      const base = LITERAL + 0x300 * LITERAL_CLASS[pos > 0 ? w[pos - 1]! : 0]!;
      let symbol = 1;
      const matchPos = pos - rep0 - 1;
      if (state >= 7 && matchPos >= 0) {
        let mb = w[matchPos]!;
        let offs = 0x100;
        do {
          mb <<= 1;
          const matchBit = mb & offs;
          // BIT literal (matched)
          i = base + offs + matchBit + symbol;
          p = probs[i]!;
          bound = Math.imul(range >>> 11, p);
          if ((code ^ 0x80000000) < (bound ^ 0x80000000)) {
            range = bound;
            probs[i] = p + ((2048 - p) >>> 5);
            symbol <<= 1;
            offs &= ~matchBit;
          } else {
            code = (code - bound) | 0;
            range = (range - bound) | 0;
            probs[i] = p - (p >>> 5);
            symbol = (symbol << 1) | 1;
            offs &= matchBit;
          }
          if ((range ^ 0x80000000) < TOP_FLIPPED) {
            range <<= 8;
            code = (code << 8) | (ip < inLen ? input[ip]! : 0);
            ip++;
          }
        } while (symbol < 0x100);
      } else {
        do {
          // BIT literal
          i = base + symbol;
          p = probs[i]!;
          bound = Math.imul(range >>> 11, p);
          if ((code ^ 0x80000000) < (bound ^ 0x80000000)) {
            range = bound;
            probs[i] = p + ((2048 - p) >>> 5);
            symbol <<= 1;
          } else {
            code = (code - bound) | 0;
            range = (range - bound) | 0;
            probs[i] = p - (p >>> 5);
            symbol = (symbol << 1) | 1;
          }
          if ((range ^ 0x80000000) < TOP_FLIPPED) {
            range <<= 8;
            code = (code << 8) | (ip < inLen ? input[ip]! : 0);
            ip++;
          }
        } while (symbol < 0x100);
      }
      w[pos++] = symbol & 0xff;
      state = AFTER_LITERAL[state]!;
      continue;
    }

    // A match, a repeat or a short repeat: flags first, then a length.
    let lenBase = LEN;
    let isNewMatch = false;
    // BIT isRep[state]
    i = IS_REP + state;
    p = probs[i]!;
    bound = Math.imul(range >>> 11, p);
    if ((code ^ 0x80000000) < (bound ^ 0x80000000)) {
      range = bound;
      probs[i] = p + ((2048 - p) >>> 5);
      bit = 0;
    } else {
      code = (code - bound) | 0;
      range = (range - bound) | 0;
      probs[i] = p - (p >>> 5);
      bit = 1;
    }
    if ((range ^ 0x80000000) < TOP_FLIPPED) {
      range <<= 8;
      code = (code << 8) | (ip < inLen ? input[ip]! : 0);
      ip++;
    }
    if (bit === 0) {
      isNewMatch = true;
      rep3 = rep2;
      rep2 = rep1;
      rep1 = rep0;
      state = state < 7 ? 7 : 10;
    } else {
      lenBase = REP_LEN;
      // The repeat flags form a short decision list; `flag` walks it.
      let flag = IS_REP_G0;
      let which = 0;
      for (;;) {
        // BIT flag[state]
        i = flag + state;
        p = probs[i]!;
        bound = Math.imul(range >>> 11, p);
        if ((code ^ 0x80000000) < (bound ^ 0x80000000)) {
          range = bound;
          probs[i] = p + ((2048 - p) >>> 5);
          bit = 0;
        } else {
          code = (code - bound) | 0;
          range = (range - bound) | 0;
          probs[i] = p - (p >>> 5);
          bit = 1;
        }
        if ((range ^ 0x80000000) < TOP_FLIPPED) {
          range <<= 8;
          code = (code << 8) | (ip < inLen ? input[ip]! : 0);
          ip++;
        }
        if (flag === IS_REP_G0) {
          if (bit === 0) flag = IS_REP0_LONG;
          else flag = IS_REP_G1;
        } else if (flag === IS_REP0_LONG) {
          which = bit === 0 ? -1 : 0;
          break;
        } else if (flag === IS_REP_G1) {
          if (bit === 0) {
            which = 1;
            break;
          }
          flag = IS_REP_G2;
        } else {
          which = bit === 0 ? 2 : 3;
          break;
        }
      }
      if (which === -1) {
        const src = pos - rep0 - 1;
        if (src < 0) throw lzrCorrupt(LZR_CORRUPT.DISTANCE);
        w[pos] = w[src]!;
        pos++;
        state = state < 7 ? 9 : 11;
        continue;
      }
      if (which > 0) {
        let dist: number;
        if (which === 1) dist = rep1;
        else {
          if (which === 2) dist = rep2;
          else {
            dist = rep3;
            rep3 = rep2;
          }
          rep2 = rep1;
        }
        rep1 = rep0;
        rep0 = dist;
      }
      state = state < 7 ? 8 : 11;
    }

    // Length: choice, choice2, then a 3- or 8-bit tree.
    let len = MIN_MATCH;
    let tree = lenBase + 2;
    let bits = 3;
    for (let k = 0; k < 2; k++) {
      // BIT choice / choice2
      i = lenBase + k;
      p = probs[i]!;
      bound = Math.imul(range >>> 11, p);
      if ((code ^ 0x80000000) < (bound ^ 0x80000000)) {
        range = bound;
        probs[i] = p + ((2048 - p) >>> 5);
        bit = 0;
      } else {
        code = (code - bound) | 0;
        range = (range - bound) | 0;
        probs[i] = p - (p >>> 5);
        bit = 1;
      }
      if ((range ^ 0x80000000) < TOP_FLIPPED) {
        range <<= 8;
        code = (code << 8) | (ip < inLen ? input[ip]! : 0);
        ip++;
      }
      if (bit === 0) break;
      len += 8;
      tree = k === 0 ? lenBase + 10 : lenBase + 18;
      if (k === 1) {
        bits = 8;
        len = MIN_MATCH + 16;
      }
    }
    let m = 1;
    for (let b = 0; b < bits; b++) {
      // BIT length tree
      i = tree + m;
      p = probs[i]!;
      bound = Math.imul(range >>> 11, p);
      if ((code ^ 0x80000000) < (bound ^ 0x80000000)) {
        range = bound;
        probs[i] = p + ((2048 - p) >>> 5);
        m <<= 1;
      } else {
        code = (code - bound) | 0;
        range = (range - bound) | 0;
        probs[i] = p - (p >>> 5);
        m = (m << 1) | 1;
      }
      if ((range ^ 0x80000000) < TOP_FLIPPED) {
        range <<= 8;
        code = (code << 8) | (ip < inLen ? input[ip]! : 0);
        ip++;
      }
    }
    len += m - (1 << bits);

    if (isNewMatch) {
      // Distance slot (6-bit tree in the length-state's context), then its low bits.
      const slotBase = DIST_SLOT + (lenState(len) << 6);
      m = 1;
      for (let b = 0; b < 6; b++) {
        // BIT slot tree
        i = slotBase + m;
        p = probs[i]!;
        bound = Math.imul(range >>> 11, p);
        if ((code ^ 0x80000000) < (bound ^ 0x80000000)) {
          range = bound;
          probs[i] = p + ((2048 - p) >>> 5);
          m <<= 1;
        } else {
          code = (code - bound) | 0;
          range = (range - bound) | 0;
          probs[i] = p - (p >>> 5);
          m = (m << 1) | 1;
        }
        if ((range ^ 0x80000000) < TOP_FLIPPED) {
          range <<= 8;
          code = (code << 8) | (ip < inLen ? input[ip]! : 0);
          ip++;
        }
      }
      const slot = m - 64;
      if (slot < 4) rep0 = slot;
      else {
        // Slots 62 and 63 start at 2^31, beyond any window: refused here so distances stay int32.
        if (slot >= 62) throw lzrCorrupt(LZR_CORRUPT.DISTANCE);
        const footer = (slot >>> 1) - 1;
        let dist = (2 | (slot & 1)) << footer;
        let reverseBase: number;
        let reverseBits: number;
        if (slot < 14) {
          reverseBase = SPECIAL_OFFSET[slot]!;
          reverseBits = footer;
        } else {
          let direct = 0;
          for (let b = footer - 4; b > 0; b--) {
            range = range >>> 1;
            if ((code ^ 0x80000000) >= (range ^ 0x80000000)) {
              code = (code - range) | 0;
              direct = (direct << 1) | 1;
            } else direct <<= 1;
            if ((range ^ 0x80000000) < TOP_FLIPPED) {
              range <<= 8;
              code = (code << 8) | (ip < inLen ? input[ip]! : 0);
              ip++;
            }
          }
          dist |= direct << 4;
          reverseBase = ALIGN;
          reverseBits = 4;
        }
        m = 1;
        for (let b = 0; b < reverseBits; b++) {
          // BIT reverse tree
          i = reverseBase + m;
          p = probs[i]!;
          bound = Math.imul(range >>> 11, p);
          if ((code ^ 0x80000000) < (bound ^ 0x80000000)) {
            range = bound;
            probs[i] = p + ((2048 - p) >>> 5);
            m <<= 1;
          } else {
            code = (code - bound) | 0;
            range = (range - bound) | 0;
            probs[i] = p - (p >>> 5);
            m = (m << 1) | 1;
            dist |= 1 << b;
          }
          if ((range ^ 0x80000000) < TOP_FLIPPED) {
            range <<= 8;
            code = (code << 8) | (ip < inLen ? input[ip]! : 0);
            ip++;
          }
        }
        rep0 = dist;
      }
    }

    let src = pos - rep0 - 1;
    if (src < 0) throw lzrCorrupt(LZR_CORRUPT.DISTANCE);
    if (len > end - pos) throw lzrCorrupt(LZR_CORRUPT.PAST_LENGTH);
    if (len >= 32 && rep0 >= len) {
      w.copyWithin(pos, src, src + len);
      pos += len;
    } else {
      const stop = pos + len;
      while (pos < stop) w[pos++] = w[src++]!;
    }
  }
  if (ip > inLen + 4) throw lzrCorrupt(LZR_CORRUPT.ENDS_EARLY);
  if (ip < inLen) throw lzrCorrupt(LZR_CORRUPT.TRAILING);
}
