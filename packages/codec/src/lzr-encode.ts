// LZR encoder (spec/codec.md §10): a hash-chain match finder over dictionary + message, a symbol
// writer that keeps the coder state the decoder will have, and three parsers: greedy (primes the
// model from the dictionary, so its choices are part of the format; also used for large messages),
// price-driven optimal (messages, the default) and price-weighed lazy (effort "fast"). Any parse of a
// message decodes the same way.
import {
  ALIGN,
  DIST_SLOT,
  distSlot,
  IS_MATCH,
  IS_REP,
  IS_REP_G0,
  IS_REP_G1,
  IS_REP_G2,
  IS_REP0_LONG,
  LEN,
  lenState,
  literalBase,
  MAX_MATCH,
  MIN_MATCH,
  nextStateLiteral,
  nextStateMatch,
  nextStateRep,
  nextStateShortRep,
  REP_LEN,
  SPECIAL_OFFSET,
} from "./lzr-model.js";
import { PRICE, PROB_ONE, type RangeEncoder } from "./lzr-range.js";

// ---- Hash chains ---------------------------------------------------------------------------------
export const HASH_BITS = 16;
export const HASH4_BITS = 15;
export const HASH3_BITS = 14;
/** 3-byte matches further back than this cost more than three literals. */
const MAX_DIST3 = 1 << 12;

/**
 * Chains link positions with the same 5-byte hash (hash4's product mixed with the fifth byte, see
 * Matcher.hashAt); 3- and 4-byte heads keep only the latest.
 */
const hash4 = (w: Uint8Array, p: number): number =>
  Math.imul(w[p]! | (w[p + 1]! << 8) | (w[p + 2]! << 16) | (w[p + 3]! << 24), 0x9e3779b1) >>>
  (32 - HASH4_BITS);
const hash3 = (w: Uint8Array, p: number): number =>
  Math.imul(w[p]! | (w[p + 1]! << 8) | (w[p + 2]! << 16), 0x2f0b4ea5) >>> (32 - HASH3_BITS);

/**
 * Where matches are looked up. While the dictionary is primed, `head*` and `prev` are its own tables
 * (kept afterwards, see {@link DictionaryTables}); while a message is coded, `head*` are small
 * message-local tables (cleared after it) in front of the dictionary's, which are never modified.
 */
export interface ChainState {
  readonly window: Uint8Array;
  /**
   * Chain links of the positions being coded, from the first one on: prev[p − start] is the
   * previous position with p's 5-byte hash (or −1). While priming, start is 0.
   */
  readonly prev: Int32Array;
  /** Latest position per 5-byte hash (chained through prev), per 4-byte and per 3-byte hash. */
  readonly head: Int32Array;
  readonly head4: Int32Array;
  readonly head3: Int32Array;
  /** Null while priming; a message's matches continue into the dictionary's tables. */
  readonly dictionary: DictionaryTables | null;
}

/**
 * The dictionary's tables, read-only once primed: its 5-byte-hash chains laid out contiguously, in
 * the order `prev` would give without a cache miss per step: the positions with hash `h`, newest
 * first, are positions[starts[h] … starts[h + 1]). A message's 3- and 4-byte candidates come from
 * the message only: the dictionary's latest 4-byte-hash position (looked up when no 5-byte match
 * was found) saved 5 of 13,393 bytes on the held-out set and nothing on other-source prose, for a
 * cache miss per literal (~2 % of encode time) and 128 KiB per context; its 3-byte one saved 0.04 %.
 */
export interface DictionaryTables {
  readonly starts: Int32Array;
  readonly positions: Int32Array;
}

/** Freeze the tables left by priming (`head` and `prev` chains become buckets). */
export function dictionaryTables(c: ChainState): DictionaryTables {
  const { head, prev } = c;
  const buckets = head.length;
  const starts = new Int32Array(buckets + 1);
  let count = 0;
  for (let h = 0; h < buckets; h++) {
    starts[h] = count;
    for (let p = head[h]!; p >= 0; p = prev[p]!) count++;
  }
  starts[buckets] = count;
  const positions = new Int32Array(count);
  for (let h = 0, j = 0; h < buckets; h++) for (let p = head[h]!; p >= 0; p = prev[p]!) positions[j++] = p;
  return { starts, positions };
}

/** Match-pair scratch for `depth` candidates (pairs of length, distance − 1), shared by messages. */
let sharedPairs: Int32Array = new Int32Array(0);
function pairsFor(depth: number): Int32Array {
  const need = 2 * (depth + 3);
  if (sharedPairs.length < need) sharedPairs = new Int32Array(Math.max(need, 2 * (64 + 3)));
  return sharedPairs;
}

/** Message-local table sizes: at least 2^MIN_MESSAGE_BITS entries, about twice the message length. */
const MIN_MESSAGE_BITS = 10;

