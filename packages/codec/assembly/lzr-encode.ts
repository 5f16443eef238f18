// The LZR encoder's price-weighed lazy parse (effort "fast", spec/codec.md §10) in AssemblyScript,
// compiled by scripts/build-wasm.mjs into src/lzr-wasm-data.ts. It is src/lzr-encode.ts's Matcher,
// LazyChooser, SymbolWriter and encodeLazy, and src/lzr-range.ts's RangeEncoder, step for step: the
// output is byte-identical to the JavaScript encoder's (tested). Tables and buffers live in linear
// memory at addresses set by src/lzr-wasm.ts through configure().

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
  MAX_MATCH,
  MIN_MATCH,
  PROB_ONE,
  REP_LEN,
  TOP,
} from "./model";

const HASH_BITS: i32 = 16;
const HASH4_BITS: i32 = 15;
const HASH3_BITS: i32 = 14;
const MAX_DIST3: i32 = 1 << 12;
const MIN_MESSAGE_BITS: i32 = 10;
const FULL_DISTANCES: i32 = 128;
const LITERAL_GUESS: i32 = 5 * 16;
const LAZY_MARGIN: i32 = 64;
const LAZY_LOOKAHEAD_BELOW: i32 = 16;
const SKIP_INSIDE: i32 = 32;
const SKIP_KEEP: i32 = 8;

// Addresses (configure()).
let classes: usize = 0;
let special: usize = 0;
let priceTable: usize = 0;
let lenPrices: usize = 0;
let slotPrices: usize = 0;
let nearPrices: usize = 0;
let alignPrices: usize = 0;
let primed: usize = 0;
let probs: usize = 0;
let starts: usize = 0;
let positions: usize = 0;
let head: usize = 0;
let head4: usize = 0;
let head3: usize = 0;

/** Set the table addresses (once per instance). */
export function configure(
  classesAt: usize,
  specialAt: usize,
  priceAt: usize,
  lenAt: usize,
  slotAt: usize,
  nearAt: usize,
  alignAt: usize,
  primedAt: usize,
  probsAt: usize,
  startsAt: usize,
  positionsAt: usize,
  headAt: usize,
  head4At: usize,
  head3At: usize,
): void {
  classes = classesAt;
  special = specialAt;
  priceTable = priceAt;
  lenPrices = lenAt;
  slotPrices = slotAt;
  nearPrices = nearAt;
  alignPrices = alignAt;
  primed = primedAt;
  probs = probsAt;
  starts = startsAt;
  positions = positionsAt;
  head = headAt;
  head4 = head4At;
  head3 = head3At;
}

// ---- Range encoder (src/lzr-range.ts) ------------------------------------------------------------
let low: u32 = 0;
let carry: u32 = 0;
let range: u32 = 0;
let cache: u32 = 0;
let pending: i32 = 0;
let out: usize = 0;
let outLen: i32 = 0;
let outCap: i32 = 0;

function push(byte: u32): void {
  if (outLen < outCap) store<u8>(out + <usize>outLen, <u8>byte);
  outLen++;
}

function shiftLow(): void {
  if (carry !== 0 || low < 0xff000000) {
    let c = cache;
    do {
      push((c + carry) & 0xff);
      c = 0xff;
    } while (--pending !== 0);
    cache = low >> 24;
    carry = 0;
  }
  pending++;
  low <<= 8;
}

function encodeBit(index: i32, bit: i32): void {
  const at = probs + ((<usize>index) << 1);
  const p: u32 = <u32>load<u16>(at);
  const bound: u32 = (range >> 11) * p;
  if (bit === 0) {
    range = bound;
    store<u16>(at, <u16>(p + ((PROB_ONE - p) >> 5)));
  } else {
    const next = low + bound;
    if (next < low) carry = 1;
    low = next;
    range -= bound;
    store<u16>(at, <u16>(p - (p >> 5)));
  }
  if (range < TOP) {
    range <<= 8;
    shiftLow();
  }
}

/**
 * `bits` bits of `value` through the bit tree at `base`, most significant first: the bit step of
 * encodeBit written out with `low` and `range` in locals (a literal is nine bits: calls and global
 * accesses per bit cost ~15 % of encode time).
 */
