// Text normalisation: what a model "sees" after the usual obfuscation tricks are undone.
// Every step is a single linear pass (regexes without nested unbounded quantifiers).

/** Counters of suspicious characters found while normalising. */
export interface NormalizeStats {
  /** Zero-width characters (ZWSP, ZWNJ, ZWJ, WJ, BOM, soft hyphen, …) removed. */
  zeroWidth: number;
  /** Zero-width characters that sat between two letters (hiding words from matchers). */
  zeroWidthInWord: number;
  /** Bidi embedding/override/isolate/mark controls removed. */
  bidi: number;
  /** Of those, explicit overrides (U+202D, U+202E), the "Trojan Source" kind. */
  bidiOverride: number;
  /** Unicode tag characters (U+E0000–E007F), an ASCII smuggling channel. */
  tags: number;
  /** Words mixing Latin with Cyrillic/Greek look-alikes. */
  mixedScriptWords: number;
  /** Characters changed by NFKC (full-width, ligatures, math alphanumerics, …). */
  nfkcChanged: boolean;
  /** NUL characters. */
  nul: number;
  /** Unpaired UTF-16 surrogates. */
  loneSurrogates: number;
  /** Other C0/C1 control characters (not tab, LF, CR). */
  controls: number;
}

/** Result of {@link normalizeText}. */
export interface Normalized {
  /** Lower-cased, folded text that rules run over. */
  readonly text: string;
  /** Same folding but case kept (for decoders: base64 is case-sensitive). */
  readonly cased: string;
  /** ASCII text smuggled in Unicode tag characters, if any. */
  readonly tagText: string;
  readonly stats: NormalizeStats;
}

// biome-ignore lint/suspicious/noMisleadingCharacterClass: the class lists single code units on purpose (invisible/combining marks, surrogate halves)
const ZERO_WIDTH = /[\u200B-\u200D\u2060-\u2064\uFEFF\u00AD\u180E\u034F\u115F\u1160\u3164\uFFA0]/g;
const ZERO_WIDTH_IN_WORD =
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: the class lists single code units on purpose (invisible/combining marks, surrogate halves)
  /[\p{L}\p{N}][\u200B-\u200D\u2060-\u2064\uFEFF\u00AD\u180E\u034F]+(?=[\p{L}\p{N}])/gu;
const BIDI = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;
const BIDI_OVERRIDE = /[\u202D\u202E]/g;
const TAGS = /\uDB40[\uDC00-\uDC7F]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const CONTROLS = /[\u0001-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
const NON_ASCII = /[^\u0000-\u007F]/;
// Anything but printable ASCII, tab, LF, CR: one pass decides whether the slow path is needed.
const UNUSUAL = /[^\u0009\u000A\u000D\u0020-\u007E]/;
const SPECIAL =
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: the class lists single code units on purpose (invisible/combining marks, surrogate halves)
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u00AD\u034F\u061C\u115F\u1160\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2069\u3164\uD800-\uDFFF\uFEFF\uFFA0]/;