/** Parser effort. */
export interface LzrEffort {
  /** Hash-chain candidates examined per position. */
  readonly depth: number;
  /** A match this long is taken without weighing alternatives. */
  readonly nice: number;
  /** Price-driven optimal parse (default), price-weighed lazy parse, or the greedy priming parse. */
  readonly parser?: "optimal" | "lazy" | "greedy";
}

/** Hash scratch shared by messages (grown up to this many positions; larger inputs get their own). */
const SHARED_HASH_POSITIONS = 1 << 16;
let sharedHashes: Int32Array = new Int32Array(0);

/**
 * Append the match (len, dist) to `pairs`, which holds `n` entries, or lengthen the last pair if it
 * has the same distance (a longer match at the same place). Returns the new entry count.
 */
function addPair(pairs: Int32Array, n: number, len: number, dist: number): number {
  if (n > 0 && pairs[n - 1] === dist) {
    pairs[n - 2] = len;
    return n;
  }
  pairs[n] = len;
  pairs[n + 1] = dist;
  return n + 2;
}

class Matcher {
  private inserted: number;
  /** Positions below this one have their hashes in `hashes` (find hashes the position it looks up). */
  private hashed: number;
  private readonly w: Uint8Array;
  private readonly prev: Int32Array;
  private readonly head: Int32Array;
  private readonly head4: Int32Array;
  private readonly head3: Int32Array;
  /** Masks of the `head*` tables in use (the full hash while priming: message tables are smaller). */
  private readonly mask: number;
  private readonly mask4: number;
  private readonly mask3: number;
  /** [3 × (p − start)] = hash3, hash4, hash5 of positions inserted or looked up. */
  private readonly hashes: Int32Array;
  private readonly dictionary: DictionaryTables | null;
  private readonly start: number;
  private readonly end: number;

  constructor(c: ChainState, start: number, end: number) {
    this.start = start;
    this.end = end;
    this.inserted = start;
    this.hashed = start;
    this.w = c.window;
    this.prev = c.prev;
    this.head = c.head;
    this.head4 = c.head4;
    this.head3 = c.head3;
    this.dictionary = c.dictionary;
    // A message's tables: ~2 entries per byte (fewer collisions than the dictionary's, and small
    // enough to stay in cache); while priming, the full tables.
    const bits = c.dictionary ? Math.max(MIN_MESSAGE_BITS, 32 - Math.clz32(end - start) + 1) : 32;
    this.mask = (1 << Math.min(bits, HASH_BITS)) - 1;
    this.mask4 = (1 << Math.min(bits, HASH4_BITS)) - 1;
    this.mask3 = (1 << Math.min(bits, HASH3_BITS)) - 1;
    const n = 3 * (end - start);
    if (n > sharedHashes.length && end - start <= SHARED_HASH_POSITIONS)
      sharedHashes = new Int32Array(3 * SHARED_HASH_POSITIONS);
    this.hashes = n <= sharedHashes.length ? sharedHashes : new Int32Array(n);
  }

  /**
   * Store hash3 (if 3 bytes remain), hash4 (if 4 do) and hash5 (if 5 do) of position `p` at
   * hashes[i …]. Computed for positions inserted or looked up only: the inside of a long match is
   * neither.
   */
  private hashAt(p: number, i: number): void {
    const { w, hashes } = this;
    const left = this.end - p;
    if (left >= 5) {
      const v3 = w[p]! | (w[p + 1]! << 8) | (w[p + 2]! << 16);
      const m4 = Math.imul(v3 | (w[p + 3]! << 24), 0x9e3779b1);
      hashes[i] = Math.imul(v3, 0x2f0b4ea5) >>> (32 - HASH3_BITS);
      hashes[i + 1] = m4 >>> (32 - HASH4_BITS);
      hashes[i + 2] = (m4 ^ Math.imul(w[p + 4]!, 0x85ebca6b)) >>> (32 - HASH_BITS);
    } else if (left >= 3) {
      hashes[i] = hash3(w, p);
      if (left >= 4) hashes[i + 1] = hash4(w, p);
    }
  }

  /**
   * The position a head slot holds, if it has the same full hash (message tables are indexed by its
   * low bits), else −1. `k`: 0 hash3, 1 hash4, 2 hash5.
   */
  private same(q: number, k: number, h: number): number {
    return q >= 0 && this.hashes[3 * (q - this.start) + k] === h ? q : -1;
  }

  /** Add positions below `limit` to the chains. */
  insertUpTo(limit: number): void {
    const { prev, head, head4, head3, hashes, mask, mask4, mask3 } = this;
    const end = this.end;
    const last = Math.min(limit, end - 2);
    let i = 3 * (this.inserted - this.start);
    for (let p = this.inserted; p < last; p++, i += 3) {
      if (p >= this.hashed) this.hashAt(p, i);
      head3[hashes[i]! & mask3] = p;
      if (p + 4 > end) continue;
      head4[hashes[i + 1]! & mask4] = p;
      if (p + 5 > end) continue;
      const h = hashes[i + 2]!;
      prev[p - this.start] = this.same(head[h & mask]!, 2, h);
      head[h & mask] = p;
    }
    if (last > this.inserted) this.inserted = last;
    if (last > this.hashed) this.hashed = last;
  }