function encodeTree(base: i32, bits: i32, value: i32): void {
  let lo = low;
  let r = range;
  let m: i32 = 1;
  for (let i = bits - 1; i >= 0; i--) {
    const bit = (value >>> i) & 1;
    const at = probs + ((<usize>(base + m)) << 1);
    const p: u32 = <u32>load<u16>(at);
    const bound: u32 = (r >> 11) * p;
    if (bit === 0) {
      r = bound;
      store<u16>(at, <u16>(p + ((PROB_ONE - p) >> 5)));
    } else {
      const next = lo + bound;
      if (next < lo) carry = 1;
      lo = next;
      r -= bound;
      store<u16>(at, <u16>(p - (p >> 5)));
    }
    m = (m << 1) | bit;
    if (r < TOP) {
      r <<= 8;
      low = lo;
      shiftLow();
      lo = low;
    }
  }
  low = lo;
  range = r;
}

function encodeReverseTree(base: i32, bits: i32, value: i32): void {
  let m: i32 = 1;
  for (let i = 0; i < bits; i++) {
    const bit = (value >>> i) & 1;
    encodeBit(base + m, bit);
    m = (m << 1) | bit;
  }
}

/** A literal after a match (src/lzr-range.ts matchedLiteral), with `low` and `range` in locals. */
function encodeMatchedLiteral(base: i32, byte: i32, matchByte: i32): void {
  let lo = low;
  let r = range;
  let offs: i32 = 0x100;
  let mb = matchByte;
  let symbol: i32 = 1;
  for (let i = 7; i >= 0; i--) {
    mb <<= 1;
    const matchBit = mb & offs;
    const bit = (byte >>> i) & 1;
    const at = probs + ((<usize>(base + offs + matchBit + symbol)) << 1);
    const p: u32 = <u32>load<u16>(at);
    const bound: u32 = (r >> 11) * p;
    if (bit === 0) {
      r = bound;
      store<u16>(at, <u16>(p + ((PROB_ONE - p) >> 5)));
    } else {
      const next = lo + bound;
      if (next < lo) carry = 1;
      lo = next;
      r -= bound;
      store<u16>(at, <u16>(p - (p >> 5)));
    }
    symbol = (symbol << 1) | bit;
    offs &= bit ? matchBit : ~matchBit;
    if (r < TOP) {
      r <<= 8;
      low = lo;
      shiftLow();
      lo = low;
    }
  }
  low = lo;
  range = r;
}

function encodeDirect(value: i32, count: i32): void {
  for (let i = count - 1; i >= 0; i--) {
    range >>= 1;
    if ((value >>> i) & 1) {
      const next = low + range;
      if (next < low) carry = 1;
      low = next;
    }
    if (range < TOP) {
      range <<= 8;
      shiftLow();
    }
  }
}

/** Flush (src/lzr-range.ts finish): the final value with the most trailing zero bytes. */
function finish(): void {
  const lo: u64 = ((<u64>carry) << 32) | <u64>low;
  const hi: u64 = lo + <u64>range - 1;
  for (let shift: u64 = 32; shift >= 8; shift -= 8) {
    const unit: u64 = (<u64>1) << shift;
    const v: u64 = ((lo + unit - 1) / unit) * unit;
    if (v <= hi) {
      carry = v >= 0x100000000 ? 1 : 0;
      low = <u32>(v & 0xffffffff);
      break;
    }
  }
  for (let i = 0; i < 5; i++) shiftLow();
}

// ---- Prices ---------------------------------------------------------------------------------------
function priceOf(index: i32, bit: i32): i32 {
  const p: u32 = <u32>load<u16>(probs + ((<usize>index) << 1));
  return <i32>load<u16>(priceTable + ((<usize>((bit === 0 ? p : PROB_ONE - p) >> 4)) << 1));
}

function primedPriceOf(index: i32, bit: i32): i32 {
  const p: u32 = <u32>load<u16>(primed + ((<usize>index) << 1));
  return <i32>load<u16>(priceTable + ((<usize>((bit === 0 ? p : PROB_ONE - p) >> 4)) << 1));
}

function distSlot(dist: i32): i32 {
  if (dist < 4) return dist;
  const n = 31 - <i32>clz<u32>(<u32>dist);
  return (n << 1) | ((dist >>> (n - 1)) & 1);
}

