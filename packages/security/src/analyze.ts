// Per-segment analysis: normalise, run rules over the text and its de-obfuscated variants,
// decode embedded blobs (bounded) and scan what they contain.

import { findEncodedBlobs } from "./decode.js";
import { normalizeText, undoLeet, undoSpacing } from "./normalize.js";
import { RULES, type Rule } from "./rules.js";
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

// Rule sets per provenance, computed once.
const FOR_OPERATOR = RULES.filter((r) => r.scope === "all");
const FOR_FIRST_PARTY = RULES.filter((r) => r.scope !== "third_party");
const FOR_THIRD_PARTY = RULES;

function rulesFor(role: Role, definition: boolean): readonly Rule[] {
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

function runRules(
  rules: readonly Rule[],
  text: string,
  out: Map<string, Hit>,
  via: string | undefined,
): number {
  let added = 0;
  for (const rule of rules) {
    if (out.has(rule.id)) continue;
    const m = rule.pattern.exec(text);
    if (m === null) continue;
    const start = m.index;
    const end = start + m[0].length;
    const hit: Hit =
      via === undefined
        ? { rule: rule.id, category: rule.category, start, end, excerpt: excerptOf(text, start, end) }
        : { rule: rule.id, category: rule.category, start, end, excerpt: excerptOf(text, start, end), via };
    out.set(rule.id, hit);
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

  const rules = rulesFor(role, definition);
  runRules(rules, norm.text, out, undefined);

  // Obfuscated variants: a rule that only matches once the trick is undone is evidence twice over.
  const leet = undoLeet(norm.text);
  if (leet !== null && runRules(rules, leet, out, "leet") > 0)
    derived(out, "enc.leetspeak_instruction", "encoding_attack", "instruction in leetspeak", "leet");
  const spaced = undoSpacing(leet ?? norm.text);
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
    for (const blob of findEncodedBlobs(norm.cased, norm.text, options.maxDecodedChars))
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
