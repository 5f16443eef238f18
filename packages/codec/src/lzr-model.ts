// LZR probability model layout and symbol rules shared by the encoder and the decoder
// (spec/codec.md §10). All probabilities live in one Uint16Array so a message can start from a
// copy of the primed state.

export const STATES: number = 12;
export const IS_MATCH: number = 0;
export const IS_REP: number = IS_MATCH + STATES;
export const IS_REP_G0: number = IS_REP + STATES;
export const IS_REP_G1: number = IS_REP_G0 + STATES;
export const IS_REP_G2: number = IS_REP_G1 + STATES;
export const IS_REP0_LONG: number = IS_REP_G2 + STATES;
/** A length coder: choice, choice2, low tree (3 bits), mid tree (3 bits), high tree (8 bits). */
export const LEN_CODER_SIZE: number = 2 + 8 + 8 + 256;
export const LEN: number = IS_REP0_LONG + STATES;
export const REP_LEN: number = LEN + LEN_CODER_SIZE;
export const DIST_SLOT: number = REP_LEN + LEN_CODER_SIZE;
export const DIST_SPECIAL: number = DIST_SLOT + 4 * 64;
export const ALIGN: number = DIST_SPECIAL + 124;
export const LITERAL: number = ALIGN + 16;

/**
 * Literal coders are chosen by the class of the previous byte (spec/codec.md §10.2): 16 classes
 * that separate what predicts the next byte in JSON and prose (a space, a quote, a backslash, digits,
 * capitals, vowels, the consonants that often end a word, the other letters, a newline, clause and
 * sentence punctuation, brackets, other punctuation, UTF-8 lead and continuation bytes, control
 * bytes). On the held-out chat set this codes ~1 % smaller than LZMA's top-3-bits context (lc=3),
 * and ~1.3 % smaller on prose the dictionary never saw; the full previous byte (256 coders) codes
 * larger (too little priming data per coder).
 */
export const LITERAL_CONTEXTS: number = 16;
export const LITERAL_CLASS: Uint8Array = (() => {
  const t = new Uint8Array(256).fill(15);
  const set = (chars: string, cls: number) => {
    for (const c of chars) t[c.charCodeAt(0)] = cls;
  };
  for (let b = 0x21; b < 0x7f; b++) t[b] = 12;
  for (let b = 0x61; b <= 0x7a; b++) t[b] = 0;
  for (let b = 0x41; b <= 0x5a; b++) t[b] = 5;
  for (let b = 0x30; b <= 0x39; b++) t[b] = 4;
  for (let b = 0x80; b < 0xc0; b++) t[b] = 14;
  for (let b = 0xc0; b <= 0xff; b++) t[b] = 13;
  set(" ", 1);
  set('"', 2);
  set("\\", 3);
  set("aeiou", 6);
  set("strdnyl", 7);
  set("\n", 8);
  set(",;:", 9);
  set(".!?", 10);
  set("{}[]()<>", 11);
  return t;
})();
export const MODEL_SIZE: number = LITERAL + 0x300 * LITERAL_CONTEXTS;

export const MIN_MATCH: number = 2;
/** 2 + 8 + 8 + 256 − 1. */
export const MAX_MATCH: number = 273;

/** Offset of each special-distance slot's reverse bit tree (slots 4–13). */
export const SPECIAL_OFFSET: Int32Array = (() => {
  const t = new Int32Array(14);
  let off = DIST_SPECIAL;
  for (let slot = 4; slot < 14; slot++) {
    t[slot] = off;
    off += 1 << ((slot >>> 1) - 1);
  }
  return t;
})();

export const nextStateLiteral = (s: number): number => (s < 4 ? 0 : s < 10 ? s - 3 : s - 6);
export const nextStateMatch = (s: number): number => (s < 7 ? 7 : 10);
export const nextStateRep = (s: number): number => (s < 7 ? 8 : 11);
export const nextStateShortRep = (s: number): number => (s < 7 ? 9 : 11);

/** Slot of a distance (distance − 1): its magnitude class. */
export function distSlot(dist: number): number {
  if (dist < 4) return dist;
  const n = 31 - Math.clz32(dist);
  return (n << 1) | ((dist >>> (n - 1)) & 1);
}

/** Literal coder of the byte following `prev`. */
export const literalBase = (prev: number): number => LITERAL + 0x300 * LITERAL_CLASS[prev]!;

/** Length-state of a match length, the context of its distance slot. */
export const lenState = (len: number): number => Math.min(len - MIN_MATCH, 3);