function lenState(len: i32): i32 {
  return min<i32>(len - MIN_MATCH, 3);
}

function lenPrice(index: i32): i32 {
  return load<i32>(lenPrices + ((<usize>index) << 2));
}

/** PriceTables.distance under the primed state. */
function distancePrice(dist: i32, len: i32): i32 {
  const ls = lenState(len);
  if (dist < FULL_DISTANCES) return load<i32>(nearPrices + ((<usize>(ls * FULL_DISTANCES + dist)) << 2));
  const s = distSlot(dist);
  const footer = (s >>> 1) - 1;
  let reduced = dist - ((2 | (s & 1)) << footer);
  const slotPrice = load<i32>(slotPrices + ((<usize>(ls * 64 + s)) << 2));
  if (s < 14) {
    const base = load<i32>(special + ((<usize>s) << 2));
    let price = 0;
    let m: i32 = 1;
    for (let i = 0; i < footer; i++) {
      const bit = reduced & 1;
      reduced >>>= 1;
      price += primedPriceOf(base + m, bit);
      m = (m << 1) | bit;
    }
    return slotPrice + price;
  }
  return slotPrice + (footer - 4) * 16 + load<i32>(alignPrices + ((<usize>(reduced & 15)) << 2));
}

function repeatChoicePrice(state: i32, i: i32): i32 {
  if (i === 0) return priceOf(IS_REP_G0 + state, 0) + priceOf(IS_REP0_LONG + state, 1);
  const g0 = priceOf(IS_REP_G0 + state, 1);
  if (i === 1) return g0 + priceOf(IS_REP_G1 + state, 0);
  return g0 + priceOf(IS_REP_G1 + state, 1) + priceOf(IS_REP_G2 + state, i - 2);
}

// ---- Matcher (src/lzr-encode.ts) -----------------------------------------------------------------
let w: usize = 0;
let prev: usize = 0;
let hashes: usize = 0;
let mStart: i32 = 0;
let mEnd: i32 = 0;
let inserted: i32 = 0;
let hashed: i32 = 0;
let mask: i32 = 0;
let mask4: i32 = 0;
let mask3: i32 = 0;

function byteAt(p: i32): i32 {
  return <i32>load<u8>(w + <usize>p);
}

function hashGet(i: i32): i32 {
  return load<i32>(hashes + ((<usize>i) << 2));
}

function hashAt(p: i32, i: i32): void {
  const left = mEnd - p;
  const at = hashes + ((<usize>i) << 2);
  if (left >= 5) {
    const v3: u32 = <u32>byteAt(p) | ((<u32>byteAt(p + 1)) << 8) | ((<u32>byteAt(p + 2)) << 16);
    const m4: u32 = (v3 | ((<u32>byteAt(p + 3)) << 24)) * 0x9e3779b1;
    store<i32>(at, <i32>((v3 * 0x2f0b4ea5) >> (32 - HASH3_BITS)));
    store<i32>(at + 4, <i32>(m4 >> (32 - HASH4_BITS)));
    store<i32>(at + 8, <i32>((m4 ^ (<u32>byteAt(p + 4) * 0x85ebca6b)) >> (32 - HASH_BITS)));
  } else if (left >= 3) {
    const v3: u32 = <u32>byteAt(p) | ((<u32>byteAt(p + 1)) << 8) | ((<u32>byteAt(p + 2)) << 16);
    store<i32>(at, <i32>((v3 * 0x2f0b4ea5) >> (32 - HASH3_BITS)));
    if (left >= 4)
      store<i32>(at + 4, <i32>(((v3 | ((<u32>byteAt(p + 3)) << 24)) * 0x9e3779b1) >> (32 - HASH4_BITS)));
  }
}

/** The position a head slot holds if it has the same full hash, else −1. */
function same(q: i32, k: i32, h: i32): i32 {
  return q >= 0 && hashGet(3 * (q - mStart) + k) === h ? q : -1;
}

