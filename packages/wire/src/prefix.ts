import { isBase64Char } from "./base64.js";

/** Text prefixes of every format M2M reads and writes. */
export const Prefix = {
  M2M_V1: "#M2M|1|",
  M2M_V2: "#M2M|2|",
  TOKEN_NATIVE: "#TK|",
  TOKEN_NATIVE_CL100K: "#TK|C|",
  TOKEN_NATIVE_O200K: "#TK|O|",
  TOKEN_NATIVE_LLAMA3: "#TK|L|",
  BROTLI: "#M2M[v3.0]|DATA:",
} as const;

/** First bytes of a binary v2 frame: 0xC1 can never start UTF-8 text, so a v2 frame is never mistaken for text. */
export const V2_MAGIC: readonly [number, number] = [0xc1, 0x4d];

/** Formats that {@link detectFormat} tells apart. */
export const WireFormat = {
  M2M_V1: "m2m-v1",
  M2M_V2: "m2m-v2",
  TOKEN_NATIVE: "token-native",
  BROTLI: "brotli",
  /** `#M2M|n|` with a version this implementation does not know: decoders must refuse it. */
  M2M_UNKNOWN_VERSION: "m2m-unknown-version",
  PASSTHROUGH: "passthrough",
} as const;
export type WireFormat = (typeof WireFormat)[keyof typeof WireFormat];

/** What {@link detectFormat} found. */
export interface DetectedFormat {
  readonly format: WireFormat;
  /** `text` for the prefix + base64 forms (a string, or ASCII bytes), `binary` for raw frames. */
  readonly form: "text" | "binary";
  /** Length of the prefix to skip (0 for passthrough and binary v2). */
  readonly prefixLength: number;
  /** TokenNative tokenizer id character (`C`, `O`, `L`, …), when format is token-native. */
  readonly tokenizer?: string;
}

const PASSTHROUGH: DetectedFormat = { format: WireFormat.PASSTHROUGH, form: "text", prefixLength: 0 };

function startsWithAscii(input: string | Uint8Array, prefix: string): boolean {
  if (input.length < prefix.length) return false;
  if (typeof input === "string") return input.startsWith(prefix);
  for (let i = 0; i < prefix.length; i++) if (input[i] !== prefix.charCodeAt(i)) return false;
  return true;
}

const charAt = (input: string | Uint8Array, i: number): number =>
  typeof input === "string" ? input.charCodeAt(i) : (input[i] ?? -1);

/**
 * Tell which M2M format `input` is in, by prefix only (no decoding). Anything unrecognised is
 * passthrough. For bytes starting with `#M2M|1|`, the byte after the 2-byte header length (the
 * schema byte) separates the forms: every defined schema value is outside the base64 alphabet.
 *
 * @example detectFormat("#TK|C|sk0L/Q4A") // { format: "token-native", form: "text", prefixLength: 6, tokenizer: "C" }
 */
export function detectFormat(input: string | Uint8Array): DetectedFormat {
  if (
    typeof input !== "string" &&
    input.length >= 3 &&
    input[0] === V2_MAGIC[0] &&
    input[1] === V2_MAGIC[1]
  ) {
    return {
      format: input[2] === 2 ? WireFormat.M2M_V2 : WireFormat.M2M_UNKNOWN_VERSION,
      form: "binary",
      prefixLength: 0,
    };
  }
  if (charAt(input, 0) !== 0x23 /* # */) return PASSTHROUGH;
  if (startsWithAscii(input, Prefix.M2M_V1)) {
    const binary = typeof input !== "string" && input.length > 9 && !isBase64Char(input[9]!);
    return {
      format: WireFormat.M2M_V1,
      form: binary ? "binary" : "text",
      prefixLength: Prefix.M2M_V1.length,
    };
  }
  if (startsWithAscii(input, Prefix.M2M_V2))
    return { format: WireFormat.M2M_V2, form: "text", prefixLength: Prefix.M2M_V2.length };
  if (startsWithAscii(input, Prefix.TOKEN_NATIVE)) {
    // "#TK|" then an id field up to the next "|"; the reference uses its first character.
    const limit = Math.min(input.length, 64);
    for (let i = Prefix.TOKEN_NATIVE.length; i < limit; i++) {
      if (charAt(input, i) === 0x7c /* | */) {
        const id =
          i > Prefix.TOKEN_NATIVE.length
            ? String.fromCharCode(charAt(input, Prefix.TOKEN_NATIVE.length))
            : "";
        return { format: WireFormat.TOKEN_NATIVE, form: "text", prefixLength: i + 1, tokenizer: id };
      }
    }
    return {
      format: WireFormat.TOKEN_NATIVE,
      form: "text",
      prefixLength: Prefix.TOKEN_NATIVE.length,
      tokenizer: "",
    };
  }
  if (startsWithAscii(input, "#M2M[v3.0]|"))
    return { format: WireFormat.BROTLI, form: "text", prefixLength: Prefix.BROTLI.length };
  // "#M2M|<digits>|" with an unknown version is ours and must not be passed through as text.
  if (startsWithAscii(input, "#M2M|")) {
    let i = 5;
    while (i < Math.min(input.length, 12) && charAt(input, i) >= 0x30 && charAt(input, i) <= 0x39) i++;
    if (i > 5 && charAt(input, i) === 0x7c)
      return { format: WireFormat.M2M_UNKNOWN_VERSION, form: "text", prefixLength: i + 1 };
  }
  return PASSTHROUGH;
}