// Cyrillic and Greek letters that render like Latin ones (lower case after toLowerCase), plus
// typographic quotes and dashes that NFKC leaves alone.
const CONFUSABLES: Readonly<Record<string, string>> = {
  а: "a",
  в: "b",
  е: "e",
  ё: "e",
  к: "k",
  м: "m",
  н: "h",
  о: "o",
  р: "p",
  с: "c",
  т: "t",
  у: "y",
  х: "x",
  ѕ: "s",
  і: "i",
  ї: "i",
  ј: "j",
  һ: "h",
  ԁ: "d",
  ԛ: "q",
  ԝ: "w",
  ɡ: "g",
  ӏ: "l",
  ү: "y",
  α: "a",
  β: "b",
  ε: "e",
  η: "n",
  ι: "i",
  κ: "k",
  ν: "v",
  ο: "o",
  ρ: "p",
  τ: "t",
  υ: "u",
  χ: "x",
  γ: "y",
  ς: "c",
  ϲ: "c",
  ϳ: "j",
  μ: "u",
  ω: "w",
  // Latin-script look-alikes (IPA, Latin Extended, small capitals): same script, so they need their own check.
  ɑ: "a",
  ɐ: "a",
  ɒ: "a",
  ɓ: "b",
  ƅ: "b",
  ƈ: "c",
  ɔ: "o",
  ɗ: "d",
  ɖ: "d",
  ɛ: "e",
  ə: "e",
  ɘ: "e",
  ƒ: "f",
  ɠ: "g",
  ɦ: "h",
  ı: "i",
  ɩ: "i",
  ɪ: "i",
  ȷ: "j",
  ʝ: "j",
  ƙ: "k",
  ʟ: "l",
  ǀ: "l",
  ɭ: "l",
  ɱ: "m",
  ɲ: "n",
  ɳ: "n",
  ɴ: "n",
  ƞ: "n",
  ɵ: "o",
  ƥ: "p",
  ʠ: "q",
  ʀ: "r",
  ɾ: "r",
  ʂ: "s",
  ƨ: "s",
  ƭ: "t",
  ʈ: "t",
  ʋ: "v",
  ʌ: "v",
  ʍ: "w",
  ʏ: "y",
  ƴ: "y",
  ʐ: "z",
  ȥ: "z",
  ᴀ: "a",
  ʙ: "b",
  ᴄ: "c",
  ᴅ: "d",
  ᴇ: "e",
  ɢ: "g",
  ʜ: "h",
  ᴊ: "j",
  ᴋ: "k",
  ᴍ: "m",
  ᴏ: "o",
  ᴘ: "p",
  ᴛ: "t",
  ᴜ: "u",
  ᴠ: "v",
  ᴡ: "w",
  ᴢ: "z",
  "\u2018": "'",
  "\u2019": "'",
  "\u201B": "'",
  "\u2032": "'",
  "\u02BC": "'",
  "\u201C": '"',
  "\u201D": '"',
  "\u201F": '"',
  "\u2033": '"',
  "\u2010": "-",
  "\u2011": "-",
  "\u2012": "-",
  "\u2013": "-",
  "\u2014": "-",
  "\u2015": "-",
  "\u2212": "-",
  "\u00A0": " ",
  "\u2007": " ",
  "\u202F": " ",
  "\u3000": " ",
};
const CONFUSABLE_CLASS = new RegExp(`[${Object.keys(CONFUSABLES).join("")}]`, "g");
// The same class without the global flag: a cheaper test before a replace that often finds nothing.
const HAS_CONFUSABLE = new RegExp(`[${Object.keys(CONFUSABLES).join("")}]`);
// ASCII plus the precomposed Latin-1 letters (À–ÿ, with × and ÷): NFKC leaves such text unchanged
// (no compatibility mappings, and nothing there composes), so accented Western European text skips
// the normalisation call.
const NFKC_STABLE = /^[\u0000-\u007F\u00C0-\u00FF]*$/;
const foldConfusables = (s: string): string =>
  HAS_CONFUSABLE.test(s) ? s.replace(CONFUSABLE_CLASS, (c) => CONFUSABLES[c] ?? c) : s;
const WORD = /[\p{L}\p{M}]{2,}/gu;
const LATIN = /[a-z]/i;
const CYRILLIC_GREEK = /[\u0370-\u03FF\u0400-\u052F]/;
const LATIN_LOOKALIKE = /[ɑɐɒɓƅƈɔɗɖɛəɘƒɠɦıɩɪȷʝƙʟǀɭɱɲɳɴƞɵƥʠʀɾʂƨƭʈʋʌʍʏƴʐȥᴀʙᴄᴅᴇɢʜᴊᴋᴍᴏᴘᴛᴜᴠᴡᴢɡ]/;
const SUSPECT_SCRIPT =
  /[\u0370-\u03FF\u0400-\u052Fɑɐɒɓƅƈɔɗɖɛəɘƒɠɦıɩɪȷʝƙʟǀɭɱɲɳɴƞɵƥʠʀɾʂƨƭʈʋʌʍʏƴʐȥᴀʙᴄᴅᴇɢʜᴊᴋᴍᴏᴘᴛᴜᴠᴡᴢɡ]/;

