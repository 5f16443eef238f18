// Per-segment analysis: normalise, run rules over the text and its de-obfuscated variants,
// decode embedded blobs (bounded) and scan what they contain.

import { findEncodedBlobs } from "./decode.js";
import { normalizeText, undoLeet, undoSpacing } from "./normalize.js";
import { RULES, type Rule, type RuleBranch } from "./rules.js";
import type { Role, ThreatCategory } from "./types.js";

/** A rule that matched, before scoring. */
export interface Hit {
  readonly rule: string;
  readonly category: ThreatCategory;
  readonly start: number;
  readonly end: number;
  readonly excerpt: string;
  readonly via?: string;
}

/** Knobs for {@link analyzeText}. */
export interface AnalyzeOptions {
  readonly maxDecodeDepth: number;
  readonly maxDecodedChars: number;
}

const OPERATOR: ReadonlySet<Role> = new Set(["system", "developer"]);
const THIRD_PARTY: ReadonlySet<Role> = new Set(["tool", "function"]);

type Entry = readonly [Rule, RuleBranch];

// Token characters are [a-z0-9_] (the text is lower-cased); a token may continue with an
// apostrophe and letters ("don't"). Keys below pack the first two/three character codes.
const key2 = (c0: number, c1: number): number => (c0 << 7) | c1;
const key3 = (c0: number, c1: number, c2: number): number => (c0 << 14) | (c1 << 7) | c2;
// Word filter key: first three characters and length, hashed into 16 bits. Far fewer tokens pass
// than with two characters alone, so fewer are sliced and looked up.
const wordKey = (c0: number, c1: number, c2: number, len: number): number =>
  (((c0 * 131 + c1) * 131 + c2) * 37 + Math.min(len, 31)) & 0xffff;
// Prefix filter key: first three characters hashed into 16 bits, so most tokens skip the Map lookup.
const prefixKey = (c0: number, c1: number, c2: number): number => ((c0 * 131 + c1) * 131 + c2) & 0xffff;
const firstCodes = (word: string): [number, number, number] => [
  word.charCodeAt(0) & 0x7f,
  word.length > 1 ? word.charCodeAt(1) & 0x7f : 0,
  word.length > 2 ? word.charCodeAt(2) & 0x7f : 0,
];

/** Rules of one provenance, indexed by the tokens that can start a match. */
interface TriggerIndex {
  /**
   * Trigger words bucketed by their filter key, so a token is matched by comparing characters in
   * place (no slice, no string hashing).
   */
  readonly words: ReadonlyMap<number, readonly (readonly [string, readonly Entry[]])[]>;
  /** Byte per hashed (first three characters, length): could this token be a trigger word? */
  readonly wordFilter: Uint8Array;
  /** Byte per hashed first three characters: could a prefix start this token? */
  readonly prefixFilter: Uint8Array;
  /** Keyed by the first three character codes of the prefix. */
  readonly prefixes: ReadonlyMap<number, readonly (readonly [string, Rule, RuleBranch])[]>;
  readonly scans: readonly ScanEntry[];
}

