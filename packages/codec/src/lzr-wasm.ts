// The WebAssembly LZR decoder and lazy-parse encoder (assembly/, shipped compiled in
// lzr-wasm-data.ts): the same bytes as lzr-decode.ts and lzr-encode.ts's encodeLazy, ~2x faster (the
// decoder: 0.69–0.74 ms in total on the held-out set against the JavaScript decoder's 1.3–1.6 ms and
// brotli's 1.05–1.14 ms, in the same runs). Where a runtime has no WebAssembly, or refuses to
// compile it, lzr.ts uses the JavaScript coders.
import { decodeBase64 } from "@m2m/wire";
import { LZR_CORRUPT, lzrCorrupt } from "./lzr-decode.js";
import type { DictionaryTables, PriceTables } from "./lzr-encode.js";
import { LITERAL, LITERAL_CLASS, MODEL_SIZE, SPECIAL_OFFSET } from "./lzr-model.js";
import { PRICE, sentBytes } from "./lzr-range.js";
import { LZR_DECODER_WASM_BASE64, LZR_ENCODER_WASM_BASE64 } from "./lzr-wasm-data.js";

interface DecoderExports {
  readonly memory: WebAssembly.Memory;
  readonly layout: () => number;
  readonly decode: (
    win: number,
    probs: number,
    input: number,
    inputLength: number,
    start: number,
    length: number,
    classes: number,
    special: number,
  ) => number;
}

// Linear memory layout (bytes). The module keeps no data of its own in memory; the first KiB is left alone.
const CLASSES = 1024;
const SPECIAL = CLASSES + 256;
const PROBS = 2048;
const PRIMED = PROBS + MODEL_SIZE * 2;
/** The window (dictionary, then the message) starts on the next 64 KiB page boundary. */
const WINDOW = Math.ceil((PRIMED + MODEL_SIZE * 2) / 65536) * 65536;
const PAGE = 65536;

/** The decoder's results other than 0 (assembly/lzr-decode.ts), as lzr-decode.ts words them. */
const WHY: Record<number, string> = {
  [-1]: LZR_CORRUPT.DISTANCE,
  [-2]: LZR_CORRUPT.PAST_LENGTH,
  [-3]: LZR_CORRUPT.ENDS_EARLY,
  [-4]: LZR_CORRUPT.TRAILING,
};

let compiled: { decoder: WebAssembly.Module; encoder: WebAssembly.Module } | null | undefined;

/** The compiled modules, or null where WebAssembly is missing or refused (then JavaScript runs). */
function lzrModules(): { decoder: WebAssembly.Module; encoder: WebAssembly.Module } | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  try {
    if (typeof WebAssembly === "object") {
      const load = (base64: string) =>
        new WebAssembly.Module(decodeBase64(base64) as Uint8Array<ArrayBuffer>);
      const decoder = load(LZR_DECODER_WASM_BASE64);
      const encoder = load(LZR_ENCODER_WASM_BASE64);
      // The model offsets are constants in both; one of them is checked against the model here.
      const probe = new WebAssembly.Instance(decoder, {}).exports as unknown as DecoderExports;
      if (probe.layout() === LITERAL) compiled = { decoder, encoder };
    }
  } catch {
    compiled = null;
  }
  return compiled;
}

/** Whether LZR messages are coded through WebAssembly in this runtime. */
export function lzrWasmAvailable(): boolean {
  return lzrModules() !== null;
}

/** Grow `memory` to at least `bytes`; false if the runtime refuses. */
function reserve(memory: WebAssembly.Memory, bytes: number): boolean {
  const have = memory.buffer.byteLength;
  if (bytes <= have) return true;
  try {
    memory.grow(Math.ceil((bytes - have) / PAGE));
    return true;
  } catch {
    return false;
  }
}

/**
 * One decoder instance for one dictionary: its memory holds the dictionary (as the window's start),
 * the primed probabilities and the literal tables, and grows to the largest message decoded.
 */
