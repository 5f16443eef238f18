// LZR: LZ77 over a dictionary-primed window, coded with an adaptive binary range coder whose
// probabilities start from the state left by coding the dictionary itself (spec/codec.md §10).
// A small message therefore pays neither for code tables nor for learning the statistics of JSON
// and chat prose; repeats are copied from the dictionary or from earlier in the message.
import { decodeBase64 } from "@m2m/wire";
import { DEFAULT_PRIMED_BASE64, DEFAULT_PRIMED_DICTIONARY_ID } from "./default-primed-data.js";
import type { Dictionary } from "./dictionary.js";
import { decodeSymbols } from "./lzr-decode.js";
import {
  type ChainState,
  chainAll,
  type DictionaryTables,
  dictionaryTables,
  encodeGreedy,
  encodeLazy,
  encodeOptimal,
  HASH_BITS,
  HASH3_BITS,
  HASH4_BITS,
  type LzrEffort,
  PRIMING_EFFORT,
  PriceTables,
} from "./lzr-encode.js";
import { MODEL_SIZE } from "./lzr-model.js";
import { PROB_INIT, RangeEncoder } from "./lzr-range.js";
import { WasmLzrDecoder, WasmLzrEncoder } from "./lzr-wasm.js";

export type { LzrEffort } from "./lzr-encode.js";

/** Windows up to this size are kept for the next message; larger ones are temporary. */
export const SHARED_WINDOW_LIMIT: number = 1 << 20;

/**
 * Encoder efforts (encoder choices: decoding does not depend on them). `"fast"`, the default: the
 * price-weighed lazy parse. `"best"`: the price-driven optimal parse, ~3 % smaller and ~5x slower,
 * for messages up to {@link LARGE_MESSAGE_BYTES} (larger ones use the lazy parse, to bound encode time).
 */
export const FAST_EFFORT: LzrEffort = { depth: 24, nice: 64, parser: "lazy" };
export const BEST_EFFORT: LzrEffort = { depth: 24, nice: 48, parser: "optimal" };
export const LARGE_MESSAGE_BYTES = 16384;

/** The parse for `effort` and a message of `length` bytes. */
export function lzrEffort(effort: "best" | "fast", length: number): LzrEffort {
  return effort === "best" && length <= LARGE_MESSAGE_BYTES ? BEST_EFFORT : FAST_EFFORT;
}

/** Message-local match tables (see ChainState), shared by all contexts: one message is coded at a time. */
let messageTables: { head: Int32Array; head4: Int32Array; head3: Int32Array } | null = null;

/** A window (dictionary ‖ room for the message) and the chain links of the message's positions. */
interface WindowState {
  readonly window: Uint8Array;
  readonly prev: Int32Array;
}

/** Largest message a context's own WebAssembly encoder takes (larger ones get a temporary one). */
export const WASM_KEPT_MESSAGE_BYTES = 65536;

/** Room for a message kept by a new context (grown on demand). */
const INITIAL_MESSAGE_ROOM = 4096;

/**
 * Per-dictionary state shared by every message: the window (dictionary bytes followed by room for
 * one message), the dictionary's match tables, and the primed probabilities. One context serves
 * one message at a time (calls are synchronous).
 */
export class LzrContext {
  readonly dictLength: number;
  window: Uint8Array;
  /** Chain links of message positions, prev[p − dictLength] (the dictionary's are in `tables`). */
  prev: Int32Array;
  readonly tables: DictionaryTables;
  readonly primed: Uint16Array;
  /** Scratch probabilities, reset from `primed` for each message. */
  readonly probs: Uint16Array = new Uint16Array(MODEL_SIZE);
  /** The encoder over `probs`, reset for each message (its output buffer is kept and grows). */
  readonly encoder: RangeEncoder = new RangeEncoder(this.probs, 1024);
  private priceTables: PriceTables | null = null;
  /** The WebAssembly decoder and lazy-parse encoder (made on first use; null where unavailable). */
  private wasm: WasmLzrDecoder | null | undefined;
  private wasmEncoderState: WasmLzrEncoder | null | undefined;