function insertUpTo(limit: i32): void {
  const last = min<i32>(limit, mEnd - 2);
  let i = 3 * (inserted - mStart);
  for (let p = inserted; p < last; p++, i += 3) {
    if (p >= hashed) hashAt(p, i);
    store<i32>(head3 + ((<usize>(hashGet(i) & mask3)) << 2), p);
    if (p + 4 > mEnd) continue;
    store<i32>(head4 + ((<usize>(hashGet(i + 1) & mask4)) << 2), p);
    if (p + 5 > mEnd) continue;
    const h = hashGet(i + 2);
    const slot = head + ((<usize>(h & mask)) << 2);
    store<i32>(prev + ((<usize>(p - mStart)) << 2), same(load<i32>(slot), 2, h));
    store<i32>(slot, p);
  }
  if (last > inserted) inserted = last;
  if (last > hashed) hashed = last;
}

function skipTo(limit: i32): void {
  const last = min<i32>(limit, mEnd - 2);
  if (last > inserted) inserted = last;
}

// Match pairs (length, distance − 1).
let pairs: usize = 0;

function addPair(n: i32, len: i32, dist: i32): i32 {
  if (n > 0 && load<i32>(pairs + ((<usize>(n - 1)) << 2)) === dist) {
    store<i32>(pairs + ((<usize>(n - 2)) << 2), len);
    return n;
  }
  store<i32>(pairs + ((<usize>n) << 2), len);
  store<i32>(pairs + ((<usize>(n + 1)) << 2), dist);
  return n + 2;
}

function matchLength(a: i32, b: i32, avail: i32): i32 {
  let len = 0;
  while (len < avail && byteAt(a + len) === byteAt(b + len)) len++;
  return len;
}

function find(pos: i32, depth: i32, nice: i32): i32 {
  const avail = min<i32>(mEnd - pos, MAX_MATCH);
  if (avail < 3) return 0;
  let n = 0;
  let best = 2;
  const hi = 3 * (pos - mStart);
  if (pos >= hashed) {
    hashAt(pos, hi);
    hashed = pos + 1;
  }
  const h3 = hashGet(hi);
  const c3 = same(load<i32>(head3 + ((<usize>(h3 & mask3)) << 2)), 0, h3);
  if (
    c3 >= 0 &&
    pos - c3 <= MAX_DIST3 &&
    byteAt(c3) === byteAt(pos) &&
    byteAt(c3 + 1) === byteAt(pos + 1) &&
    byteAt(c3 + 2) === byteAt(pos + 2)
  ) {
    let len = 3;
    while (len < avail && byteAt(c3 + len) === byteAt(pos + len)) len++;
    best = len;
    store<i32>(pairs, len);
    store<i32>(pairs + 4, pos - c3 - 1);
    n = 2;
    if (len >= nice || len === avail) return n;
  }
  if (avail < 4) return n;
  const h4 = hashGet(hi + 1);
  const c4 = same(load<i32>(head4 + ((<usize>(h4 & mask4)) << 2)), 1, h4);
  if (c4 >= 0 && byteAt(c4 + best) === byteAt(pos + best) && byteAt(c4) === byteAt(pos)) {
    const len = matchLength(c4, pos, avail);
    if (len > best && len >= 4) {
      best = len;
      n = addPair(n, len, pos - c4 - 1);
      if (len >= nice || len === avail) return n;
    }
  }
  if (avail < 5) return n;
  const h = hashGet(hi + 2);
  let cand = same(load<i32>(head + ((<usize>(h & mask)) << 2)), 2, h);
  let j = -1;
  let jEnd = 0;
  for (let k = 0; k < depth; k++) {
    if (cand < 0) {
      if (j >= 0) break;
      j = load<i32>(starts + ((<usize>h) << 2));
      jEnd = load<i32>(starts + ((<usize>(h + 1)) << 2));
      if (j === jEnd) break;
      cand = load<i32>(positions + ((<usize>j) << 2));
      j++;
    }
    if (byteAt(cand + best) === byteAt(pos + best) && byteAt(cand) === byteAt(pos)) {
      const len = matchLength(cand, pos, avail);
      if (len > best) {
        best = len;
        n = addPair(n, len, pos - cand - 1);
        if (len >= nice || len === avail) return n;
      }
    }
    if (j < 0) cand = load<i32>(prev + ((<usize>(cand - mStart)) << 2));
    else if (j < jEnd) {
      cand = load<i32>(positions + ((<usize>j) << 2));
      j++;
    } else cand = -1;
  }
  return n;
}

