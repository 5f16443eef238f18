import { decodeUtf8, M2MError, parseJsonLimited, WireErrorCode } from "@m2m/wire";
import { type AnalyzeOptions, analyzeText, type Hit } from "./analyze.js";
import { SecurityErrorCode } from "./errors.js";
import { requestSegments, responseSegments, type Segment, SegmentSink } from "./extract.js";
import { categoryScore, DEFAULT_MODEL, ruleScore } from "./model.js";
import {
  type CategoryScores,
  type Classifier,
  type ClassifierEvidence,
  type PolicyMode,
  type Role,
  type ScanLimits,
  type Scanner,
  type ScannerOptions,
  type ScanResult,
  type ScoreModel,
  type StreamOptions,
  type StreamScanner,
  type TextContext,
  THREAT_CATEGORIES,
  type Threat,
  type ThreatCategory,
} from "./types.js";

/**
 * Default limits.
 *
 * @example
 * ```ts
 * createScanner({ limits: { ...DEFAULT_SCAN_LIMITS, maxInputBytes: 1 << 20 } });
 * ```
 */
export const DEFAULT_SCAN_LIMITS: ScanLimits = Object.freeze({
  maxInputBytes: 8 * 1024 * 1024,
  maxJsonDepth: 64,
  maxArrayLength: 100_000,
  maxSegments: 20_000,
  maxDecodeDepth: 2,
  maxDecodedChars: 65_536,
});

const MAX_THREATS = 256;
const STREAM_TAIL = 320;
// Default: scan every push (a blocking proxy must see a threat before relaying the chunk).
const STREAM_BATCH = 1;

interface Config {
  readonly policy: PolicyMode;
  readonly threshold: number;
  readonly allowRules: ReadonlySet<string>;
  readonly allowRoles: ReadonlySet<Role>;
  readonly classifier: Classifier | undefined;
  readonly limits: ScanLimits;
  readonly model: ScoreModel;
  readonly excerpts: boolean;
  readonly analyze: AnalyzeOptions;
}

function invalid(message: string): M2MError {
  return new M2MError(SecurityErrorCode.INVALID_OPTION, message);
}

function resolveConfig(options: ScannerOptions): Config {
  if (typeof options !== "object" || options === null) throw invalid("options must be an object");
  const policy = options.policy ?? "monitor";
  if (policy !== "monitor" && policy !== "block") throw invalid('"policy" must be "monitor" or "block"');
  const threshold = options.threshold ?? 0.5;
  if (typeof threshold !== "number" || !(threshold >= 0 && threshold <= 1))
    throw invalid(`"threshold" must be a number in [0, 1], got ${String(threshold)}`);
  const limits = { ...DEFAULT_SCAN_LIMITS, ...(options.limits ?? {}) };
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || (value as number) < 0)
      throw invalid(`limit "${key}" must be a non-negative integer`);
  }
  const classifier = options.classifier;
  if (
    classifier !== undefined &&
    (typeof classifier !== "object" || typeof classifier.classify !== "function")
  )
    throw invalid('"classifier" must have a classify() method');
  return {
    policy,
    threshold,
    allowRules: new Set(options.allowRules ?? []),
    allowRoles: new Set(options.allowRoles ?? []),
    classifier,
    limits,
    model: options.model ?? DEFAULT_MODEL,
    excerpts: (options.evidence ?? "excerpt") === "excerpt",
    analyze: { maxDecodeDepth: limits.maxDecodeDepth, maxDecodedChars: limits.maxDecodedChars },
  };
}

/** The verdict for clean input, shared (frozen) so the common case allocates nothing. */
const CLEAN: ScanResult = Object.freeze({
  safe: true,
  action: "allow",
  score: 0,
  scores: Object.freeze({
    prompt_injection: 0,
    jailbreak: 0,
    data_exfiltration: 0,
    encoding_attack: 0,
    malformed: 0,
  }),
  threats: Object.freeze([]) as readonly Threat[],
});