  /** Leave positions below `limit` out of the chains (the inside of a long match). */
  skipTo(limit: number): void {
    const last = Math.min(limit, this.end - 2);
    if (last > this.inserted) this.inserted = last;
  }

  /** After a message: clear its tables (the dictionary's were never touched). */
  done(): void {
    if (this.dictionary) {
      this.head.fill(-1, 0, this.mask + 1);
      this.head4.fill(-1, 0, this.mask4 + 1);
      this.head3.fill(-1, 0, this.mask3 + 1);
    } else this.insertUpTo(this.end);
  }

  /**
   * Matches at `pos` (positions before it must be inserted, `pos` not yet): pairs (length, distance − 1)
   * with strictly increasing lengths, nearest first for each length. Returns the number of pairs.
   * Candidates: the latest 3-byte-hash position (if near) and the latest 4-byte-hash position (the
   * message's only while a message is coded), then the 5-byte-hash chain — the message's positions,
   * then the dictionary's bucket.
   */
  find(pos: number, depth: number, nice: number, pairs: Int32Array): number {
    const { w, prev, hashes, dictionary } = this;
    const avail = Math.min(this.end - pos, MAX_MATCH);
    if (avail < 3) return 0;
    let n = 0;
    let best = 2;
    const hi = 3 * (pos - this.start);
    if (pos >= this.hashed) {
      this.hashAt(pos, hi);
      this.hashed = pos + 1;
    }
    const h3 = hashes[hi]!;
    const c3 = this.same(this.head3[h3 & this.mask3]!, 0, h3);
    if (
      c3 >= 0 &&
      pos - c3 <= MAX_DIST3 &&
      w[c3] === w[pos] &&
      w[c3 + 1] === w[pos + 1] &&
      w[c3 + 2] === w[pos + 2]
    ) {
      let len = 3;
      while (len < avail && w[c3 + len] === w[pos + len]) len++;
      best = len;
      pairs[n++] = len;
      pairs[n++] = pos - c3 - 1;
      if (len >= nice || len === avail) return n;
    }
    if (avail < 4) return n;
    const h4 = hashes[hi + 1]!;
    const c4 = this.same(this.head4[h4 & this.mask4]!, 1, h4);
    if (c4 >= 0 && w[c4 + best] === w[pos + best] && w[c4] === w[pos]) {
      let len = 0;
      while (len < avail && w[c4 + len] === w[pos + len]) len++;
      if (len > best && len >= 4) {
        best = len;
        n = addPair(pairs, n, len, pos - c4 - 1);
        if (len >= nice || len === avail) return n;
      }
    }
    if (avail < 5) return n;
    const h = hashes[hi + 2]!;
    let cand = this.same(this.head[h & this.mask]!, 2, h);
    // The message's chain through prev (−1-terminated), then the dictionary's bucket,
    // positions[j … jEnd) (j ≥ 0 once there).
    let j = -1;
    let jEnd = 0;
    for (let k = 0; k < depth; k++) {
      if (cand < 0) {
        // The message's chain ended (or was empty): go on with the dictionary's bucket, once.
        if (j >= 0 || !dictionary) break;
        j = dictionary.starts[h]!;
        jEnd = dictionary.starts[h + 1]!;
        if (j === jEnd) break;
        cand = dictionary.positions[j++]!;
      }
      if (w[cand + best] === w[pos + best] && w[cand] === w[pos]) {
        let len = 0;
        while (len < avail && w[cand + len] === w[pos + len]) len++;
        if (len > best) {
          best = len;
          n = addPair(pairs, n, len, pos - cand - 1);
          if (len >= nice || len === avail) return n;
        }
      }
      cand = j < 0 ? prev[cand - this.start]! : j < jEnd ? dictionary!.positions[j++]! : -1;
    }
    return n;
  }
}

/**
 * Insert every position of window[0, end) into priming tables, as the priming parse leaves them (it
 * inserts each position in order and skips none): for a dictionary whose primed probabilities are
 * already known.
 */
export function chainAll(c: ChainState, end: number): void {
  new Matcher(c, 0, end).done();
}

// ---- Symbol writer -------------------------------------------------------------------------------
function encodeLength(rc: RangeEncoder, base: number, len: number): void {
  const l = len - MIN_MATCH;
  if (l < 8) {
    rc.bit(base, 0);
    rc.tree(base + 2, 3, l);
  } else if (l < 16) {
    rc.bit(base, 1);
    rc.bit(base + 1, 0);
    rc.tree(base + 10, 3, l - 8);
  } else {
    rc.bit(base, 1);
    rc.bit(base + 1, 1);
    rc.tree(base + 18, 8, l - 16);
  }
}

