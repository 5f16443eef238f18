// The LZR decoder (spec/codec.md §10) in AssemblyScript, compiled to WebAssembly by
// scripts/build-wasm.mjs into src/lzr-wasm-data.ts. It is src/lzr-decode.ts step for step — the same
// adaptive bit decode written out at each use (locals stay in registers; globals and calls would
// not), the same checks — with the coder's registers as unsigned 32-bit integers and the window,
// probabilities and input in linear memory (layout: src/lzr-wasm.ts). The JavaScript decoder stays
// as the fallback where WebAssembly is unavailable; tests hold the two to the same outputs and errors.

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
  MIN_MATCH,
  REP_LEN,
  TOP,
} from "./model";

/** Results other than 0 (src/lzr-wasm.ts turns them into CODEC_CORRUPT errors). */
const DISTANCE_BEFORE_WINDOW: i32 = -1;
const MATCH_PAST_LENGTH: i32 = -2;
const INPUT_ENDS_EARLY: i32 = -3;
const TRAILING_BYTES: i32 = -4;

/** One offset of the model layout, checked against src/lzr-model.ts by src/lzr-wasm.ts. */
export function layout(): i32 {
  return LITERAL;
}

/**
 * Decode the `inLen` bytes at `input` into window[start, start + length) of the window at `win`,
 * whose first `start` bytes are the dictionary; `probs` holds a copy of the primed probabilities
 * (u16), `classes` the 256 literal classes (u8), `special` the 14 special-slot offsets (i32).
 */