/** Accumulates threats and per-category scores across segments. */
class Verdict {
  readonly scores: Record<ThreatCategory, number> = {
    prompt_injection: 0,
    jailbreak: 0,
    data_exfiltration: 0,
    encoding_attack: 0,
    malformed: 0,
  };
  readonly threats: Threat[] = [];
  readonly config: Config;
  constructor(config: Config) {
    this.config = config;
  }

  /** A document-level finding (size, parse): score 1, malformed. */
  document(rule: string, note: string, path = "$"): void {
    if (this.config.allowRules.has(rule)) return;
    this.scores.malformed = 1;
    this.push({
      category: "malformed",
      rule,
      score: 1,
      role: "other",
      path,
      evidence: this.evidence(0, 0, note),
    });
  }

  segment(segment: Segment, hits: Map<string, Hit>, evidence: readonly ClassifierEvidence[] = []): void {
    // Most segments are clean: nothing to score.
    if (hits.size === 0 && evidence.length === 0) return;
    const { model, allowRules } = this.config;
    const byCategory = new Map<ThreatCategory, string[]>();
    for (const hit of hits.values()) {
      if (allowRules.has(hit.rule)) continue;
      const list = byCategory.get(hit.category);
      if (list === undefined) byCategory.set(hit.category, [hit.rule]);
      else list.push(hit.rule);
      const ev = this.evidence(hit.start, hit.end, hit.excerpt, hit.via);
      this.push({
        category: hit.category,
        rule: hit.rule,
        score: ruleScore(model, hit.category, hit.rule),
        role: segment.role,
        path: segment.path,
        evidence: ev,
      });
    }
    const local: Record<ThreatCategory, number> = { ...this.scores };
    for (const category of THREAT_CATEGORIES)
      local[category] = categoryScore(model, category, byCategory.get(category) ?? []);
    for (const e of evidence) {
      if (!THREAT_CATEGORIES.includes(e.category) || !(e.score >= 0 && e.score <= 1)) continue;
      const rule = `classifier:${e.label ?? this.config.classifier?.name ?? "model"}`;
      if (allowRules.has(rule)) continue;
      local[e.category] = 1 - (1 - local[e.category]) * (1 - e.score);
      this.push({
        category: e.category,
        rule,
        score: e.score,
        role: segment.role,
        path: segment.path,
        evidence: { start: 0, end: 0 },
      });
    }
    for (const category of THREAT_CATEGORIES)
      if (local[category] > this.scores[category]) this.scores[category] = local[category];
  }

  private clean(): boolean {
    // Spelled out rather than a loop over THREAT_CATEGORIES: this runs once per scan, and for
    // short clean texts the loop was a measurable share of the call.
    const s = this.scores;
    return (
      s.prompt_injection === 0 &&
      s.jailbreak === 0 &&
      s.data_exfiltration === 0 &&
      s.encoding_attack === 0 &&
      s.malformed === 0
    );
  }

  private evidence(start: number, end: number, excerpt: string, via?: string): Threat["evidence"] {
    const base: { start: number; end: number; excerpt?: string; via?: string } = { start, end };
    if (this.config.excerpts) base.excerpt = excerpt;
    if (via !== undefined) base.via = via;
    return base;
  }

  private push(threat: Threat): void {
    if (this.threats.length < MAX_THREATS) this.threats.push(threat);
  }

  result(): ScanResult {
    if (this.threats.length === 0 && this.clean()) return CLEAN;
    let score = 0;
    for (const category of THREAT_CATEGORIES) score = Math.max(score, this.scores[category]);
    const flagged = score >= this.config.threshold && score > 0;
    const action = !flagged ? "allow" : this.config.policy === "block" ? "block" : "flag";
    const scores: CategoryScores = { ...this.scores };
    const threats = [...this.threats].sort((a, b) => b.score - a.score);
    return { safe: action === "allow", action, score, scores, threats };
  }
}

type Kind = "request" | "response";

interface Prepared {
  readonly segments: readonly Segment[];
  readonly verdict: Verdict;
}

function inputSize(body: unknown): number {
  if (typeof body === "string") return body.length;
  if (body instanceof Uint8Array) return body.byteLength;
  return 0;
}