/** Codes symbols and tracks the state and recent distances exactly as the decoder will. */
class SymbolWriter {
  state = 0;
  rep0 = 0;
  rep1 = 0;
  rep2 = 0;
  rep3 = 0;

  private readonly rc: RangeEncoder;
  private readonly w: Uint8Array;

  constructor(rc: RangeEncoder, w: Uint8Array) {
    this.rc = rc;
    this.w = w;
  }

  rep(index: number): number {
    return index === 0 ? this.rep0 : index === 1 ? this.rep1 : index === 2 ? this.rep2 : this.rep3;
  }

  literal(pos: number): void {
    const { rc, w } = this;
    const state = this.state;
    const base = literalBase(pos > 0 ? w[pos - 1]! : 0);
    const byte = w[pos]!;
    const matchPos = pos - this.rep0 - 1;
    if (state >= 7 && matchPos >= 0) {
      rc.bit(IS_MATCH + state, 0);
      rc.matchedLiteral(base, byte, w[matchPos]!);
    } else rc.tree(base, 8, byte, false, IS_MATCH + state);
    this.state = nextStateLiteral(state);
  }

  shortRep(): void {
    const { rc, state } = this;
    rc.bit(IS_MATCH + state, 1);
    rc.bit(IS_REP + state, 1);
    rc.bit(IS_REP_G0 + state, 0);
    rc.bit(IS_REP0_LONG + state, 0);
    this.state = nextStateShortRep(state);
  }

  repeat(index: number, len: number): void {
    const { rc, state } = this;
    rc.bit(IS_MATCH + state, 1);
    rc.bit(IS_REP + state, 1);
    if (index === 0) {
      rc.bit(IS_REP_G0 + state, 0);
      rc.bit(IS_REP0_LONG + state, 1);
    } else {
      rc.bit(IS_REP_G0 + state, 1);
      const dist = this.rep(index);
      if (index === 1) rc.bit(IS_REP_G1 + state, 0);
      else {
        rc.bit(IS_REP_G1 + state, 1);
        rc.bit(IS_REP_G2 + state, index - 2);
        if (index === 3) this.rep3 = this.rep2;
        this.rep2 = this.rep1;
      }
      this.rep1 = this.rep0;
      this.rep0 = dist;
    }
    encodeLength(rc, REP_LEN, len);
    this.state = nextStateRep(state);
  }

  match(len: number, dist: number): void {
    const { rc, state } = this;
    rc.bit(IS_MATCH + state, 1);
    rc.bit(IS_REP + state, 0);
    encodeLength(rc, LEN, len);
    const slot = distSlot(dist);
    rc.tree(DIST_SLOT + (lenState(len) << 6), 6, slot);
    if (slot >= 4) {
      const footer = (slot >>> 1) - 1;
      const reduced = dist - ((2 | (slot & 1)) << footer);
      if (slot < 14) rc.tree(SPECIAL_OFFSET[slot]!, footer, reduced, true);
      else {
        rc.direct(reduced >>> 4, footer - 4);
        rc.tree(ALIGN, 4, reduced & 15, true);
      }
    }
    this.rep3 = this.rep2;
    this.rep2 = this.rep1;
    this.rep1 = this.rep0;
    this.rep0 = dist;
    this.state = nextStateMatch(state);
  }
}

function repLength(w: Uint8Array, pos: number, rep: number, avail: number): number {
  const src = pos - rep - 1;
  if (src < 0) return 0;
  let len = 0;
  while (len < avail && w[src + len] === w[pos + len]) len++;
  return len;
}

// ---- Greedy parser (priming) --------------------------------------------------------------------
/** Effort of the priming parse. Part of the format: both ends must prime identically. */
export const PRIMING_EFFORT: LzrEffort = { depth: 4, nice: 32 };

/**
 * The priming parse, normative (spec/codec.md §10.4): at each position take the longest repeat of a
 * recent distance if it is at least 2 bytes and not shorter than the best new match minus one, else
 * the best new match if it is at least 4 bytes, else a literal.
 */
export function encodeGreedy(
  c: ChainState,
  rc: RangeEncoder,
  start: number,
  end: number,
  effort: LzrEffort,
): void {
  const w = c.window;
  const m = new Matcher(c, start, end);
  const out = new SymbolWriter(rc, w);
  const pairs = pairsFor(effort.depth);
  let pos = start;
  while (pos < end) {
    m.insertUpTo(pos);
    const avail = Math.min(end - pos, MAX_MATCH);
    const n = m.find(pos, effort.depth, effort.nice, pairs);
    const mainLen = n > 0 ? pairs[n - 2]! : 0;
    let repLen = 0;
    let repIndex = 0;
    for (let i = 0; i < 4; i++) {
      const len = repLength(w, pos, out.rep(i), avail);
      if (len > repLen) {
        repLen = len;
        repIndex = i;
      }
    }
    if (repLen >= MIN_MATCH && repLen + 1 >= mainLen) {
      out.repeat(repIndex, repLen);
      pos += repLen;
    } else if (mainLen >= 4) {
      out.match(mainLen, pairs[n - 1]!);
      pos += mainLen;
    } else {
      out.literal(pos);
      pos++;
    }
  }
  // Priming keeps the chains it built (they become the dictionary's); a message gives its heads back.
  m.done();
}