export function decode(
  win: usize,
  probs: usize,
  input: usize,
  inLen: i32,
  start: i32,
  length: i32,
  classes: usize,
  special: usize,
): i32 {
  let ip: i32 = 0;
  let range: u32 = 0xffffffff;
  let code: u32 = 0;
  for (; ip < 4; ip++) code = (code << 8) | (ip < inLen ? <u32>load<u8>(input + <usize>ip) : 0);
  const end = start + length;
  let pos = start;
  let state: i32 = 0;
  let rep0: i32 = 0;
  let rep1: i32 = 0;
  let rep2: i32 = 0;
  let rep3: i32 = 0;
  let bit: i32 = 0;
  let p: u32 = 0;
  let bound: u32 = 0;
  let at: usize = 0;

  while (pos < end) {
    // BIT isMatch[state]
    at = probs + ((<usize>(IS_MATCH + state)) << 1);
    p = <u32>load<u16>(at);
    bound = (range >> 11) * p;
    if (code < bound) {
      range = bound;
      store<u16>(at, <u16>(p + ((2048 - p) >> 5)));
      bit = 0;
    } else {
      code -= bound;
      range -= bound;
      store<u16>(at, <u16>(p - (p >> 5)));
      bit = 1;
    }
    if (range < TOP) {
      range <<= 8;
      code = (code << 8) | (ip < inLen ? <u32>load<u8>(input + <usize>ip) : 0);
      ip++;
    }
    if (bit === 0) {
      const prev: usize = pos > 0 ? <usize>load<u8>(win + <usize>(pos - 1)) : 0;
      const base = LITERAL + 0x300 * <i32>load<u8>(classes + prev);
      let symbol: i32 = 1;
      const matchPos = pos - rep0 - 1;
      if (state >= 7 && matchPos >= 0) {
        let mb: i32 = <i32>load<u8>(win + <usize>matchPos);
        let offs: i32 = 0x100;
        do {
          mb <<= 1;
          const matchBit = mb & offs;
          // BIT literal, matched
          at = probs + ((<usize>(base + offs + matchBit + symbol)) << 1);
          p = <u32>load<u16>(at);
          bound = (range >> 11) * p;
          if (code < bound) {
            range = bound;
            store<u16>(at, <u16>(p + ((2048 - p) >> 5)));
            symbol <<= 1;
            offs &= ~matchBit;
          } else {
            code -= bound;
            range -= bound;
            store<u16>(at, <u16>(p - (p >> 5)));
            symbol = (symbol << 1) | 1;
            offs &= matchBit;
          }
          if (range < TOP) {
            range <<= 8;
            code = (code << 8) | (ip < inLen ? <u32>load<u8>(input + <usize>ip) : 0);
            ip++;
          }
        } while (symbol < 0x100);
      } else {
        do {
          // BIT literal
          at = probs + ((<usize>(base + symbol)) << 1);
          p = <u32>load<u16>(at);
          bound = (range >> 11) * p;
          if (code < bound) {
            range = bound;
            store<u16>(at, <u16>(p + ((2048 - p) >> 5)));
            symbol <<= 1;
          } else {
            code -= bound;
            range -= bound;
            store<u16>(at, <u16>(p - (p >> 5)));
            symbol = (symbol << 1) | 1;
          }
          if (range < TOP) {
            range <<= 8;
            code = (code << 8) | (ip < inLen ? <u32>load<u8>(input + <usize>ip) : 0);
            ip++;
          }
        } while (symbol < 0x100);
      }
      store<u8>(win + <usize>pos, <u8>symbol);
      pos++;
      state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
      continue;
    }

    // A match, a repeat or a short repeat: flags first, then a length.
    let lenBase = LEN;
    let isNewMatch = false;
    // BIT isRep[state]
    at = probs + ((<usize>(IS_REP + state)) << 1);
    p = <u32>load<u16>(at);
    bound = (range >> 11) * p;
    if (code < bound) {
      range = bound;
      store<u16>(at, <u16>(p + ((2048 - p) >> 5)));
      bit = 0;
    } else {
      code -= bound;
      range -= bound;
      store<u16>(at, <u16>(p - (p >> 5)));
      bit = 1;
    }
    if (range < TOP) {
      range <<= 8;
      code = (code << 8) | (ip < inLen ? <u32>load<u8>(input + <usize>ip) : 0);
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
      // BIT isRepG0[state]
      at = probs + ((<usize>(IS_REP_G0 + state)) << 1);
      p = <u32>load<u16>(at);
      bound = (range >> 11) * p;
      if (code < bound) {
        range = bound;
        store<u16>(at, <u16>(p + ((2048 - p) >> 5)));
        bit = 0;
      } else {
        code -= bound;
        range -= bound;
        store<u16>(at, <u16>(p - (p >> 5)));
        bit = 1;
      }
      if (range < TOP) {
        range <<= 8;
        code = (code << 8) | (ip < inLen ? <u32>load<u8>(input + <usize>ip) : 0);
        ip++;
      }
      if (bit === 0) {
        // BIT isRep0Long[state]
        at = probs + ((<usize>(IS_REP0_LONG + state)) << 1);
        p = <u32>load<u16>(at);
        bound = (range >> 11) * p;
        if (code < bound) {
          range = bound;
          store<u16>(at, <u16>(p + ((2048 - p) >> 5)));
          bit = 0;
        } else {
          code -= bound;
          range -= bound;
          store<u16>(at, <u16>(p - (p >> 5)));
          bit = 1;
        }
        if (range < TOP) {
          range <<= 8;
          code = (code << 8) | (ip < inLen ? <u32>load<u8>(input + <usize>ip) : 0);
          ip++;
        }
        if (bit === 0) {
          // Short repeat: one byte at rep0.
          const src = pos - rep0 - 1;
          if (src < 0) return DISTANCE_BEFORE_WINDOW;
          store<u8>(win + <usize>pos, load<u8>(win + <usize>src));
          pos++;
          state = state < 7 ? 9 : 11;
          continue;
        }
      } else {
        let dist: i32;
        // BIT isRepG1[state]
        at = probs + ((<usize>(IS_REP_G1 + state)) << 1);
        p = <u32>load<u16>(at);
        bound = (range >> 11) * p;
        if (code < bound) {
          range = bound;
          store<u16>(at, <u16>(p + ((2048 - p) >> 5)));
          bit = 0;
        } else {
          code -= bound;
          range -= bound;
          store<u16>(at, <u16>(p - (p >> 5)));
          bit = 1;
        }
        if (range < TOP) {
          range <<= 8;
          code = (code << 8) | (ip < inLen ? <u32>load<u8>(input + <usize>ip) : 0);
          ip++;
        }
        if (bit === 0) dist = rep1;
        else {
          // BIT isRepG2[state]
          at = probs + ((<usize>(IS_REP_G2 + state)) << 1);
          p = <u32>load<u16>(at);
          bound = (range >> 11) * p;
          if (code < bound) {
            range = bound;
            store<u16>(at, <u16>(p + ((2048 - p) >> 5)));
            bit = 0;
          } else {
            code -= bound;
            range -= bound;
            store<u16>(at, <u16>(p - (p >> 5)));
            bit = 1;
          }
          if (range < TOP) {
            range <<= 8;
            code = (code << 8) | (ip < inLen ? <u32>load<u8>(input + <usize>ip) : 0);
            ip++;
          }
          if (bit === 0) dist = rep2;
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
    // BIT choice
    at = probs + ((<usize>lenBase) << 1);
    p = <u32>load<u16>(at);
    bound = (range >> 11) * p;
    if (code < bound) {
      range = bound;
      store<u16>(at, <u16>(p + ((2048 - p) >> 5)));
      bit = 0;
    } else {
      code -= bound;
      range -= bound;
      store<u16>(at, <u16>(p - (p >> 5)));
      bit = 1;
    }
    if (range < TOP) {
      range <<= 8;
      code = (code << 8) | (ip < inLen ? <u32>load<u8>(input + <usize>ip) : 0);
      ip++;
    }
    if (bit !== 0) {
      len += 8;
      tree = lenBase + 10;
      // BIT choice2
      at = probs + ((<usize>(lenBase + 1)) << 1);
      p = <u32>load<u16>(at);
      bound = (range >> 11) * p;
      if (code < bound) {
        range = bound;
        store<u16>(at, <u16>(p + ((2048 - p) >> 5)));
        bit = 0;
      } else {
        code -= bound;
        range -= bound;
        store<u16>(at, <u16>(p - (p >> 5)));
        bit = 1;
      }
      if (range < TOP) {
        range <<= 8;
        code = (code << 8) | (ip < inLen ? <u32>load<u8>(input + <usize>ip) : 0);
        ip++;
      }
      if (bit !== 0) {
        len += 8;
        tree = lenBase + 18;
        bits = 8;
      }
    }
    let m: i32 = 1;
    for (let b = 0; b < bits; b++) {
      // BIT length tree
      at = probs + ((<usize>(tree + m)) << 1);
      p = <u32>load<u16>(at);
      bound = (range >> 11) * p;
      if (code < bound) {
        range = bound;
        store<u16>(at, <u16>(p + ((2048 - p) >> 5)));
        m <<= 1;
      } else {
        code -= bound;
        range -= bound;
        store<u16>(at, <u16>(p - (p >> 5)));
        m = (m << 1) | 1;
      }
      if (range < TOP) {
        range <<= 8;
        code = (code << 8) | (ip < inLen ? <u32>load<u8>(input + <usize>ip) : 0);
        ip++;
      }
    }
    len += m - (1 << bits);

    if (isNewMatch) {
      // Distance slot (6-bit tree in the length-state's context), then its low bits.
      const slotBase = DIST_SLOT + (min<i32>(len - MIN_MATCH, 3) << 6);
      m = 1;
      for (let b = 0; b < 6; b++) {
        // BIT slot tree
        at = probs + ((<usize>(slotBase + m)) << 1);
        p = <u32>load<u16>(at);
        bound = (range >> 11) * p;
        if (code < bound) {
          range = bound;
          store<u16>(at, <u16>(p + ((2048 - p) >> 5)));
          m <<= 1;
        } else {
          code -= bound;
          range -= bound;
          store<u16>(at, <u16>(p - (p >> 5)));
          m = (m << 1) | 1;
        }
        if (range < TOP) {
          range <<= 8;
          code = (code << 8) | (ip < inLen ? <u32>load<u8>(input + <usize>ip) : 0);
          ip++;
        }
      }
      const slot = m - 64;
      if (slot < 4) rep0 = slot;
      else {
        // Slots 62 and 63 start at 2^31, beyond any window.
        if (slot >= 62) return DISTANCE_BEFORE_WINDOW;
        const footer = (slot >> 1) - 1;
        let dist = (2 | (slot & 1)) << footer;
        let reverseBase: i32 = ALIGN;
        let reverseBits: i32 = 4;
        if (slot < 14) {
          reverseBase = load<i32>(special + ((<usize>slot) << 2));
          reverseBits = footer;
        } else {
          let direct: i32 = 0;
          for (let b = footer - 4; b > 0; b--) {
            range >>= 1;
            if (code >= range) {
              code -= range;
              direct = (direct << 1) | 1;
            } else direct <<= 1;
            if (range < TOP) {
              range <<= 8;
              code = (code << 8) | (ip < inLen ? <u32>load<u8>(input + <usize>ip) : 0);
              ip++;
            }
          }
          dist |= direct << 4;
        }
        m = 1;
        for (let b = 0; b < reverseBits; b++) {
          // BIT reverse tree
          at = probs + ((<usize>(reverseBase + m)) << 1);
          p = <u32>load<u16>(at);
          bound = (range >> 11) * p;
          if (code < bound) {
            range = bound;
            store<u16>(at, <u16>(p + ((2048 - p) >> 5)));
            m <<= 1;
          } else {
            code -= bound;
            range -= bound;
            store<u16>(at, <u16>(p - (p >> 5)));
            m = (m << 1) | 1;
            dist |= 1 << b;
          }
          if (range < TOP) {
            range <<= 8;
            code = (code << 8) | (ip < inLen ? <u32>load<u8>(input + <usize>ip) : 0);
            ip++;
          }
        }
        rep0 = dist;
      }
    }

    let src = pos - rep0 - 1;
    if (src < 0) return DISTANCE_BEFORE_WINDOW;
    if (len > end - pos) return MATCH_PAST_LENGTH;
    if (len >= 32 && rep0 >= len) {
      memory.copy(win + <usize>pos, win + <usize>src, <usize>len);
      pos += len;
    } else {
      const stop = pos + len;
      while (pos < stop) {
        store<u8>(win + <usize>pos, load<u8>(win + <usize>src));
        pos++;
        src++;
      }
    }
  }
  if (ip > inLen + 4) return INPUT_ENDS_EARLY;
  if (ip < inLen) return TRAILING_BYTES;
  return 0;
}