export class WasmLzrDecoder {
  private readonly exports: DecoderExports;
  private readonly dictLength: number;

  /** Null where WebAssembly is unavailable (or has no memory to spare). */
  static create(dictionary: Uint8Array, primed: Uint16Array): WasmLzrDecoder | null {
    const modules = lzrModules();
    if (!modules) return null;
    try {
      return new WasmLzrDecoder(modules.decoder, dictionary, primed);
    } catch {
      return null;
    }
  }

  private constructor(module: WebAssembly.Module, dictionary: Uint8Array, primed: Uint16Array) {
    this.exports = new WebAssembly.Instance(module, {}).exports as unknown as DecoderExports;
    this.dictLength = dictionary.length;
    if (!reserve(this.exports.memory, WINDOW + dictionary.length)) throw new RangeError("no memory");
    const memory = this.exports.memory.buffer;
    new Uint8Array(memory, CLASSES, 256).set(LITERAL_CLASS);
    new Int32Array(memory, SPECIAL, SPECIAL_OFFSET.length).set(SPECIAL_OFFSET);
    new Uint16Array(memory, PRIMED, MODEL_SIZE).set(primed);
    new Uint8Array(memory, WINDOW, dictionary.length).set(dictionary);
  }

  /**
   * Decode exactly `length` bytes (CODEC_CORRUPT as lzr-decode.ts reports it), or null if memory for
   * the message cannot be had (the caller decodes in JavaScript then).
   */
  decode(payload: Uint8Array, length: number): Uint8Array | null {
    const start = WINDOW + this.dictLength;
    const input = start + length;
    if (!reserve(this.exports.memory, input + payload.length)) return null;
    const bytes = new Uint8Array(this.exports.memory.buffer);
    bytes.copyWithin(PROBS, PRIMED, PRIMED + MODEL_SIZE * 2);
    bytes.set(payload, input);
    let result: number;
    try {
      result = this.exports.decode(
        WINDOW,
        PROBS,
        input,
        payload.length,
        this.dictLength,
        length,
        CLASSES,
        SPECIAL,
      );
    } catch {
      // A trap (an access outside memory) cannot happen for checked input; fail closed if it does.
      result = -5;
    }
    if (result !== 0) throw lzrCorrupt(WHY[result] ?? "decoder trap");
    return bytes.slice(start, start + length);
  }
}

interface EncoderExports {
  readonly memory: WebAssembly.Memory;
  readonly configure: (...addresses: number[]) => void;
  readonly encodeLazy: (
    window: number,
    start: number,
    end: number,
    prev: number,
    hashes: number,
    pairs: number,
    out: number,
    capacity: number,
    depth: number,
    nice: number,
  ) => number;
}

// Encoder memory layout (bytes): small tables, then the message hash heads, the dictionary's chains
// and the window; per message, chain links, hashes and output after the window.
const E_CLASSES = 1024;
const E_SPECIAL = 1280;
const E_PRICE = 1536;
const E_PAIRS = 2048;
const E_MAX_DEPTH = 250;
const E_LEN = 4096;
const E_SLOT = E_LEN + 2 * 274 * 4;
const E_NEAR = E_SLOT + 256 * 4;
const E_ALIGN = E_NEAR + 512 * 4;
const E_PRIMED = 10240;
const E_PROBS = (E_PRIMED + MODEL_SIZE * 2 + 15) & ~15;
const E_HEAD = 65536;
const E_HEAD4 = E_HEAD + (1 << 16) * 4;
const E_HEAD3 = E_HEAD4 + (1 << 15) * 4;
const E_STARTS = E_HEAD3 + (1 << 14) * 4;

/**
 * The lazy-parse encoder for one dictionary (effort "fast"): its memory holds the dictionary, its
 * chains, the primed probabilities and prices, and grows to the largest message encoded.
 */