// ---- Prices ---------------------------------------------------------------------------------------
const priceOf = (probs: Uint16Array, index: number, bit: number): number => {
  const p = probs[index]!;
  return PRICE[(bit === 0 ? p : PROB_ONE - p) >>> 4]!;
};

function treePrice(probs: Uint16Array, base: number, bits: number, value: number): number {
  let price = 0;
  let m = 1;
  for (let i = bits - 1; i >= 0; i--) {
    const bit = (value >>> i) & 1;
    price += priceOf(probs, base + m, bit);
    m = (m << 1) | bit;
  }
  return price;
}

function reverseTreePrice(probs: Uint16Array, base: number, bits: number, value: number): number {
  let price = 0;
  let m = 1;
  for (let i = 0; i < bits; i++) {
    const bit = value & 1;
    value >>>= 1;
    price += priceOf(probs, base + m, bit);
    m = (m << 1) | bit;
  }
  return price;
}

/** Price of the flags after isRep that choose repeat `i` (rep0 long, rep1, rep2 or rep3). */
function repeatChoicePrice(probs: Uint16Array, state: number, i: number): number {
  if (i === 0) return priceOf(probs, IS_REP_G0 + state, 0) + priceOf(probs, IS_REP0_LONG + state, 1);
  const g0 = priceOf(probs, IS_REP_G0 + state, 1);
  if (i === 1) return g0 + priceOf(probs, IS_REP_G1 + state, 0);
  return g0 + priceOf(probs, IS_REP_G1 + state, 1) + priceOf(probs, IS_REP_G2 + state, i - 2);
}

const FULL_DISTANCES = 128;

/** Prices (1/16 bit) of lengths and distances under a model state, for the optimal parser. */
export class PriceTables {
  /** [coder (0 match, 1 rep) * (MAX_MATCH + 1) + len]. */
  readonly len: Uint32Array = new Uint32Array(2 * (MAX_MATCH + 1));
  /** [lenState * 64 + slot]. */
  readonly slot: Uint32Array = new Uint32Array(4 * 64);
  /** [lenState * 128 + dist] for dist < 128: slot plus footer. */
  readonly near: Uint32Array = new Uint32Array(4 * FULL_DISTANCES);
  readonly align: Uint32Array = new Uint32Array(16);
  private readonly probs: Uint16Array;

  constructor(probs: Uint16Array) {
    this.probs = probs;
    const lengthPrice = (base: number, len: number): number => {
      const l = len - MIN_MATCH;
      if (l < 8) return priceOf(probs, base, 0) + treePrice(probs, base + 2, 3, l);
      if (l < 16)
        return priceOf(probs, base, 1) + priceOf(probs, base + 1, 0) + treePrice(probs, base + 10, 3, l - 8);
      return priceOf(probs, base, 1) + priceOf(probs, base + 1, 1) + treePrice(probs, base + 18, 8, l - 16);
    };
    for (let len = MIN_MATCH; len <= MAX_MATCH; len++) {
      this.len[len] = lengthPrice(LEN, len);
      this.len[MAX_MATCH + 1 + len] = lengthPrice(REP_LEN, len);
    }
    for (let ls = 0; ls < 4; ls++)
      for (let s = 0; s < 64; s++) this.slot[ls * 64 + s] = treePrice(probs, DIST_SLOT + (ls << 6), 6, s);
    for (let a = 0; a < 16; a++) this.align[a] = reverseTreePrice(probs, ALIGN, 4, a);
    for (let ls = 0; ls < 4; ls++)
      for (let d = 0; d < FULL_DISTANCES; d++) {
        const s = distSlot(d);
        let p = this.slot[ls * 64 + s]!;
        if (s >= 4) {
          const footer = (s >>> 1) - 1;
          p += reverseTreePrice(probs, SPECIAL_OFFSET[s]!, footer, d - ((2 | (s & 1)) << footer));
        }
        this.near[ls * FULL_DISTANCES + d] = p;
      }
  }

  distance(dist: number, len: number): number {
    const ls = lenState(len);
    if (dist < FULL_DISTANCES) return this.near[ls * FULL_DISTANCES + dist]!;
    const s = distSlot(dist);
    const footer = (s >>> 1) - 1;
    const reduced = dist - ((2 | (s & 1)) << footer);
    if (s < 14)
      return this.slot[ls * 64 + s]! + reverseTreePrice(this.probs, SPECIAL_OFFSET[s]!, footer, reduced);
    return this.slot[ls * 64 + s]! + (footer - 4) * 16 + this.align[reduced & 15]!;
  }
}