/** A whole-text scan rule with its gating literals and the lowest first code unit among them. */
interface ScanEntry {
  readonly rule: Rule;
  /**
   * The gating literals as one pattern. A RegExp test rather than `text.includes(hint)`: the
   * optimiser specialises `includes` for the string representations it has seen, and rare
   * two-byte hints (CJK, emoji) made `runRules` deoptimise again and again.
   */
  readonly gate: RegExp | null;
  readonly minCode: number;
  readonly scan: RegExp | null;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function scanEntry(rule: Rule): ScanEntry {
  const hints = rule.hints ?? (rule.hint === undefined ? [] : [rule.hint]);
  // A literal that starts with a token character could sit inside a token; keep it always on.
  let minCode = hints.length === 0 ? Number.POSITIVE_INFINITY : 0xffff;
  for (const h of hints) {
    const c = h.charCodeAt(0);
    const tokenChar = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95;
    minCode = Math.min(minCode, tokenChar ? 0 : c);
  }
  const gate = hints.length === 0 ? null : new RegExp(hints.map(escapeRegExp).join("|"));
  return { rule, gate, minCode, scan: rule.scan ?? null };
}

function buildIndex(rules: readonly Rule[]): TriggerIndex {
  const byWord = new Map<string, Entry[]>();
  const wordFilter = new Uint8Array(1 << 16);
  const prefixes = new Map<number, (readonly [string, Rule, RuleBranch])[]>();
  const prefixFilter = new Uint8Array(1 << 16);
  for (const rule of rules) {
    for (const br of rule.branches) {
      for (const t of br.triggers) {
        const list = byWord.get(t);
        if (list === undefined) byWord.set(t, [[rule, br]]);
        else list.push([rule, br]);
      }
      for (const p of br.prefixes) {
        const [c0, c1, c2] = firstCodes(p);
        const key = key3(c0, c1, c2);
        prefixFilter[prefixKey(c0, c1, c2)] = 1;
        const list = prefixes.get(key);
        if (list === undefined) prefixes.set(key, [[p, rule, br]]);
        else list.push([p, rule, br]);
      }
    }
  }
  const words = new Map<number, (readonly [string, readonly Entry[]])[]>();
  for (const [t, list] of byWord) {
    const [c0, c1] = firstCodes(t);
    const key = wordKey(c0, c1, t.length > 2 ? t.charCodeAt(2) & 0x7f : 0, t.length);
    wordFilter[key] = 1;
    const bucket = words.get(key);
    if (bucket === undefined) words.set(key, [[t, list]]);
    else bucket.push([t, list]);
  }
  return {
    words,
    wordFilter,
    prefixFilter,
    prefixes,
    scans: rules.filter((r) => r.scan !== undefined).map(scanEntry),
  };
}

// Rule sets per provenance, indexed once.
const FOR_OPERATOR = buildIndex(RULES.filter((r) => r.scope === "all"));
const FOR_FIRST_PARTY = buildIndex(RULES.filter((r) => r.scope !== "third_party"));
const FOR_THIRD_PARTY = buildIndex(RULES);

function indexFor(role: Role, definition: boolean): TriggerIndex {
  if (OPERATOR.has(role)) return FOR_OPERATOR;
  if (THIRD_PARTY.has(role) && !definition) return FOR_THIRD_PARTY;
  return FOR_FIRST_PARTY;
}

const EXCERPT_MAX = 40;

function excerptOf(text: string, start: number, end: number): string {
  const span = text.slice(start, Math.min(end, start + EXCERPT_MAX));
  const clean = span.replace(/[\u0000-\u001F\u007F-\u009F]/g, " ");
  return end - start > EXCERPT_MAX ? `${clean}…` : clean;
}

// Marker words for rot13 detection ("the", "and", "you", "ignore", … after rot13).
const ROT13_WORDS: ReadonlySet<string> = new Set([
  "gur",
  "naq",
  "lbh",
  "lbhe",
  "vtaber",
  "cerivbhf",
  "vafgehpgvbaf",
  "flfgrz",
  "cebzcg",
  "cnffjbeq",
  "frperg",
  "gryy",
  "jevgr",
  "fnl",
  "nyy",
  "vf",
  "gb",
  "bs",
  "guvf",
]);
const ROT13_FILTER = (() => {
  const f = new Uint8Array(1 << 14);
  for (const w of ROT13_WORDS) f[key2(w.charCodeAt(0), w.charCodeAt(1))] = 1;
  return f;
})();

/** Tokenisation statistics that decide which (costlier) passes are worth running. */
interface TokenStats {
  tokens: number;
  rot13: number;
  /** Longest token: base64/hex blobs are long unbroken runs. */
  maxToken: number;
  /** A token mixes letters with digits, or a letter run continues after @ $ ! |. */
  leet: boolean;
  /** Longest run of single-letter tokens separated by one character ("i g n o r e"). */
  spacedRun: number;
  /** Longest run of two-hex-digit tokens ("49 67 6e ..."). */
  hexRun: number;
}

const isLetter = (c: number): boolean => c >= 97 && c <= 122;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isHex = (c: number): boolean => isDigit(c) || (c >= 97 && c <= 102);
const LETTER = 1;
const DIGIT = 2;
const UNDERSCORE = 3;
/** Class of the ASCII token characters [a-z0-9_] (text is lower-cased); 0 for anything else. */
const TOKEN_CHAR = (() => {
  const t = new Uint8Array(128);
  for (let c = 0; c < 128; c++) t[c] = isLetter(c) ? LETTER : isDigit(c) ? DIGIT : c === 95 ? UNDERSCORE : 0;
  return t;
})();
const isLeetSymbol = (c: number): boolean => c === 0x40 || c === 0x24 || c === 0x21 || c === 0x7c;

function record(
  out: Map<string, Hit>,
  rule: Rule,
  text: string,
  start: number,
  end: number,
  via: string | undefined,
): void {
  const excerpt = excerptOf(text, start, end);
  out.set(
    rule.id,
    via === undefined
      ? { rule: rule.id, category: rule.category, start, end, excerpt }
      : { rule: rule.id, category: rule.category, start, end, excerpt, via },
  );
}

function attempt(
  out: Map<string, Hit>,
  rule: Rule,
  br: RuleBranch,
  text: string,
  at: number,
  via: string | undefined,
): boolean {
  if (out.has(rule.id)) return false;
  br.pattern.lastIndex = at;
  const r = br.pattern.exec(text);
  if (r === null) return false;
  record(out, rule, text, r.index, r.index + r[0].length, via);
  return rule.category !== "encoding_attack";
}

/**
 * Run the indexed rules over `text`: one hand-written tokenisation pass (no allocation for
 * tokens that cannot be triggers); at each token that can start a rule, a sticky match attempt.
 * Returns how many non-encoding rules were newly hit.
 */
function runRules(
  index: TriggerIndex,
  text: string,
  out: Map<string, Hit>,
  via: string | undefined,
  stats?: TokenStats,
): number {
  let added = 0;
  const { words, wordFilter, prefixFilter, prefixes } = index;
  const n = text.length;
  // Statistics live in locals during the loop (written back once at the end).
  const collect = stats !== undefined;
  let tokens = 0;
  let maxToken = 0;
  let spacedRun = 0;
  let hexRunMax = 0;
  let rot13 = 0;
  let leet = false;
  let singleRun = 0;
  let hexRun = 0;
  let prevEnd = -2;
  // Highest code unit outside tokens: a whole-text scan whose gating literals all start above it
  // (CJK verbs, emoji) cannot match, so its `includes` checks are skipped.
  let maxOther = 0;
  let i = 0;
  while (i < n) {
    const c0 = text.charCodeAt(i);
    if (c0 >= 128 || TOKEN_CHAR[c0] === 0) {
      if (c0 > maxOther) maxOther = c0;
      i++;
      continue;
    }
    const start = i;
    let letters = 0;
    let digits = 0;
    let letterAfterDigit = false;
    let digitAfterLetter = false;
    if (!collect) {
      // Later passes (leet, spacing, decoded text) need only the token's extent.
      i++;
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c >= 128 || TOKEN_CHAR[c] === 0) break;
        i++;
      }
    } else
      while (i < n) {
        const c = text.charCodeAt(i);
        const k = c < 128 ? TOKEN_CHAR[c] : 0;
        if (k === LETTER) {
          letters++;
          if (digits > 0) letterAfterDigit = true;
        } else if (k === DIGIT) {
          digits++;
          if (letters > 0) digitAfterLetter = true;
        } else if (k !== UNDERSCORE) break;
        i++;
      }
    if (i + 1 < n && text.charCodeAt(i) === 0x27 && isLetter(text.charCodeAt(i + 1))) {
      i++;
      while (i < n && isLetter(text.charCodeAt(i))) i++;
    }
    const end = i;
    const len = end - start;
    const c1 = len > 1 ? text.charCodeAt(start + 1) : 0;
    const c2 = len > 2 ? text.charCodeAt(start + 2) : 0;
    if (collect) {
      tokens++;
      if (len > maxToken) maxToken = len;
      const adjacent = start === prevEnd + 1;
      prevEnd = end;
      if (len === 1 && letters === 1) {
        singleRun = adjacent && singleRun > 0 ? singleRun + 1 : 1;
        if (singleRun > spacedRun) spacedRun = singleRun;
      } else singleRun = 0;
      if (len === 2 && isHex(c0) && isHex(c1)) {
        hexRun = adjacent && hexRun > 0 ? hexRun + 1 : 1;
        if (hexRun > hexRunMax) hexRunMax = hexRun;
      } else hexRun = 0;
      // Leet candidates: a symbol substitute inside a word ("p@ss"), or digits mixed into at least
      // two letters other than a trailing number ("gpt4", "utf8") or a short unit ("10am", "64bit"),
      // which undoLeet leaves alone anyway; this keeps the extra pass off ordinary prose.
      if (
        !leet &&
        letters > 0 &&
        ((isLeetSymbol(text.charCodeAt(end)) && isLetter(text.charCodeAt(end + 1))) ||
          (digits > 0 && letters >= 2 && letterAfterDigit && (digitAfterLetter || letters > 3)))
      )
        leet = true;
      if (ROT13_FILTER[key2(c0, c1)] === 1 && ROT13_WORDS.has(text.slice(start, end))) rot13++;
    }
    const wk = wordKey(c0, c1, c2, len);
    if (wordFilter[wk] === 1) {
      const bucket = words.get(wk);
      if (bucket !== undefined)
        for (const [word, list] of bucket)
          if (word.length === len && text.startsWith(word, start)) {
            for (const [rule, br] of list) if (attempt(out, rule, br, text, start, via)) added++;
            break;
          }
    }
    if (len >= 3 && prefixFilter[prefixKey(c0, c1, c2)] === 1) {
      const plist = prefixes.get(key3(c0, c1, c2));
      if (plist !== undefined)
        for (const [p, rule, br] of plist)
          if (text.startsWith(p, start) && attempt(out, rule, br, text, start, via)) added++;
    }
  }
  if (stats !== undefined) {
    stats.tokens += tokens;
    stats.rot13 += rot13;
    if (maxToken > stats.maxToken) stats.maxToken = maxToken;
    if (spacedRun > stats.spacedRun) stats.spacedRun = spacedRun;
    if (hexRunMax > stats.hexRun) stats.hexRun = hexRunMax;
    if (leet) stats.leet = true;
  }
  for (const scan of index.scans) {
    const rule = scan.rule;
    if (scan.minCode > maxOther || scan.scan === null || out.has(rule.id)) continue;
    if (scan.gate === null || !scan.gate.test(text)) continue;
    const r = scan.scan.exec(text);
    if (r === null) continue;
    record(out, rule, text, r.index, r.index + r[0].length, via);
    if (rule.category !== "encoding_attack") added++;
  }
  return added;
}