// ---- Symbol writer -------------------------------------------------------------------------------
let state: i32 = 0;
let rep0: i32 = 0;
let rep1: i32 = 0;
let rep2: i32 = 0;
let rep3: i32 = 0;

function repAt(index: i32): i32 {
  return index === 0 ? rep0 : index === 1 ? rep1 : index === 2 ? rep2 : rep3;
}

function writeLiteral(pos: i32): void {
  const prevByte: usize = pos > 0 ? <usize>byteAt(pos - 1) : 0;
  const base = LITERAL + 0x300 * <i32>load<u8>(classes + prevByte);
  const byte = byteAt(pos);
  const matchPos = pos - rep0 - 1;
  encodeBit(IS_MATCH + state, 0);
  if (state >= 7 && matchPos >= 0) encodeMatchedLiteral(base, byte, byteAt(matchPos));
  else encodeTree(base, 8, byte);
  state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
}

function encodeLength(base: i32, len: i32): void {
  const l = len - MIN_MATCH;
  if (l < 8) {
    encodeBit(base, 0);
    encodeTree(base + 2, 3, l);
  } else if (l < 16) {
    encodeBit(base, 1);
    encodeBit(base + 1, 0);
    encodeTree(base + 10, 3, l - 8);
  } else {
    encodeBit(base, 1);
    encodeBit(base + 1, 1);
    encodeTree(base + 18, 8, l - 16);
  }
}

function writeRepeat(index: i32, len: i32): void {
  encodeBit(IS_MATCH + state, 1);
  encodeBit(IS_REP + state, 1);
  if (index === 0) {
    encodeBit(IS_REP_G0 + state, 0);
    encodeBit(IS_REP0_LONG + state, 1);
  } else {
    encodeBit(IS_REP_G0 + state, 1);
    const dist = repAt(index);
    if (index === 1) encodeBit(IS_REP_G1 + state, 0);
    else {
      encodeBit(IS_REP_G1 + state, 1);
      encodeBit(IS_REP_G2 + state, index - 2);
      if (index === 3) rep3 = rep2;
      rep2 = rep1;
    }
    rep1 = rep0;
    rep0 = dist;
  }
  encodeLength(REP_LEN, len);
  state = state < 7 ? 8 : 11;
}

function writeMatch(len: i32, dist: i32): void {
  encodeBit(IS_MATCH + state, 1);
  encodeBit(IS_REP + state, 0);
  encodeLength(LEN, len);
  const slot = distSlot(dist);
  encodeTree(DIST_SLOT + (lenState(len) << 6), 6, slot);
  if (slot >= 4) {
    const footer = (slot >>> 1) - 1;
    const reduced = dist - ((2 | (slot & 1)) << footer);
    if (slot < 14) encodeReverseTree(load<i32>(special + ((<usize>slot) << 2)), footer, reduced);
    else {
      encodeDirect(reduced >>> 4, footer - 4);
      encodeReverseTree(ALIGN, 4, reduced & 15);
    }
  }
  rep3 = rep2;
  rep2 = rep1;
  rep1 = rep0;
  rep0 = dist;
  state = state < 7 ? 7 : 10;
}

// ---- Lazy chooser and parse ----------------------------------------------------------------------
let chosenLen: i32 = 0;
let chosenKind: i32 = 0;
let chosenDist: i32 = 0;

function repLength(pos: i32, rep: i32, avail: i32): i32 {
  const src = pos - rep - 1;
  if (src < 0) return 0;
  return matchLength(src, pos, avail);
}