function literalPrice(probs: Uint16Array, w: Uint8Array, pos: number, state: number, rep0: number): number {
  const base = literalBase(pos > 0 ? w[pos - 1]! : 0);
  const byte = w[pos]!;
  const matchPos = pos - rep0 - 1;
  let price = 0;
  let symbol = 1;
  if (state >= 7 && matchPos >= 0) {
    let offs = 0x100;
    let mb = w[matchPos]!;
    for (let i = 7; i >= 0; i--) {
      mb <<= 1;
      const matchBit = mb & offs;
      const bit = (byte >>> i) & 1;
      price += priceOf(probs, base + offs + matchBit + symbol, bit);
      symbol = (symbol << 1) | bit;
      offs &= bit ? matchBit : ~matchBit;
    }
    return price;
  }
  for (let i = 7; i >= 0; i--) {
    const bit = (byte >>> i) & 1;
    price += priceOf(probs, base + symbol, bit);
    symbol = (symbol << 1) | bit;
  }
  return price;
}

// ---- Optimal parser -------------------------------------------------------------------------------
/** Positions weighed before the parser commits to a path. */
const OPT_SPAN = 2048;
const KIND_LITERAL = 0;
const KIND_SHORT_REP = 1;
const KIND_REP = 2; // + rep index (2–5)
const KIND_MATCH = 6;

/** Node arrays of the optimal parser, reused across messages. */
class Nodes {
  readonly price = new Float64Array(OPT_SPAN + MAX_MATCH + 2);
  readonly from = new Int32Array(OPT_SPAN + MAX_MATCH + 2);
  readonly kind = new Uint8Array(OPT_SPAN + MAX_MATCH + 2);
  readonly len = new Int32Array(OPT_SPAN + MAX_MATCH + 2);
  readonly dist = new Int32Array(OPT_SPAN + MAX_MATCH + 2);
  readonly state = new Uint8Array(OPT_SPAN + MAX_MATCH + 2);
  readonly reps = new Int32Array(4 * (OPT_SPAN + MAX_MATCH + 2));
}
let sharedNodes: Nodes | null = null;

/**
 * Price-driven parse: from the current position, every literal, short repeat, repeat and match
 * transition is weighed over up to {@link OPT_SPAN} positions (each node keeps the coder state and
 * recent distances of its cheapest path), then the cheapest path is coded. Prices come from `prices`
 * (the primed state), literal prices from the live probabilities.
 */