function count(text: string, pattern: RegExp): number {
  pattern.lastIndex = 0;
  let n = 0;
  while (pattern.exec(text) !== null) n++;
  return n;
}

/**
 * Normalise one piece of text: record and strip invisible/bidi/tag characters, NFKC, fold
 * confusable letters and typographic punctuation, lower-case.
 */
export function normalizeText(raw: string): Normalized {
  const stats: NormalizeStats = {
    zeroWidth: 0,
    zeroWidthInWord: 0,
    bidi: 0,
    bidiOverride: 0,
    tags: 0,
    mixedScriptWords: 0,
    nfkcChanged: false,
    nul: 0,
    loneSurrogates: 0,
    controls: 0,
  };
  let text = raw;
  let tagText = "";
  if (!UNUSUAL.test(text)) {
    // Fast path: plain ASCII without controls needs only lower-casing.
    return { text: text.toLowerCase(), cased: text, tagText, stats };
  }
  if (SPECIAL.test(text)) {
    stats.nul = count(text, /\u0000/g);
    stats.controls = count(text, CONTROLS);
    stats.loneSurrogates = count(text, LONE_SURROGATE);
    stats.zeroWidth = count(text, ZERO_WIDTH);
    if (stats.zeroWidth > 0) stats.zeroWidthInWord = count(text, ZERO_WIDTH_IN_WORD);
    stats.bidi = count(text, BIDI);
    stats.bidiOverride = count(text, BIDI_OVERRIDE);
    text = text
      .replace(ZERO_WIDTH, "")
      .replace(BIDI, "")
      .replace(/\u0000/g, " ");
    if (stats.loneSurrogates > 0) text = text.replace(LONE_SURROGATE, "\uFFFD");
  }
  if (text.includes("\uDB40")) {
    let hidden = "";
    text = text.replace(TAGS, (pair) => {
      stats.tags++;
      const code = pair.charCodeAt(1) - 0xdc00;
      if (code >= 0x20 && code < 0x7f) hidden += String.fromCharCode(code);
      return "";
    });
    tagText = hidden;
  }
  if (NON_ASCII.test(text)) {
    const nfkc = NFKC_STABLE.test(text) ? text : text.normalize("NFKC");
    if (nfkc !== text) stats.nfkcChanged = true;
    text = nfkc;
    if (SUSPECT_SCRIPT.test(text)) {
      WORD.lastIndex = 0;
      for (let m = WORD.exec(text); m !== null; m = WORD.exec(text)) {
        const w = m[0];
        if (LATIN.test(w) && (CYRILLIC_GREEK.test(w) || LATIN_LOOKALIKE.test(w))) stats.mixedScriptWords++;
      }
    }
    const cased = foldConfusables(text);
    const lower = foldConfusables(text.toLowerCase());
    return { text: lower, cased, tagText, stats };
  }
  return { text: text.toLowerCase(), cased: text, tagText, stats };
}

const LEET_MAP: Readonly<Record<string, string>> = {
  "0": "o",
  "1": "i",
  "2": "z",
  "3": "e",
  "4": "a",
  "5": "s",
  "6": "g",
  "7": "t",
  "8": "b",
  "9": "g",
  "@": "a",
  $: "s",
  "!": "i",
  "|": "l",
};
const LEET_ANY = /[a-z][0-9@$!|]|[0-9@$!|][a-z]/;

const isLeetLetter = (c: number): boolean => c >= 97 && c <= 122;
const isLeetDigit = (c: number): boolean => c >= 48 && c <= 57;
/** A digit or a symbol that stands for a letter: [0-9@$!|]. */
const isLeetSubstitute = (c: number): boolean =>
  isLeetDigit(c) || c === 0x40 || c === 0x24 || c === 0x21 || c === 0x7c;
