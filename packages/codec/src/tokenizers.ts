import { CodecErrorCode, codecError } from "./errors.js";

/** Tokenizers TokenNative can use. */
export type TokenizerName = "cl100k" | "o200k" | "llama3";

/** A loaded tokenizer: `decode(encode(text)) === text` for every string (special-token text included). */
export interface Tokenizer {
  readonly name: TokenizerName;
  /** The id character of the `#TK|<id>|` text form. */
  readonly wireId: string;
  /** The tokenizer byte of the reference binary form (and of the v2 TOKEN_NATIVE codec parameters). */
  readonly binaryId: number;
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
  /** Whether `id` is in the vocabulary (decoders refuse unknown ids instead of dropping them). */
  isKnownId(id: number): boolean;
}

/** Static facts about each tokenizer, usable before it is loaded. */
export const TOKENIZERS: Readonly<Record<TokenizerName, { wireId: string; binaryId: number }>> = {
  cl100k: { wireId: "C", binaryId: 0 },
  o200k: { wireId: "O", binaryId: 1 },
  llama3: { wireId: "L", binaryId: 2 },
};

/** Tokenizer for a `#TK|x|` id character (the reference reads only the first character). */
export function tokenizerForWireId(id: string): TokenizerName {
  for (const [name, t] of Object.entries(TOKENIZERS)) if (t.wireId === id) return name as TokenizerName;
  throw codecError(CodecErrorCode.UNKNOWN_TOKENIZER, `unknown TokenNative tokenizer id "${id.slice(0, 8)}"`);
}

/** Tokenizer for a binary tokenizer byte. */
export function tokenizerForBinaryId(id: number): TokenizerName {
  for (const [name, t] of Object.entries(TOKENIZERS)) if (t.binaryId === id) return name as TokenizerName;
  throw codecError(CodecErrorCode.UNKNOWN_TOKENIZER, `unknown TokenNative tokenizer byte ${id}`);
}

const loaded = new Map<TokenizerName, Tokenizer>();
const loading = new Map<TokenizerName, Promise<Tokenizer>>();

interface TiktokenLike {
  encode(text: string, allowedSpecial?: "all" | string[]): number[];
  decode(ids: number[]): string;
  // js-tiktoken 1.0.21 internals (pinned version): id → bytes maps.
  textMap: Map<number, Uint8Array>;
  inverseSpecialTokens: Record<number, Uint8Array>;
}

async function build(name: TokenizerName): Promise<Tokenizer> {
  const facts = TOKENIZERS[name];
  if (name === "llama3") {
    // 13 MB of vocabulary: imported only when a caller asks for Llama 3.
    const mod = (await import("llama3-tokenizer-js")) as unknown as {
      default: {
        encode(t: string, o: { bos: boolean; eos: boolean }): number[];
        decode(ids: number[]): string;
        vocabById: readonly unknown[];
      };
    };
    const llama = mod.default;
    return {
      name,
      ...facts,
      encode: (text) => llama.encode(text, { bos: false, eos: false }),
      decode: (ids) => llama.decode([...ids]),
      isKnownId: (id) => llama.vocabById[id] !== undefined,
    };
  }
  const [{ Tiktoken }, ranks] = await Promise.all([
    import("js-tiktoken/lite"),
    name === "cl100k" ? import("js-tiktoken/ranks/cl100k_base") : import("js-tiktoken/ranks/o200k_base"),
  ]);
  const enc = new Tiktoken(ranks.default) as unknown as TiktokenLike;
  return {
    name,
    ...facts,
    // "all": special-token text becomes the special id (reference-compatible); decode maps it back to the same text.
    encode: (text) => enc.encode(text, "all"),
    decode: (ids) => enc.decode([...ids]),
    isKnownId: (id) => enc.textMap.has(id) || enc.inverseSpecialTokens[id] !== undefined,
  };
}

/**
 * Load a tokenizer (dynamic import, cached). TokenNative encode/decode is synchronous and needs the
 * tokenizer loaded first; plain `compress` never loads one.
 *
 * @example await loadTokenizer("cl100k"); compressToText(json, { algorithm: "tk" })
 */
export function loadTokenizer(name: TokenizerName): Promise<Tokenizer> {
  if (!Object.hasOwn(TOKENIZERS, name)) {
    return Promise.reject(
      codecError(CodecErrorCode.UNKNOWN_TOKENIZER, `unknown tokenizer "${String(name)}"`),
    );
  }
  const done = loaded.get(name);
  if (done) return Promise.resolve(done);
  let p = loading.get(name);
  if (!p) {
    p = build(name).then((t) => {
      loaded.set(name, t);
      return t;
    });
    loading.set(name, p);
  }
  return p;
}

/** The tokenizer if it is already loaded, else a `CODEC_TOKENIZER_NOT_LOADED` error. */
export function requireTokenizer(name: TokenizerName): Tokenizer {
  const t = loaded.get(name);
  if (!t) {
    throw codecError(
      CodecErrorCode.TOKENIZER_NOT_LOADED,
      `tokenizer ${name} is not loaded: await loadTokenizer("${name}") first`,
    );
  }
  return t;
}