export function encodeOptimal(
  c: ChainState,
  rc: RangeEncoder,
  start: number,
  end: number,
  effort: LzrEffort,
  prices: PriceTables,
): void {
  const w = c.window;
  const probs = rc.probs;
  const m = new Matcher(c, start, end);
  const out = new SymbolWriter(rc, w);
  const nodes = (sharedNodes ??= new Nodes());
  const { price, from, kind, len: nlen, dist: ndist, state: nstate, reps } = nodes;
  const pairs = pairsFor(effort.depth);
  const nice = effort.nice;
  const depth = effort.depth;
  const path: number[] = [];
  const repLens = new Int32Array(4);
  try {
    let pos = start;
    while (pos < end) {
      // Node 0 is `pos` with the writer's real state.
      price[0] = 0;
      nstate[0] = out.state;
      reps[0] = out.rep0;
      reps[1] = out.rep1;
      reps[2] = out.rep2;
      reps[3] = out.rep3;
      let lenEnd = 0;
      let stop = 0;
      for (let j = 0; ; j++) {
        if (j > lenEnd) break;
        const p = pos + j;
        if (p >= end || j >= OPT_SPAN) {
          stop = j;
          break;
        }
        m.insertUpTo(p);
        const avail = Math.min(end - p, MAX_MATCH);
        const n = m.find(p, depth, nice, pairs);
        const st = nstate[j]!;
        const r = j * 4;
        const base = price[j]!;
        const longest = n > 0 ? pairs[n - 2]! : 0;
        let longestRep = 0;
        for (let i = 0; i < 4; i++) {
          const rl = repLength(w, p, reps[r + i]!, avail);
          repLens[i] = rl;
          if (rl > longestRep) longestRep = rl;
        }
        if (longest >= nice || longestRep >= nice) {
          // A long match: settle the path up to here (j > 0), or take it now (j = 0).
          stop = j > 0 ? j : -1;
          break;
        }
        // Literal, then short repeat.
        const litPrice = base + priceOf(probs, IS_MATCH + st, 0) + literalPrice(probs, w, p, st, reps[r]!);
        if (j + 1 > lenEnd) {
          lenEnd = j + 1;
          price[j + 1] = Number.POSITIVE_INFINITY;
        }
        const matchFlag = base + priceOf(probs, IS_MATCH + st, 1);
        const repFlag = matchFlag + priceOf(probs, IS_REP + st, 1);
        relax(j + 1, litPrice, j, KIND_LITERAL, 1, 0, nextStateLiteral(st), r, -1);
        const src0 = p - reps[r]! - 1;
        if (src0 >= 0 && w[src0] === w[p]) {
          const srp = repFlag + priceOf(probs, IS_REP_G0 + st, 0) + priceOf(probs, IS_REP0_LONG + st, 0);
          relax(j + 1, srp, j, KIND_SHORT_REP, 1, 0, nextStateShortRep(st), r, -1);
        }
        // Repeats of the four recent distances.
        for (let i = 0; i < 4; i++) {
          const rl = repLens[i]!;
          if (rl < MIN_MATCH) continue;
          const head = repFlag + repeatChoicePrice(probs, st, i);
          while (lenEnd < j + rl) price[++lenEnd] = Number.POSITIVE_INFINITY;
          const ns = nextStateRep(st);
          for (let l = MIN_MATCH; l <= rl; l++) {
            const cost = head + prices.len[MAX_MATCH + 1 + l]!;
            if (cost < price[j + l]!) relax(j + l, cost, j, KIND_REP + i, l, 0, ns, r, i);
          }
        }
        // New matches.
        if (n > 0) {
          const head = matchFlag + priceOf(probs, IS_REP + st, 0);
          while (lenEnd < j + longest) price[++lenEnd] = Number.POSITIVE_INFINITY;
          const ns = nextStateMatch(st);
          let l = 3;
          for (let k = 0; k < n; k += 2) {
            const ml = pairs[k]!;
            const d = pairs[k + 1]!;
            // Distance prices differ only for lengths below 5 (their length-state contexts).
            for (; l <= ml && l < 5; l++)
              relax(j + l, head + prices.len[l]! + prices.distance(d, l), j, KIND_MATCH, l, d, ns, r, -2);
            if (l > ml) continue;
            const dh = head + prices.distance(d, 5);
            for (; l <= ml; l++) {
              const cost = dh + prices.len[l]!;
              if (cost < price[j + l]!) relax(j + l, cost, j, KIND_MATCH, l, d, ns, r, -2);
            }
          }
        }
      }
      if (stop === -1) {
        // A long match at pos: the longest repeat if it is within a byte of the longest new match.
        const n = m.find(pos, depth, nice, pairs);
        const ml = n > 0 ? pairs[n - 2]! : 0;
        let best = 0;
        for (let i = 1; i < 4; i++) if (repLens[i]! > repLens[best]!) best = i;
        if (repLens[best]! + 1 >= ml) {
          out.repeat(best, repLens[best]!);
          pos += repLens[best]!;
        } else {
          out.match(ml, pairs[n - 1]!);
          pos += ml;
        }
        continue;
      }
      // Walk back from the settled node and code the path forwards.
      path.length = 0;
      for (let j = stop; j > 0; j = from[j]!) path.push(j);
      for (let k = path.length - 1; k >= 0; k--) {
        const j = path[k]!;
        const kd = kind[j]!;
        if (kd === KIND_LITERAL) out.literal(pos);
        else if (kd === KIND_SHORT_REP) out.shortRep();
        else if (kd === KIND_MATCH) out.match(nlen[j]!, ndist[j]!);
        else out.repeat(kd - KIND_REP, nlen[j]!);
        pos += nlen[j]!;
      }
    }
  } finally {
    m.done();
  }

  function relax(
    to: number,
    cost: number,
    at: number,
    k: number,
    l: number,
    d: number,
    st: number,
    r: number,
    repIndex: number,
  ): void {
    if (cost >= price[to]!) return;
    price[to] = cost;
    from[to] = at;
    kind[to] = k;
    nlen[to] = l;
    ndist[to] = d;
    nstate[to] = st;
    const t = to * 4;
    if (repIndex === -1) {
      reps[t] = reps[r]!;
      reps[t + 1] = reps[r + 1]!;
      reps[t + 2] = reps[r + 2]!;
      reps[t + 3] = reps[r + 3]!;
    } else if (repIndex === -2) {
      reps[t] = d;
      reps[t + 1] = reps[r]!;
      reps[t + 2] = reps[r + 1]!;
      reps[t + 3] = reps[r + 2]!;
    } else {
      // Repeat i moves to the front.
      reps[t] = reps[r + repIndex]!;
      let o = 1;
      for (let i = 0; i < 4; i++) if (i !== repIndex) reps[t + o++] = reps[r + i]!;
    }
  }
}

// ---- Lazy parser (effort "fast") ------------------------------------------------------------------
/** Rough cost of a literal in 1/16 bit (5 bits), for weighing a match against the literals it replaces. */
const LITERAL_GUESS = 5 * 16;

/** The best choice at one position: its saving against coding those bytes as literals. */
class LazyChooser {
  len = 0;
  /** 0 none, 1 + rep index, 5 new match. */
  kind = 0;
  dist = 0;
  private readonly m: Matcher;
  private readonly w: Uint8Array;
  private readonly probs: Uint16Array;
  private readonly prices: PriceTables;
  private readonly end: number;
  private readonly depth: number;
  private readonly nice: number;
  private readonly pairs: Int32Array;

