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
export const LITERAL_CONTEXT_BITS: number = 3;
export const MODEL_SIZE: number = LITERAL + (0x300 << LITERAL_CONTEXT_BITS);

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
export const literalBase = (prev: number): number => LITERAL + 0x300 * (prev >>> (8 - LITERAL_CONTEXT_BITS));

/** Length-state of a match length, the context of its distance slot. */
export const lenState = (len: number): number => Math.min(len - MIN_MATCH, 3);
