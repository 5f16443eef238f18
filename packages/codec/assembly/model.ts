// The LZR model layout (src/lzr-model.ts) and range-coder constants shared by the WebAssembly coders.
// src/lzr-wasm.ts checks one offset (layout()) against the TypeScript model when it loads them, and
// the tests hold both coders to the JavaScript ones byte for byte.

export const IS_MATCH: i32 = 0;
export const IS_REP: i32 = 12;
export const IS_REP_G0: i32 = 24;
export const IS_REP_G1: i32 = 36;
export const IS_REP_G2: i32 = 48;
export const IS_REP0_LONG: i32 = 60;
export const LEN: i32 = 72;
export const REP_LEN: i32 = 346;
export const DIST_SLOT: i32 = 620;
export const ALIGN: i32 = 1000;
export const LITERAL: i32 = 1016;
export const MIN_MATCH: i32 = 2;
export const MAX_MATCH: i32 = 273;
export const PROB_ONE: u32 = 2048;
/** The range coder's normalisation threshold. */
export const TOP: u32 = 1 << 24;