/** LazyChooser.choose: sets the chosen len/kind/dist at `pos` and returns its saving. */
function choose(pos: i32, st: i32, depth: i32, nice: i32): i32 {
  chosenLen = 0;
  chosenKind = 0;
  let best = 0;
  const avail = min<i32>(mEnd - pos, MAX_MATCH);
  const repFlag = priceOf(IS_MATCH + st, 1) + priceOf(IS_REP + st, 1);
  for (let i = 0; i < 4; i++) {
    const rl = repLength(pos, repAt(i), avail);
    if (rl < MIN_MATCH) continue;
    const saving = rl * LITERAL_GUESS - (repFlag + repeatChoicePrice(st, i) + lenPrice(MAX_MATCH + 1 + rl));
    if (saving > best) {
      best = saving;
      chosenLen = rl;
      chosenKind = 1 + i;
    }
  }
  if (chosenLen >= nice) return best;
  const n = find(pos, depth, nice);
  const headPrice = priceOf(IS_MATCH + st, 1) + priceOf(IS_REP + st, 0);
  for (let k = 0; k < n; k += 2) {
    const ml = load<i32>(pairs + ((<usize>k) << 2));
    const d = load<i32>(pairs + ((<usize>(k + 1)) << 2));
    const saving = ml * LITERAL_GUESS - (headPrice + lenPrice(ml) + distancePrice(d, ml));
    if (saving > best) {
      best = saving;
      chosenLen = ml;
      chosenKind = 5;
      chosenDist = d;
    }
  }
  return best;
}

/**
 * Encode window[start, end) of the window at `window` (the dictionary before `start`): `prevAt` and
 * `hashesAt` have room for end − start and 3 (end − start) entries, `pairsAt` for 2 (depth + 3),
 * `outAt` for `capacity` bytes. Returns the output length (the first, always-zero byte of the carry
 * scheme included), or −1 when the output would not fit.
 */
export function encodeLazy(
  window: usize,
  start: i32,
  end: i32,
  prevAt: usize,
  hashesAt: usize,
  pairsAt: usize,
  outAt: usize,
  capacity: i32,
  depth: i32,
  nice: i32,
): i32 {
  w = window;
  prev = prevAt;
  hashes = hashesAt;
  pairs = pairsAt;
  mStart = start;
  mEnd = end;
  inserted = start;
  hashed = start;
  const bits = max<i32>(MIN_MESSAGE_BITS, 32 - <i32>clz<u32>(<u32>(end - start)) + 1);
  mask = (1 << min<i32>(bits, HASH_BITS)) - 1;
  mask4 = (1 << min<i32>(bits, HASH4_BITS)) - 1;
  mask3 = (1 << min<i32>(bits, HASH3_BITS)) - 1;
  low = 0;
  carry = 0;
  range = 0xffffffff;
  cache = 0;
  pending = 1;
  out = outAt;
  outLen = 0;
  outCap = capacity;
  state = 0;
  rep0 = 0;
  rep1 = 0;
  rep2 = 0;
  rep3 = 0;
  const lookaheadBelow = min<i32>(nice, LAZY_LOOKAHEAD_BELOW);
  let pos = start;
  let saving = -1;
  while (pos < end) {
    if (saving < 0) {
      insertUpTo(pos);
      saving = choose(pos, state, depth, nice);
    }
    if (chosenKind !== 0 && chosenLen < lookaheadBelow && pos + 1 < end) {
      const len = chosenLen;
      const kind = chosenKind;
      const dist = chosenDist;
      insertUpTo(pos + 1);
      const nextState = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
      const next = choose(pos + 1, nextState, depth, nice);
      if (next > saving + LAZY_MARGIN) {
        writeLiteral(pos);
        pos++;
        saving = next;
        continue;
      }
      chosenLen = len;
      chosenKind = kind;
      chosenDist = dist;
    }
    const kind = chosenKind;
    if (kind === 0) {
      writeLiteral(pos);
      pos++;
    } else if (kind === 5) {
      writeMatch(chosenLen, chosenDist);
      pos += chosenLen;
    } else {
      writeRepeat(kind - 1, chosenLen);
      pos += chosenLen;
    }
    if (chosenLen >= SKIP_INSIDE) {
      insertUpTo(pos - chosenLen + SKIP_KEEP);
      skipTo(pos - SKIP_KEEP);
    }
    saving = -1;
  }
  // Clear the message tables for the next message.
  memory.fill(head, 0xff, (<usize>(mask + 1)) << 2);
  memory.fill(head4, 0xff, (<usize>(mask4 + 1)) << 2);
  memory.fill(head3, 0xff, (<usize>(mask3 + 1)) << 2);
  finish();
  return outLen <= outCap ? outLen : -1;
}
