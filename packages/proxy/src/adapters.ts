/**
 * The two seams between the HTTP core and the content packages. The proxy core only knows these
 * shapes; `security-adapter.ts` and `codec-adapter.ts` implement them with `@m2m/security` and
 * `@m2m/codec`, and tests may pass their own.
 */

/** What the scanner decided about one payload. */
export type ScanAction = "allow" | "flag" | "block";

/** A scan result reduced to what the proxy acts on. */
export interface ScanVerdict {
  readonly action: ScanAction;
  /** Highest threat score, 0..1. */
  readonly score: number;
  /** Distinct threat categories (prompt_injection, jailbreak, …), highest score first. */
  readonly categories: readonly string[];
}

/** Incremental scanner for one streamed response. */
export interface ProxyStreamScanner {
  /** Feed the next piece of assistant text; a verdict when something was found, else null. */
  push(textDelta: string): ScanVerdict | null;
  /** The verdict over the whole stream. */
  end(): ScanVerdict;
}

/** Scans chat-completion-shaped request and response bodies. */
export interface ProxyScanner {
  scanRequest(body: unknown): ScanVerdict;
  scanResponse(body: unknown): ScanVerdict;
  createStreamScanner(): ProxyStreamScanner;
}

/** A per-conversation delta encoder (sender side of a peer link). */
export interface PeerDeltaEncoder {
  /** Frame `plain` against what this encoder sent before. */
  encode(plain: Uint8Array): Uint8Array;
}

/** A per-conversation delta decoder (receiver side of a peer link). */
export interface PeerDeltaDecoder {
  /** Decode a frame from the matching encoder; throws `CODEC_DELTA_BASE_MISSING` when out of step. */
  decode(frame: Uint8Array): Uint8Array;
}

/** Frames one streamed (SSE) response, keeping compression context across chunks. */
export interface PeerStreamEncoder {
  push(chunk: Uint8Array): Uint8Array[];
  end(): Uint8Array[];
}

/** Reverses a {@link PeerStreamEncoder}: frames in, the original SSE bytes out. */
export interface PeerStreamDecoder {
  push(frame: Uint8Array): Uint8Array[];
  end(): Uint8Array[];
}

/** Turns bodies into M2M frames and back for peer links. */
export interface PeerCodec {
  /** Short name reported in `x-m2m-peer-codec` and metrics. */
  readonly name: string;
  /** One self-contained frame of `plain`. */
  encode(plain: Uint8Array): Uint8Array;
  /** The bytes of a frame from {@link PeerCodec.encode} (or a delta frame's full fallback). */
  decode(frame: Uint8Array, maxDecodedBytes: number): Uint8Array;
  /** Session delta, when the codec offers it. */
  createDeltaEncoder?(): PeerDeltaEncoder;
  createDeltaDecoder?(maxDecodedBytes: number): PeerDeltaDecoder;
  /** Stream framing for SSE, when the codec offers it (else one {@link PeerCodec.encode} per chunk). */
  createStreamEncoder?(): PeerStreamEncoder;
  createStreamDecoder?(maxDecodedBytes: number): PeerStreamDecoder;
}

/** A verdict with nothing found. */
export const CLEAN_VERDICT: ScanVerdict = Object.freeze({
  action: "allow",
  score: 0,
  categories: Object.freeze([]),
});

/** Combine two verdicts: the stronger action, the higher score, the union of categories. */
export function mergeVerdicts(a: ScanVerdict, b: ScanVerdict): ScanVerdict {
  if (b.action === "allow" && b.categories.length === 0) return a;
  if (a.action === "allow" && a.categories.length === 0) return b;
  const rank = { allow: 0, flag: 1, block: 2 } as const;
  const categories = [...a.categories];
  for (const c of b.categories) if (!categories.includes(c)) categories.push(c);
  return {
    action: rank[a.action] >= rank[b.action] ? a.action : b.action,
    score: Math.max(a.score, b.score),
    categories,
  };
}