function derived(
  out: Map<string, Hit>,
  rule: string,
  category: ThreatCategory,
  note: string,
  via?: string,
): void {
  if (out.has(rule)) return;
  out.set(
    rule,
    via === undefined
      ? { rule, category, start: 0, end: 0, excerpt: note }
      : { rule, category, start: 0, end: 0, excerpt: note, via },
  );
}

// Words that say nothing about a sentence's topic: function words, the task verbs of
// pi.task_request themselves, and the vocabulary of any message ("question", "please").
const COMMON_WORDS: ReadonlySet<string> = new Set(
  (
    "about above after again against among another because before being below between could doing " +
    "during every first other their there these those through under until where which while would " +
    "should shall might thing things something anything everything someone please thank thanks today " +
    "using without within write explain describe provide create generate summarize summarise suggest " +
    "develop compose translate recommend outline compare analyze analyse determine identify evaluate " +
    "calculate define classify rewrite paraphrase replace remove convert encode reverse question " +
    "questions answer answers simple example brief short detailed different important great little"
  ).split(" "),
);
const OFF_TOPIC_SOURCES = ["pi.question_to_assistant", "pi.task_request"] as const;
/** Shortest document (outside the sentence) whose words are worth comparing with. */
const OFF_TOPIC_MIN_CONTEXT = 200;
const OFF_TOPIC_MAX_SENTENCE = 240;
const STEM = 5;