/** Parse and walk a document; document-level failures are recorded on the verdict. */
function prepare(config: Config, body: unknown, kind: Kind): Prepared {
  const verdict = new Verdict(config);
  const { limits } = config;
  const size = inputSize(body);
  if (size > limits.maxInputBytes) {
    verdict.document("mal.too_large", `input of ${size} exceeds ${limits.maxInputBytes}`);
    return { segments: [], verdict };
  }
  let value: unknown = body;
  if (body instanceof Uint8Array) {
    try {
      value = decodeUtf8(body);
    } catch {
      verdict.document("mal.bad_utf8", "input is not valid UTF-8");
      return { segments: [], verdict };
    }
  }
  if (typeof value === "string") {
    try {
      value = parseJsonLimited(value, limits);
    } catch (e) {
      const detail = M2MError.isInstance(e) ? e.details : undefined;
      const limit =
        detail !== undefined && typeof detail === "object"
          ? (detail as { limit?: unknown }).limit
          : undefined;
      if (M2MError.isInstance(e) && e.code === WireErrorCode.LIMIT_EXCEEDED)
        verdict.document(
          limit === "maxArrayLength" ? "mal.json_array" : "mal.json_depth",
          "JSON exceeds a limit",
        );
      else verdict.document("mal.bad_json", "input is not valid JSON");
      return { segments: [], verdict };
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    verdict.document("mal.bad_shape", `a ${kind} must be a JSON object`);
    return { segments: [], verdict };
  }
  const sink = new SegmentSink(limits.maxSegments, limits.maxJsonDepth);
  try {
    if (kind === "request") requestSegments(value as Record<string, unknown>, sink);
    else responseSegments(value as Record<string, unknown>, sink);
  } catch {
    // Getters or proxies on caller-supplied objects: treat like an unparseable document.
    verdict.document("mal.bad_shape", `the ${kind} could not be walked`);
    return { segments: [], verdict };
  }
  if (sink.overflow)
    verdict.document("mal.too_many_segments", `more than ${limits.maxSegments} text segments`);
  return { segments: sink.segments, verdict };
}

function textSegment(
  config: Config,
  text: unknown,
  context: TextContext | undefined,
  verdict: Verdict,
): Segment[] {
  if (typeof text !== "string") {
    verdict.document("mal.bad_shape", "text must be a string", context?.path ?? "text");
    return [];
  }
  if (text.length > config.limits.maxInputBytes) {
    verdict.document(
      "mal.too_large",
      `text of ${text.length} exceeds ${config.limits.maxInputBytes}`,
      context?.path ?? "text",
    );
    return [];
  }
  return [{ text, role: context?.role ?? "user", path: context?.path ?? "text" }];
}

function isAsync(classifier: Classifier | undefined): boolean {
  return classifier !== undefined && classifier.sync !== true;
}

function scanSegmentsSync(config: Config, segments: readonly Segment[], verdict: Verdict): ScanResult {
  if (isAsync(config.classifier))
    throw new M2MError(
      SecurityErrorCode.CLASSIFIER_ASYNC,
      "the classifier is asynchronous: use the *Async scan methods",
    );
  for (const segment of segments) {
    if (config.allowRoles.has(segment.role)) continue;
    const hits = analyzeText(segment.text, segment.role, segment.definition === true, config.analyze);
    let evidence: readonly ClassifierEvidence[] = [];
    if (config.classifier !== undefined && config.classifier.sync === true) {
      try {
        evidence = config.classifier.classify({ text: segment.text, role: segment.role, path: segment.path });
      } catch (cause) {
        throw new M2MError(SecurityErrorCode.CLASSIFIER_FAILED, "the classifier failed", { cause });
      }
    }
    verdict.segment(segment, hits, Array.isArray(evidence) ? evidence : []);
  }
  return verdict.result();
}

async function scanSegmentsAsync(
  config: Config,
  segments: readonly Segment[],
  verdict: Verdict,
): Promise<ScanResult> {
  for (const segment of segments) {
    if (config.allowRoles.has(segment.role)) continue;
    const hits = analyzeText(segment.text, segment.role, segment.definition === true, config.analyze);
    let evidence: readonly ClassifierEvidence[] = [];
    if (config.classifier !== undefined) {
      try {
        evidence = await config.classifier.classify({
          text: segment.text,
          role: segment.role,
          path: segment.path,
        });
      } catch (cause) {
        throw new M2MError(SecurityErrorCode.CLASSIFIER_FAILED, "the classifier failed", { cause });
      }
    }
    verdict.segment(segment, hits, Array.isArray(evidence) ? evidence : []);
  }
  return verdict.result();
}

function createStream(config: Config, options: StreamOptions | undefined): StreamScanner {
  const role = options?.role ?? "assistant";
  const path = options?.path ?? "stream";
  const batch = options?.batchChars ?? STREAM_BATCH;
  if (!Number.isSafeInteger(batch) || batch < 1 || batch > STREAM_TAIL)
    throw invalid(`"batchChars" must be an integer in [1, ${STREAM_TAIL}]`);
  const total = new Verdict(config);
  const reported = new Set<string>();
  let tail = "";
  let pending = "";
  let ended = false;
  // Scan the bounded tail of earlier text plus the pending text, so a pattern split across
  // chunks is still seen; only rules not reported before count as new. Deltas are batched
  // (token-sized deltas would otherwise rescan the tail hundreds of times per response).
  const flush = (): ScanResult | null => {
    if (pending.length === 0) return null;
    const window = tail + pending;
    pending = "";
    tail = window.length > STREAM_TAIL ? window.slice(window.length - STREAM_TAIL) : window;
    const hits = analyzeText(window, role, false, config.analyze);
    const fresh = new Map<string, Hit>();
    for (const [id, hit] of hits) if (!reported.has(id) && !config.allowRules.has(id)) fresh.set(id, hit);
    if (fresh.size === 0) return null;
    for (const id of fresh.keys()) reported.add(id);
    const segment: Segment = { text: "", role, path };
    total.segment(segment, fresh);
    const now = new Verdict(config);
    now.segment(segment, fresh);
    return now.result();
  };
  return {
    push(textDelta: string): ScanResult | null {
      if (ended) throw new M2MError(SecurityErrorCode.INVALID_OPTION, "push() after end()");
      if (typeof textDelta !== "string" || textDelta.length === 0) return null;
      pending += textDelta;
      if (pending.length < batch && !textDelta.includes("\n")) return null;
      return flush();
    },
    end(): ScanResult {
      if (!ended) flush();
      ended = true;
      return total.result();
    },
  };
}

/**
 * Build a scanner.
 *
 * @example
 * ```ts
 * const scanner = createScanner({ policy: "block", threshold: 0.5 });
 * const verdict = scanner.scanRequest(requestBody);
 * if (verdict.action === "block") return reply(403, { error: "blocked", threats: verdict.threats.map((t) => t.rule) });
 * ```
 */
export function createScanner(options: ScannerOptions = {}): Scanner {
  const config = resolveConfig(options);
  const run = (body: unknown, kind: Kind): ScanResult => {
    const { segments, verdict } = prepare(config, body, kind);
    return scanSegmentsSync(config, segments, verdict);
  };
  const runAsync = (body: unknown, kind: Kind): Promise<ScanResult> => {
    const { segments, verdict } = prepare(config, body, kind);
    return scanSegmentsAsync(config, segments, verdict);
  };
  return {
    scanText(text: string, context?: TextContext): ScanResult {
      const verdict = new Verdict(config);
      return scanSegmentsSync(config, textSegment(config, text, context, verdict), verdict);
    },
    scanRequest: (body: unknown): ScanResult => run(body, "request"),
    scanResponse: (body: unknown): ScanResult => run(body, "response"),
    scanTextAsync(text: string, context?: TextContext): Promise<ScanResult> {
      const verdict = new Verdict(config);
      return scanSegmentsAsync(config, textSegment(config, text, context, verdict), verdict);
    },
    scanRequestAsync: (body: unknown): Promise<ScanResult> => runAsync(body, "request"),
    scanResponseAsync: (body: unknown): Promise<ScanResult> => runAsync(body, "response"),
    createStreamScanner: (options?: StreamOptions): StreamScanner => createStream(config, options),
  };
}