// Units after a number that are not leetspeak ("1st", "64kb", "10am").
const NUMBER_SUFFIXES: ReadonlySet<string> = new Set(
  "st nd rd th k m g x s d h px kb mb gb am pm".split(" "),
);

/** Should this maximal run of [a-z0-9@$!|] (text[start, end)) be read as leetspeak? */
function isLeetWord(text: string, start: number, end: number): boolean {
  const len = end - start;
  // Leet words are short; long mixed runs are ids, hashes or base64 (handled by the decoders).
  if (len > 24) return false;
  let mixed = false;
  let letters = 0;
  let leadingDigits = 0;
  let lettersThenDigits = true;
  let seenDigit = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    const letter = isLeetLetter(c);
    if (letter) letters++;
    if (i + 1 < end) {
      const d = text.charCodeAt(i + 1);
      if ((letter && isLeetSubstitute(d)) || (isLeetSubstitute(c) && isLeetLetter(d))) mixed = true;
    }
    if (isLeetDigit(c) && leadingDigits === i - start) leadingDigits++;
    // /^[a-z]+[0-9]+$/: letters, then digits only.
    if (letter) {
      if (seenDigit) lettersThenDigits = false;
    } else if (isLeetDigit(c)) seenDigit = true;
    else lettersThenDigits = false;
  }
  if (!mixed) return false;
  // Keep hex-looking ids and common tech tokens (x86, mp3, utf8, h264) from becoming words:
  // require at least two letters and that substitutes are not all trailing digits.
  if (lettersThenDigits && seenDigit && isLeetLetter(text.charCodeAt(start))) return false;
  if (leadingDigits > 0 && leadingDigits < len && NUMBER_SUFFIXES.has(text.slice(start + leadingDigits, end)))
    return false;
  return letters >= 2;
}

/**
 * Undo leetspeak inside words that mix letters with digit/symbol substitutes ("1gn0r3" →
 * "ignore"). Tokens of digits only are left alone. Returns `null` when nothing changed.
 * One pass over the text; only the words that change are rebuilt.
 */
export function undoLeet(lower: string): string | null {
  if (!LEET_ANY.test(lower)) return null;
  let out = "";
  let copied = 0;
  const n = lower.length;
  let i = 0;
  while (i < n) {
    const c = lower.charCodeAt(i);
    if (!(isLeetLetter(c) || isLeetSubstitute(c))) {
      i++;
      continue;
    }
    const start = i;
    while (i < n) {
      const d = lower.charCodeAt(i);
      if (!(isLeetLetter(d) || isLeetSubstitute(d))) break;
      i++;
    }
    if (!isLeetWord(lower, start, i)) continue;
    out += lower.slice(copied, start);
    for (let k = start; k < i; k++) {
      const ch = lower[k] as string;
      out += LEET_MAP[ch] ?? ch;
    }
    copied = i;
  }
  return copied === 0 ? null : out + lower.slice(copied);
}

// Runs of single letters separated by one separator ("i g n o r e", "i.g.n.o.r.e"); a wider
// gap (two or more spaces, or "/" or "|") between runs separates words.
const SPACED_RUN =
  /(?:^|(?<=[^a-z]))[a-z](?:[ ._\-*+~][a-z]){3,}(?:(?:\s{2,}|\s*[/|]\s*)[a-z](?:[ ._\-*+~][a-z])+)*(?![a-z])/g;

/** Collapse letter-spaced words. Returns `null` when no spaced run was found. */
export function undoSpacing(lower: string): string | null {
  if (!/[a-z][ ._\-*+~][a-z][ ._\-*+~][a-z][ ._\-*+~][a-z]/.test(lower)) return null;
  let changed = false;
  const out = lower.replace(SPACED_RUN, (run) => {
    changed = true;
    return run
      .split(/\s{2,}|\s*[/|]\s*/)
      .map((w) => w.replace(/[ ._\-*+~]/g, ""))
      .join(" ");
  });
  return changed ? out : null;
}