  /**
   * `primed`: the probabilities priming leaves for this dictionary, when already known (the shipped
   * default's are; a test pins them to what priming computes). Priming is then skipped: only the
   * dictionary's match tables are built.
   */
  constructor(dictionary: Uint8Array, primed?: Uint16Array) {
    this.dictLength = dictionary.length;
    this.window = new Uint8Array(dictionary.length + INITIAL_MESSAGE_ROOM);
    this.window.set(dictionary);
    // Priming: code the dictionary with the greedy parse against an empty window; keep the
    // probabilities, and the tables it built become the dictionary's.
    const priming: ChainState = {
      window: this.window,
      prev: new Int32Array(dictionary.length),
      head: new Int32Array(1 << HASH_BITS).fill(-1),
      head4: new Int32Array(1 << HASH4_BITS).fill(-1),
      head3: new Int32Array(1 << HASH3_BITS).fill(-1),
      dictionary: null,
    };
    if (primed?.length === MODEL_SIZE) {
      chainAll(priming, dictionary.length);
      this.primed = primed;
    } else {
      const probs = new Uint16Array(MODEL_SIZE).fill(PROB_INIT);
      encodeGreedy(priming, new RangeEncoder(probs, 1024), 0, dictionary.length, PRIMING_EFFORT);
      this.primed = probs;
    }
    this.tables = dictionaryTables(priming);
    this.prev = new Int32Array(INITIAL_MESSAGE_ROOM);
  }

  /**
   * The WebAssembly decoder for a message of `length` bytes: this context's own for messages up to
   * {@link SHARED_WINDOW_LIMIT} (its memory grows to the largest and stays), a temporary one for
   * larger messages; null where WebAssembly is unavailable.
   */
  wasmDecoder(length: number): WasmLzrDecoder | null {
    if (length <= SHARED_WINDOW_LIMIT && this.wasm !== undefined) return this.wasm;
    const made = WasmLzrDecoder.create(this.window.subarray(0, this.dictLength), this.primed);
    if (length <= SHARED_WINDOW_LIMIT) this.wasm = made;
    return made;
  }

  /**
   * The WebAssembly lazy-parse encoder for a message of `length` bytes: this context's own for
   * messages up to {@link WASM_KEPT_MESSAGE_BYTES} (its memory, ~1.4 MiB for a 128 KiB dictionary,
   * grows by ~19 bytes per message byte to the largest and stays), a temporary one up to
   * {@link SHARED_WINDOW_LIMIT}; null above that or where WebAssembly is unavailable.
   */
  wasmEncoder(length: number): WasmLzrEncoder | null {
    if (length > SHARED_WINDOW_LIMIT) return null;
    if (length <= WASM_KEPT_MESSAGE_BYTES && this.wasmEncoderState !== undefined)
      return this.wasmEncoderState;
    const made = WasmLzrEncoder.create(
      this.window.subarray(0, this.dictLength),
      this.primed,
      this.tables,
      this.prices,
    );
    if (length <= WASM_KEPT_MESSAGE_BYTES) this.wasmEncoderState = made;
    return made;
  }

  /** Prices under the primed state (computed once). */
  get prices(): PriceTables {
    this.priceTables ??= new PriceTables(this.primed);
    return this.priceTables;
  }

  /**
   * A window (and chain links, if `chains`) able to hold a message of `length` bytes after the
   * dictionary: this context's own (grown up to {@link SHARED_WINDOW_LIMIT}), or a temporary one for
   * larger messages so one huge message does not stay allocated.
   */
  forMessage(length: number, chains: boolean): WindowState {
    const need = this.dictLength + length + 8;
    const prevFits = !chains || length + 8 <= this.prev.length;
    if (need <= this.window.length && prevFits) return this;
    let window = this.window;
    if (need > window.length) {
      let size = window.length;
      while (size < need) size *= 2;
      window = new Uint8Array(size);
      window.set(this.window.subarray(0, this.dictLength));
    }
    const prev = prevFits ? this.prev : new Int32Array(window.length - this.dictLength);
    if (window.length > SHARED_WINDOW_LIMIT) return { window, prev };
    this.window = window;
    this.prev = prev;
    return this;
  }

  /** Match tables for one message in `ws`: message-local heads in front of the dictionary's. */
  chains(ws: WindowState): ChainState {
    messageTables ??= {
      head: new Int32Array(1 << HASH_BITS).fill(-1),
      head4: new Int32Array(1 << HASH4_BITS).fill(-1),
      head3: new Int32Array(1 << HASH3_BITS).fill(-1),
    };
    return { window: ws.window, prev: ws.prev, ...messageTables, dictionary: this.tables };
  }
}

