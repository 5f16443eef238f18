// Find embedded encoded blobs (base64, hex, URL escapes, rot13) and decode the ones that turn
// out to be text, so the rules can read what a model asked to "decode this" would read.

/** Which passes {@link findEncodedBlobs} should run (all by default). */
export interface BlobHints {
  /** The text reads like rot13 English: add a rot13 reading of the whole text. */
  readonly rot13: boolean;
  /** There is an unbroken alphanumeric run of 16+ characters (base64, hex). */
  readonly longRuns: boolean;
  /** There is a run of space/colon separated hex pairs. */
  readonly hexPairs: boolean;
}

const ALL_HINTS: BlobHints = { rot13: false, longRuns: true, hexPairs: true };

/** One decoded blob. */
export interface DecodedBlob {
  readonly via: "base64" | "hex" | "url" | "rot13";
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

// Candidates start only where a run starts (lookbehind), so each character is visited O(1) times.
const B64_CANDIDATE = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{20,}={0,2}/g;
const HEX_CANDIDATE =
  /(?:\\x[0-9a-fA-F]{2}){6,}|(?:0x)?(?:[0-9a-fA-F]{2}){10,}|(?:[0-9a-fA-F]{2}[ :]){8,}[0-9a-fA-F]{2}/g;
// Starts at a run boundary (whitespace or a query delimiter), so each start is tried once.
const URL_CANDIDATE = /(?<![^\s=&?])[^%\s=&?]{0,24}(?:%[0-9a-fA-F]{2}[^%\s]{0,24}){4,}/g;
/\b(?:the|and|you|your|ignore|previous|instructions|system|prompt|password|secret|tell|write|say|all|is|to|of|this)\b/g;

// A linear pre-check before the candidate patterns: a base64 candidate needs 20 characters of its
// alphabet in a row, and every hex candidate form (\\x41…, 0x4142…, "41 42 …") is a run of 20 or
// more characters from [0-9a-fA-F :x\\]. Text without such runs (most prose, German compounds
// included) skips the pattern scans; where runs exist, the patterns decide as before.
const B64_RUN = 1;
const HEX_RUN = 2;
const RUN_CLASS = (() => {
  const table = new Uint8Array(128);
  const mark = (chars: string, bit: number): void => {
    for (let i = 0; i < chars.length; i++) {
      const c = chars.charCodeAt(i);
      table[c] = (table[c] ?? 0) | bit;
    }
  };
  mark("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-", B64_RUN);
  mark("0123456789abcdefABCDEF :x\\", HEX_RUN);
  return table;
})();

/** Longest runs of base64-alphabet and of hex-candidate characters. */
function longestRuns(s: string): { b64: number; hex: number } {
  let b64 = 0;
  let hex = 0;
  let b = 0;
  let h = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const k = c < 128 ? (RUN_CLASS[c] as number) : 0;
    if ((k & B64_RUN) !== 0) {
      if (++b > b64) b64 = b;
    } else b = 0;
    if ((k & HEX_RUN) !== 0) {
      if (++h > hex) hex = h;
    } else h = 0;
  }
  return { b64, hex };
}

const B64_VALUES = (() => {
  const table = new Int16Array(128).fill(-1);
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (let i = 0; i < 64; i++) table[alphabet.charCodeAt(i)] = i;
  table[0x2d] = 62; // "-" (URL-safe alphabet)
  table[0x5f] = 63; // "_"
  return table;
})();

function base64Bytes(s: string): Uint8Array | null {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0x3d) end--;
  if (end % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const v = B64_VALUES[s.charCodeAt(i)] ?? -1;
    if (v < 0) return null;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, o);
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Decode bytes as UTF-8 and keep them only if they read like natural-language text. */
function asText(bytes: Uint8Array | null): string | null {
  if (bytes === null || bytes.length < 8) return null;
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return null;
  }
  return looksLikeText(text) ? text : null;
}