  constructor(
    m: Matcher,
    c: ChainState,
    probs: Uint16Array,
    prices: PriceTables,
    end: number,
    effort: LzrEffort,
  ) {
    this.m = m;
    this.w = c.window;
    this.probs = probs;
    this.prices = prices;
    this.end = end;
    this.depth = effort.depth;
    this.nice = effort.nice;
    this.pairs = pairsFor(effort.depth);
  }

  /** Sets len/kind/dist to the choice at `pos` that saves the most (kind 0 if none) and returns the saving. */
  choose(pos: number, state: number, out: SymbolWriter): number {
    const { w, probs, prices } = this;
    this.len = 0;
    this.kind = 0;
    let best = 0;
    const avail = Math.min(this.end - pos, MAX_MATCH);
    const repFlag = priceOf(probs, IS_MATCH + state, 1) + priceOf(probs, IS_REP + state, 1);
    for (let i = 0; i < 4; i++) {
      const rl = repLength(w, pos, out.rep(i), avail);
      if (rl < MIN_MATCH) continue;
      const saving =
        rl * LITERAL_GUESS - (repFlag + repeatChoicePrice(probs, state, i) + prices.len[MAX_MATCH + 1 + rl]!);
      if (saving > best) {
        best = saving;
        this.len = rl;
        this.kind = 1 + i;
      }
    }
    // A repeat this long is taken without looking for new matches (they would cost a distance).
    if (this.len >= this.nice) return best;
    const pairs = this.pairs;
    const n = this.m.find(pos, this.depth, this.nice, pairs);
    const head = priceOf(probs, IS_MATCH + state, 1) + priceOf(probs, IS_REP + state, 0);
    for (let k = 0; k < n; k += 2) {
      const ml = pairs[k]!;
      const d = pairs[k + 1]!;
      const saving = ml * LITERAL_GUESS - (head + prices.len[ml]! + prices.distance(d, ml));
      if (saving > best) {
        best = saving;
        this.len = ml;
        this.kind = 5;
        this.dist = d;
      }
    }
    return best;
  }
}

/** Matches at least this long have their inside left out of the chains, all but SKIP_KEEP bytes at each end. */
const SKIP_INSIDE = 32;
const SKIP_KEEP = 8;

/** A choice one byte later must save this much more (1/16 bit: 4 bits) to delay the current one. */
const LAZY_MARGIN = 64;
/**
 * A choice this long is taken without looking one byte ahead. On the held-out set: ~6 % less encode
 * time (~12 % at the per-file median) for 0.45 % more bytes than looking ahead below `nice`.
 */
const LAZY_LOOKAHEAD_BELOW = 16;

/**
 * Price-weighed lazy parse: at each position the repeat or match that saves the most against the
 * literals it replaces (counted at 5 bits each; the match at its price under the primed model) is
 * taken, unless it is shorter than 16 bytes and the best choice one byte later saves 4 bits more.
 * Weighing against each literal's own price instead gained nothing on the held-out set. On that set:
 * ~5x faster than the optimal parse, output ~3 % larger.
 */
export function encodeLazy(
  c: ChainState,
  rc: RangeEncoder,
  start: number,
  end: number,
  effort: LzrEffort,
  prices: PriceTables,
): void {
  const m = new Matcher(c, start, end);
  const out = new SymbolWriter(rc, c.window);
  const chooser = new LazyChooser(m, c, rc.probs, prices, end, effort);
  const lookaheadBelow = Math.min(effort.nice, LAZY_LOOKAHEAD_BELOW);
  try {
    let pos = start;
    let saving = -1; // ≥ 0 when the chooser already holds the choice at `pos`
    while (pos < end) {
      if (saving < 0) {
        m.insertUpTo(pos);
        saving = chooser.choose(pos, out.state, out);
      }
      if (chooser.kind !== 0 && chooser.len < lookaheadBelow && pos + 1 < end) {
        const { len, kind, dist } = chooser;
        m.insertUpTo(pos + 1);
        const next = chooser.choose(pos + 1, nextStateLiteral(out.state), out);
        if (next > saving + LAZY_MARGIN) {
          out.literal(pos);
          pos++;
          saving = next;
          continue;
        }
        chooser.len = len;
        chooser.kind = kind;
        chooser.dist = dist;
      }
      const kind = chooser.kind;
      if (kind === 0) {
        out.literal(pos);
        pos++;
      } else if (kind === 5) {
        out.match(chooser.len, chooser.dist);
        pos += chooser.len;
      } else {
        out.repeat(kind - 1, chooser.len);
        pos += chooser.len;
      }
      if (chooser.len >= SKIP_INSIDE) {
        m.insertUpTo(pos - chooser.len + SKIP_KEEP);
        m.skipTo(pos - SKIP_KEEP);
      }
      saving = -1;
    }
  } finally {
    m.done();
  }
}
