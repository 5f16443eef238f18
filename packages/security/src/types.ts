import type { Role } from "@m2m/wire";

/**
 * Threat classes the scanner scores.
 *
 * @example
 * ```ts
 * const c: ThreatCategory = ThreatCategory.PROMPT_INJECTION;
 * ```
 */
export const ThreatCategory = {
  PROMPT_INJECTION: "prompt_injection",
  JAILBREAK: "jailbreak",
  DATA_EXFILTRATION: "data_exfiltration",
  ENCODING_ATTACK: "encoding_attack",
  MALFORMED: "malformed",
} as const;

/** Union of {@link ThreatCategory} values. */
export type ThreatCategory = (typeof ThreatCategory)[keyof typeof ThreatCategory];

/** Every category, in a fixed order. */
export const THREAT_CATEGORIES: readonly ThreatCategory[] = Object.freeze([
  "prompt_injection",
  "jailbreak",
  "data_exfiltration",
  "encoding_attack",
  "malformed",
]);

export type { Role };

/** What the scanner does with a verdict. `monitor` flags, `block` blocks. */
export type PolicyMode = "monitor" | "block";

/** The action a verdict recommends. */
export type ScanAction = "allow" | "flag" | "block";

/**
 * Where a threat was found: a short excerpt of the normalised match (at most 40 characters,
 * controls escaped) and its offsets in the normalised text of that segment. Never the payload.
 */
export interface Evidence {
  readonly start: number;
  readonly end: number;
  /** Present unless the scanner was built with `evidence: "offsets"`. */
  readonly excerpt?: string;
  /** How the text was reached, e.g. `"base64"`, `"leet"`, `"spacing"`; absent for plain text. */
  readonly via?: string;
}

/** One piece of evidence. `score` is the calibrated probability this rule alone implies. */
export interface Threat {
  readonly category: ThreatCategory;
  readonly rule: string;
  readonly score: number;
  readonly role: Role;
  /** JSON path of the text (e.g. `messages[3].content`), or `"text"` / `"stream"`. */
  readonly path: string;
  readonly evidence: Evidence;
}

/** Per-category combined scores in [0, 1]. */
export type CategoryScores = { readonly [K in ThreatCategory]: number };

/** The verdict of a scan. */
export interface ScanResult {
  /** `true` when the verdict is `allow`. */
  readonly safe: boolean;
  readonly action: ScanAction;
  /** Highest per-category score, in [0, 1]. */
  readonly score: number;
  readonly scores: CategoryScores;
  readonly threats: readonly Threat[];
}

/** One piece of text with its provenance, as handed to a {@link Classifier}. */
export interface ClassifierInput {
  readonly text: string;
  readonly role: Role;
  readonly path: string;
}

/** A classifier's opinion about one category, a probability in [0, 1]. */
export interface ClassifierEvidence {
  readonly category: ThreatCategory;
  readonly score: number;
  /** Short label for the threat list (becomes `classifier:<label>`). */
  readonly label?: string;
}

/**
 * A synchronous classifier (e.g. a tiny linear model).
 *
 * @example
 * ```ts
 * const c: SyncClassifier = { name: "lengthy", sync: true, classify: ({ text }) =>
 *   text.length > 10_000 ? [{ category: "jailbreak", score: 0.3 }] : [] };
 * ```
 */
export interface SyncClassifier {
  readonly name: string;
  readonly sync: true;
  classify(input: ClassifierInput): readonly ClassifierEvidence[];
}

/**
 * An asynchronous classifier (e.g. an ONNX model in `@m2m/hydra`). Scanners holding one must be
 * used through the `*Async` methods.
 *
 * @example
 * ```ts
 * const c: AsyncClassifier = { name: "remote", classify: async () => [] };
 * ```
 */
export interface AsyncClassifier {
  readonly name: string;
  readonly sync?: false;
  classify(input: ClassifierInput): Promise<readonly ClassifierEvidence[]>;
}

/** Sync or async classifier; the scanner folds its evidence into the rule scores (noisy-OR). */
export type Classifier = SyncClassifier | AsyncClassifier;

/** Size and depth limits. Under `policy: "block"`, input over a limit is blocked (fail closed). */
export interface ScanLimits {
  /** Largest input accepted, in UTF-16 code units for strings or bytes for `Uint8Array` (default 8 MiB). */
  readonly maxInputBytes: number;
  /** Deepest JSON nesting (default 64). */
  readonly maxJsonDepth: number;
  /** Longest JSON array (default 100,000). */
  readonly maxArrayLength: number;
  /** Most text segments scanned in one document (default 20,000). */
  readonly maxSegments: number;
  /** Nested decoding depth for base64/hex/URL/rot13 blobs (default 2). */
  readonly maxDecodeDepth: number;
  /** Decoded text scanned per segment, in characters (default 65,536). */
  readonly maxDecodedChars: number;
}

/** Per-category logistic score model: `score = sigmoid(bias + sum(weights of rules that hit))`. */
export interface ScoreModel {
  readonly bias: { readonly [K in ThreatCategory]?: number };
  readonly weights: { readonly [rule: string]: number };
}

/** Options for {@link createScanner}. */
export interface ScannerOptions {
  /** `monitor` (default): never block, flag above threshold. `block`: block above threshold. */
  readonly policy?: PolicyMode;
  /** Score at or above which a verdict is not `allow` (default 0.5). */
  readonly threshold?: number;
  /** Rule ids whose threats are ignored. */
  readonly allowRules?: readonly string[];
  /** Roles whose text is not scanned at all (malformed checks still apply to the document). */
  readonly allowRoles?: readonly Role[];
  readonly classifier?: Classifier;
  readonly limits?: Partial<ScanLimits>;
  /** Override the fitted score model (used by the benchmark's cross-validation). */
  readonly model?: ScoreModel;
  /** `"excerpt"` (default) includes a short excerpt in evidence; `"offsets"` only offsets. */
  readonly evidence?: "excerpt" | "offsets";
}

/** Context for {@link Scanner.scanText}. */
export interface TextContext {
  readonly role?: Role;
  readonly path?: string;
}

/** Options for {@link Scanner.createStreamScanner}. */
export interface StreamOptions extends TextContext {
  /**
   * Deltas are scanned once this many characters are pending (or a delta holds a line break).
   * Default 1: every push is scanned, so a blocking caller learns of a threat before relaying the
   * chunk that completes it. Larger values (at most 320, the tail kept for patterns spanning
   * chunks) trade that immediacy for less rescanning when deltas are token-sized.
   */
  readonly batchChars?: number;
}

/** Incremental scanner for streamed assistant text. */
export interface StreamScanner {
  /**
   * Add a text delta; returns a result when the text scanned so far shows threats not reported
   * before, otherwise `null` (also while deltas are still being batched).
   */
  push(textDelta: string): ScanResult | null;
  /** Finish (scanning any pending text); returns the verdict over everything pushed. */
  end(): ScanResult;
}

/** A configured scanner. Every method returns a verdict; none throws on hostile input. */
export interface Scanner {
  scanText(text: string, context?: TextContext): ScanResult;
  scanRequest(body: unknown): ScanResult;
  scanResponse(body: unknown): ScanResult;
  scanTextAsync(text: string, context?: TextContext): Promise<ScanResult>;
  scanRequestAsync(body: unknown): Promise<ScanResult>;
  scanResponseAsync(body: unknown): Promise<ScanResult>;
  createStreamScanner(options?: StreamOptions): StreamScanner;
}