/** Printable, has letters and at least one space: a sentence rather than an id or binary. */
export function looksLikeText(text: string): boolean {
  let printable = 0;
  let letters = 0;
  let spaces = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20) spaces++;
    if ((c >= 0x20 && c < 0x7f) || c === 0x0a || c === 0x09 || c >= 0xa0) printable++;
    if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c >= 0xc0) letters++;
  }
  return printable >= text.length * 0.95 && letters >= text.length * 0.5 && spaces >= 1;
}

function hexBytes(s: string): Uint8Array {
  const digits = s.replace(/\\x|0x|[ :]/g, "");
  const out = new Uint8Array(digits.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** rot13 of ASCII letters. */
export function rot13(text: string): string {
  return text.replace(/[a-zA-Z]/g, (c) => {
    const base = c <= "Z" ? 65 : 97;
    return String.fromCharCode(((c.charCodeAt(0) - base + 13) % 26) + base);
  });
}

/**
 * Decode every text-like blob in `cased` (case-preserving normalised text), stopping once
 * `budget` characters of decoded text have been produced or 64 candidates have been tried.
 * `hints` (from the caller's token statistics) skip passes that cannot find anything.
 */
export function findEncodedBlobs(cased: string, budget: number, hints: BlobHints = ALL_HINTS): DecodedBlob[] {
  const out: DecodedBlob[] = [];
  let tried = 0;
  let used = 0;
  const push = (blob: DecodedBlob): boolean => {
    if (used + blob.text.length > budget) return false;
    used += blob.text.length;
    out.push(blob);
    return true;
  };
  const hexWanted = (hints.longRuns || hints.hexPairs || cased.includes("\\x")) && cased.length >= 20;
  const runs = (hints.longRuns || hexWanted) && cased.length >= 20 ? longestRuns(cased) : { b64: 0, hex: 0 };
  if (hints.longRuns && cased.length >= 20 && runs.b64 >= 20) {
    B64_CANDIDATE.lastIndex = 0;
    for (let m = B64_CANDIDATE.exec(cased); m !== null && tried < 64; m = B64_CANDIDATE.exec(cased)) {
      const s = m[0];
      // Words and identifiers are long runs too; real base64 mixes case and digits/symbols.
      if (!/[A-Z]/.test(s) || !/[a-z]/.test(s)) continue;
      tried++;
      // Decode at most what the remaining budget can hold (a 1 MiB run costs no more than the budget).
      const room = Math.max(0, budget - used);
      const text = asText(base64Bytes(s.length > (room * 4) / 3 ? s.slice(0, Math.floor(room / 3) * 4) : s));
      if (text !== null && !push({ via: "base64", start: m.index, end: m.index + s.length, text })) break;
    }
  }
  if (hexWanted && runs.hex >= 20) {
    HEX_CANDIDATE.lastIndex = 0;
    for (let m = HEX_CANDIDATE.exec(cased); m !== null && tried < 64; m = HEX_CANDIDATE.exec(cased)) {
      tried++;
      const room = Math.max(0, budget - used);
      const text = asText(hexBytes(m[0].length > room * 2 ? m[0].slice(0, room * 2) : m[0]));
      if (text !== null && !push({ via: "hex", start: m.index, end: m.index + m[0].length, text })) break;
    }
  }
  if (cased.includes("%")) {
    URL_CANDIDATE.lastIndex = 0;
    for (let m = URL_CANDIDATE.exec(cased); m !== null && tried < 64; m = URL_CANDIDATE.exec(cased)) {
      tried++;
      let text: string | null = null;
      try {
        text = decodeURIComponent(m[0]);
      } catch {
        text = null;
      }
      if (text !== null && text !== m[0] && looksLikeText(text)) {
        if (!push({ via: "url", start: m.index, end: m.index + m[0].length, text })) break;
      }
    }
  }
  // rot13: only when the text reads more like rot13 English than like English.
  if (hints.rot13) {
    const slice = cased.length > budget - used ? cased.slice(0, Math.max(0, budget - used)) : cased;
    if (slice.length > 0) push({ via: "rot13", start: 0, end: slice.length, text: rot13(slice) });
  }
  return out;
}