const byBytes = new WeakMap<Uint8Array, LzrContext>();
/** Contexts by dictionary id, most recently used last: a dictionary loaded again is not primed again. */
const byId = new Map<string, LzrContext>();
/** Primed contexts kept by id (each holds ~0.95 MiB for a 128 KiB dictionary). */
export const MAX_CACHED_CONTEXTS = 8;

/**
 * The shared context for a dictionary (built once: priming codes the dictionary). A `Dictionary` is
 * also remembered by id, so the same dictionary read from a file again reuses its context.
 */
export function lzrContext(dictionary: Uint8Array | Dictionary): LzrContext {
  const bytes = dictionary instanceof Uint8Array ? dictionary : dictionary.bytes;
  let ctx = byBytes.get(bytes);
  if (ctx) return ctx;
  const id = dictionary instanceof Uint8Array ? null : dictionary.idHex;
  if (id !== null) {
    ctx = byId.get(id);
    if (ctx) {
      byId.delete(id);
      byId.set(id, ctx);
    }
  }
  if (!ctx) {
    ctx = new LzrContext(bytes, id === DEFAULT_PRIMED_DICTIONARY_ID ? shippedPrimed() : undefined);
    if (id !== null) {
      byId.set(id, ctx);
      if (byId.size > MAX_CACHED_CONTEXTS) byId.delete(byId.keys().next().value!);
    }
  }
  byBytes.set(bytes, ctx);
  return ctx;
}

/** @internal the shipped default dictionary's primed probabilities (16-bit little-endian in the data file). */
export function shippedPrimed(): Uint16Array {
  const bytes = decodeBase64(DEFAULT_PRIMED_BASE64);
  const out = new Uint16Array(bytes.length >>> 1);
  for (let i = 0; i < out.length; i++) out[i] = bytes[2 * i]! | (bytes[2 * i + 1]! << 8);
  return out;
}

/**
 * Compress `input` against the dictionary. The output does not carry the length: the frame does. The
 * lazy parse (effort "fast") runs in WebAssembly where the runtime has it, for messages up to
 * {@link SHARED_WINDOW_LIMIT}, with the JavaScript encoder's output exactly (tested).
 */
export function lzrEncode(ctx: LzrContext, input: Uint8Array, effort: LzrEffort = FAST_EFFORT): Uint8Array {
  if (effort.parser === "lazy") {
    const out = ctx.wasmEncoder(input.length)?.encode(input, effort.depth, effort.nice);
    if (out) return out;
  }
  return lzrEncodeJs(ctx, input, effort);
}

/** @internal the JavaScript encoder: every parse, and the fallback of {@link lzrEncode}. */
export function lzrEncodeJs(ctx: LzrContext, input: Uint8Array, effort: LzrEffort = FAST_EFFORT): Uint8Array {
  const chains = ctx.chains(ctx.forMessage(input.length, true));
  chains.window.set(input, ctx.dictLength);
  ctx.probs.set(ctx.primed);
  const rc = ctx.encoder;
  rc.reset();
  const start = ctx.dictLength;
  if (effort.parser === "greedy") encodeGreedy(chains, rc, start, start + input.length, effort);
  else if (effort.parser === "lazy") encodeLazy(chains, rc, start, start + input.length, effort, ctx.prices);
  else encodeOptimal(chains, rc, start, start + input.length, effort, ctx.prices);
  return rc.finish();
}

/**
 * Decode exactly `length` bytes. Distances and lengths are checked against the window and `length`,
 * so corrupt input fails with CODEC_CORRUPT and never writes past `length`. WebAssembly decodes where
 * the runtime has it (lzr-wasm.ts), else JavaScript ({@link lzrDecodeJs}); the two agree on every
 * output and every error (tested).
 */
export function lzrDecode(ctx: LzrContext, payload: Uint8Array, length: number): Uint8Array {
  return ctx.wasmDecoder(length)?.decode(payload, length) ?? lzrDecodeJs(ctx, payload, length);
}

/** @internal the JavaScript decoder: the fallback of {@link lzrDecode}. */
export function lzrDecodeJs(ctx: LzrContext, payload: Uint8Array, length: number): Uint8Array {
  const { window } = ctx.forMessage(length, false);
  ctx.probs.set(ctx.primed);
  decodeSymbols(window, ctx.probs, payload, ctx.dictLength, length);
  return window.slice(ctx.dictLength, ctx.dictLength + length);
}