/** Stems (first five letters) of the words of five or more letters in text[from, to). */
function stems(text: string, from: number, to: number, skipCommon: boolean, into: Set<string>): void {
  let i = from;
  while (i < to) {
    if (!isLetter(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    while (i < to && isLetter(text.charCodeAt(i))) i++;
    if (i - start < STEM) continue;
    if (skipCommon && COMMON_WORDS.has(text.slice(start, i))) continue;
    into.add(text.slice(start, start + STEM));
  }
}

/**
 * Indirect injection asks the reader for something the document is not about ("What are the
 * functions of the liver?" inside a payment notice). When a question or task sentence in tool
 * content shares no content word with the rest of the document, that is a second, independent
 * signal next to the (capped) question/task rules. Linear: one pass over the text per check.
 */
function offTopicTask(out: Map<string, Hit>, text: string): void {
  for (const id of OFF_TOPIC_SOURCES) {
    const hit = out.get(id);
    if (hit === undefined || hit.via !== undefined) continue;
    const limit = Math.min(text.length, hit.start + OFF_TOPIC_MAX_SENTENCE);
    let end = hit.end;
    while (end < limit) {
      const c = text.charCodeAt(end);
      if (c === 0x2e || c === 0x21 || c === 0x3f || c === 0x0a) break;
      end++;
    }
    if (text.length - (end - hit.start) < OFF_TOPIC_MIN_CONTEXT) continue;
    const own = new Set<string>();
    stems(text, hit.start, end, true, own);
    if (own.size < 2) continue;
    const rest = new Set<string>();
    stems(text, 0, hit.start, false, rest);
    stems(text, end, text.length, false, rest);
    let shared = false;
    for (const w of own)
      if (rest.has(w)) {
        shared = true;
        break;
      }
    if (shared) continue;
    out.set("pi.off_topic_task", {
      rule: "pi.off_topic_task",
      category: "prompt_injection",
      start: hit.start,
      end,
      excerpt: excerptOf(text, hit.start, end),
    });
    return;
  }
}

/**
 * Analyse one piece of text from a given role. Returns the hits keyed by rule id (first match
 * per rule). `depth` counts nested decodings.
 */
export function analyzeText(
  raw: string,
  role: Role,
  definition: boolean,
  options: AnalyzeOptions,
  depth = 0,
): Map<string, Hit> {
  const out = new Map<string, Hit>();
  const norm = normalizeText(raw);
  const s = norm.stats;
  if (s.bidiOverride > 0)
    derived(out, "enc.bidi_override", "encoding_attack", `${s.bidiOverride} bidi override(s)`);
  if (s.zeroWidthInWord >= 2)
    derived(out, "enc.zero_width_in_word", "encoding_attack", `${s.zeroWidthInWord} zero-width inside words`);
  if (s.zeroWidth >= 16 || s.bidi - s.bidiOverride >= 16)
    derived(out, "enc.invisible_text", "encoding_attack", `${s.zeroWidth + s.bidi} invisible characters`);
  if (s.tags >= 4) derived(out, "enc.unicode_tags", "encoding_attack", `${s.tags} tag characters`);
  if (s.mixedScriptWords >= 1)
    derived(out, "enc.homoglyph", "encoding_attack", `${s.mixedScriptWords} mixed-script word(s)`);
  if (s.nul > 0) derived(out, "mal.nul", "malformed", `${s.nul} NUL character(s)`);
  if (s.loneSurrogates > 0)
    derived(out, "mal.lone_surrogate", "malformed", `${s.loneSurrogates} lone surrogate(s)`);
  if (s.controls >= 4) derived(out, "mal.control_chars", "malformed", `${s.controls} control characters`);

  const rules = indexFor(role, definition);
  const tokenStats: TokenStats = { tokens: 0, rot13: 0, maxToken: 0, leet: false, spacedRun: 0, hexRun: 0 };
  runRules(rules, norm.text, out, undefined, tokenStats);
  if (rules === FOR_THIRD_PARTY && out.size > 0) offTopicTask(out, norm.text);

  // Obfuscated variants: a rule that only matches once the trick is undone is evidence twice over.
  const leet = tokenStats.leet ? undoLeet(norm.text) : null;
  if (leet !== null && runRules(rules, leet, out, "leet") > 0)
    derived(out, "enc.leetspeak_instruction", "encoding_attack", "instruction in leetspeak", "leet");
  const spaced = tokenStats.spacedRun >= 4 ? undoSpacing(leet ?? norm.text) : null;
  if (spaced !== null && runRules(rules, spaced, out, "spacing") > 0)
    derived(
      out,
      "enc.spaced_instruction",
      "encoding_attack",
      "instruction spelled out with spacing",
      "spacing",
    );

  const hints = {
    rot13: tokenStats.rot13 >= 3 && tokenStats.rot13 * 8 >= tokenStats.tokens,
    longRuns: tokenStats.maxToken >= 16,
    hexPairs: tokenStats.hexRun >= 8,
  };
  // Most text has nothing to decode: skip the decoder (and its allocations) unless a hint says so.
  const mayDecode =
    hints.rot13 || hints.longRuns || hints.hexPairs || norm.text.includes("%") || norm.text.includes("\\x");
  if (depth < options.maxDecodeDepth && (mayDecode || norm.tagText.length > 0)) {
    const nested: { text: string; via: string }[] = [];
    if (norm.tagText.length > 0) nested.push({ text: norm.tagText, via: "unicode_tags" });
    if (mayDecode)
      for (const blob of findEncodedBlobs(norm.cased, options.maxDecodedChars, hints))
        nested.push({ text: blob.text, via: blob.via });
    for (const { text, via } of nested) {
      if (via !== "unicode_tags")
        derived(out, "enc.encoded_blob", "encoding_attack", `decoded ${via} text`, via);
      const inner = analyzeText(text, role, definition, options, depth + 1);
      let instructive = false;
      for (const [id, hit] of inner) {
        if (hit.category !== "encoding_attack" && hit.category !== "malformed") instructive = true;
        if (!out.has(id)) out.set(id, { ...hit, via: hit.via === undefined ? via : `${via}>${hit.via}` });
      }
      if (instructive)
        derived(out, "enc.encoded_instruction", "encoding_attack", `instruction hidden in ${via}`, via);
    }
  }
  return out;
}
