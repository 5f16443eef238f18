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

/** Rules of one provenance, indexed by the tokens that can start a match. */
interface TriggerIndex {
  readonly words: ReadonlyMap<string, readonly Entry[]>;
  /** Keyed by the first three characters of the prefix. */
  readonly prefixes: ReadonlyMap<string, readonly (readonly [string, Rule, RuleBranch])[]>;
  readonly scans: readonly Rule[];
}

function buildIndex(rules: readonly Rule[]): TriggerIndex {
  const words = new Map<string, Entry[]>();
  const prefixes = new Map<string, (readonly [string, Rule, RuleBranch])[]>();
  for (const rule of rules) {
    for (const br of rule.branches) {
      for (const t of br.triggers) {
        const list = words.get(t);
        if (list === undefined) words.set(t, [[rule, br]]);
        else list.push([rule, br]);
      }
      for (const p of br.prefixes) {
        const key = p.slice(0, 3);
        const list = prefixes.get(key);
        if (list === undefined) prefixes.set(key, [[p, rule, br]]);
        else list.push([p, rule, br]);
      }
    }
  }
  return { words, prefixes, scans: rules.filter((r) => r.scan !== undefined) };
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

const TOKEN = /[a-z0-9_]+(?:'[a-z]+)?/g;

// Marker words for rot13 detection, counted during tokenisation.
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

function isLetter(c: number): boolean {
  return c >= 97 && c <= 122;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isHex(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102);
}
function isLeetSymbol(c: number): boolean {
  return c === 0x40 || c === 0x24 || c === 0x21 || c === 0x7c;
}

function updateStats(
  stats: TokenStats,
  text: string,
  token: string,
  start: number,
  prevEnd: number,
  runs: number[],
): void {
  stats.tokens++;
  if (ROT13_WORDS.has(token)) stats.rot13++;
  const n = token.length;
  if (n > stats.maxToken) stats.maxToken = n;
  // runs[0]: single letters; runs[1]: hex pairs (both need exactly one separator between tokens).
  const adjacent = start === prevEnd + 1;
  if (n === 1 && isLetter(token.charCodeAt(0))) {
    runs[0] = adjacent && runs[0]! > 0 ? runs[0]! + 1 : 1;
    if (runs[0]! > stats.spacedRun) stats.spacedRun = runs[0]!;
  } else runs[0] = 0;
  if (n === 2 && isHex(token.charCodeAt(0)) && isHex(token.charCodeAt(1))) {
    runs[1] = adjacent && runs[1]! > 0 ? runs[1]! + 1 : 1;
    if (runs[1]! > stats.hexRun) stats.hexRun = runs[1]!;
  } else runs[1] = 0;
  if (!stats.leet) {
    let letters = 0;
    let digits = 0;
    for (let i = 0; i < n; i++) {
      const c = token.charCodeAt(i);
      if (isLetter(c)) letters++;
      else if (isDigit(c)) digits++;
    }
    if (letters > 0 && digits > 0) stats.leet = true;
    else if (letters > 0) {
      const after = text.charCodeAt(start + n);
      if (isLeetSymbol(after) && isLetter(text.charCodeAt(start + n + 1))) stats.leet = true;
    }
  }
}

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

/**
 * Run the indexed rules over `text`: one tokenisation pass; at each token that can start a
 * rule, a sticky match attempt. Returns how many non-encoding rules were newly hit.
 */
function runRules(
  index: TriggerIndex,
  text: string,
  out: Map<string, Hit>,
  via: string | undefined,
  stats?: TokenStats,
): number {
  let added = 0;
  const { words, prefixes } = index;
  const runs = [0, 0];
  let prevEnd = -2;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m !== null; m = TOKEN.exec(text)) {
    const token = m[0];
    if (stats !== undefined) {
      updateStats(stats, text, token, m.index, prevEnd, runs);
      prevEnd = m.index + token.length;
    }
    const list = words.get(token);
    if (list !== undefined) {
      for (const [rule, br] of list) {
        if (out.has(rule.id)) continue;
        br.pattern.lastIndex = m.index;
        const r = br.pattern.exec(text);
        if (r === null) continue;
        record(out, rule, text, r.index, r.index + r[0].length, via);
        if (rule.category !== "encoding_attack") added++;
      }
    }
    if (token.length >= 3 && prefixes.size > 0) {
      const plist = prefixes.get(token.slice(0, 3));
      if (plist !== undefined) {
        for (const [p, rule, br] of plist) {
          if (out.has(rule.id) || !token.startsWith(p)) continue;
          br.pattern.lastIndex = m.index;
          const r = br.pattern.exec(text);
          if (r === null) continue;
          record(out, rule, text, r.index, r.index + r[0].length, via);
          if (rule.category !== "encoding_attack") added++;
        }
      }
    }
  }
  for (const rule of index.scans) {
    if (out.has(rule.id) || rule.hint === undefined || rule.scan === undefined || !text.includes(rule.hint))
      continue;
    const r = rule.scan.exec(text);
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

  if (depth < options.maxDecodeDepth) {
    const nested: { text: string; via: string }[] = [];
    if (norm.tagText.length > 0) nested.push({ text: norm.tagText, via: "unicode_tags" });
    for (const blob of findEncodedBlobs(norm.cased, options.maxDecodedChars, {
      rot13: tokenStats.rot13 >= 3 && tokenStats.rot13 * 8 >= tokenStats.tokens,
      longRuns: tokenStats.maxToken >= 16,
      hexPairs: tokenStats.hexRun >= 8,
    }))
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