export class WasmLzrEncoder {
  private readonly exports: EncoderExports;
  private readonly window: number;
  private readonly dictLength: number;

  /** Null where WebAssembly is unavailable (or has no memory to spare). */
  static create(
    dictionary: Uint8Array,
    primed: Uint16Array,
    tables: DictionaryTables,
    prices: PriceTables,
  ): WasmLzrEncoder | null {
    const modules = lzrModules();
    if (!modules) return null;
    try {
      return new WasmLzrEncoder(modules.encoder, dictionary, primed, tables, prices);
    } catch {
      return null;
    }
  }

  private constructor(
    module: WebAssembly.Module,
    dictionary: Uint8Array,
    primed: Uint16Array,
    tables: DictionaryTables,
    prices: PriceTables,
  ) {
    if (E_PROBS + MODEL_SIZE * 2 > E_HEAD) throw new RangeError("model larger than its room");
    this.exports = new WebAssembly.Instance(module, {}).exports as unknown as EncoderExports;
    const positions = E_STARTS + tables.starts.length * 4;
    this.window = (positions + tables.positions.length * 4 + 15) & ~15;
    this.dictLength = dictionary.length;
    if (!reserve(this.exports.memory, this.window + dictionary.length)) throw new RangeError("no memory");
    const memory = this.exports.memory.buffer;
    new Uint8Array(memory, E_CLASSES, 256).set(LITERAL_CLASS);
    new Int32Array(memory, E_SPECIAL, SPECIAL_OFFSET.length).set(SPECIAL_OFFSET);
    new Uint16Array(memory, E_PRICE, PRICE.length).set(PRICE);
    new Uint32Array(memory, E_LEN, prices.len.length).set(prices.len);
    new Uint32Array(memory, E_SLOT, prices.slot.length).set(prices.slot);
    new Uint32Array(memory, E_NEAR, prices.near.length).set(prices.near);
    new Uint32Array(memory, E_ALIGN, prices.align.length).set(prices.align);
    new Uint16Array(memory, E_PRIMED, primed.length).set(primed);
    new Int32Array(memory, E_HEAD, (E_STARTS - E_HEAD) / 4).fill(-1);
    new Int32Array(memory, E_STARTS, tables.starts.length).set(tables.starts);
    new Int32Array(memory, positions, tables.positions.length).set(tables.positions);
    new Uint8Array(memory, this.window, dictionary.length).set(dictionary);
    this.exports.configure(
      E_CLASSES,
      E_SPECIAL,
      E_PRICE,
      E_LEN,
      E_SLOT,
      E_NEAR,
      E_ALIGN,
      E_PRIMED,
      E_PROBS,
      E_STARTS,
      positions,
      E_HEAD,
      E_HEAD4,
      E_HEAD3,
    );
  }

  /**
   * The LZR payload of `input` (the JavaScript encoder's bytes exactly), or null if this encoder
   * cannot take it (search depth beyond its pair buffer, or no memory): the caller encodes in JavaScript.
   */
  encode(input: Uint8Array, depth: number, nice: number): Uint8Array | null {
    if (depth > E_MAX_DEPTH) return null;
    const n = input.length;
    const start = this.window + this.dictLength;
    const prev = (start + n + 8 + 15) & ~15;
    const hashes = prev + n * 4;
    const out = hashes + n * 12;
    const capacity = 2 * n + 64;
    if (!reserve(this.exports.memory, out + capacity)) return null;
    const bytes = new Uint8Array(this.exports.memory.buffer);
    bytes.set(input, start);
    bytes.copyWithin(E_PROBS, E_PRIMED, E_PRIMED + MODEL_SIZE * 2);
    const length = this.exports.encodeLazy(
      this.window,
      this.dictLength,
      this.dictLength + n,
      prev,
      hashes,
      E_PAIRS,
      out,
      capacity,
      depth,
      nice,
    );
    return length < 0 ? null : sentBytes(bytes, out, length);
  }
}
