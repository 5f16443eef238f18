import { M2MError } from "@m2m/wire";
import { SessionErrorCode } from "./errors.js";

/** Session protocol versions this implementation speaks. */
export const SESSION_PROTOCOL_VERSIONS: readonly number[] = [1];

/**
 * Security modes a session can run in, weakest first. `aead`: authenticated handshake (static
 * X25519 keys proven, ephemeral keys) and every DATA message encrypted and replay-checked.
 */
export const SecurityMode = { NONE: "none", AEAD: "aead" } as const;
/** One of the {@link SecurityMode} values. */
export type SecurityMode = (typeof SecurityMode)[keyof typeof SecurityMode];
const SECURITY_STRENGTH: Readonly<Record<string, number>> = { none: 0, aead: 1 };

/** Most entries in one capability list (algorithms, tokenizers, …). */
export const MAX_CAPABILITY_LIST = 32;
/** Longest capability name, in bytes (ASCII only). */
export const MAX_CAPABILITY_NAME = 64;
const NAME_PATTERN = /^[A-Za-z0-9._:/+-]{1,64}$/;

/**
 * What one end offers. Lists are in that end's order of preference; limits are that end's maxima.
 *
 * @example
 * const caps: Capabilities = { ...defaultCapabilities(), algorithms: ["brotli", "none"] };
 */
export interface Capabilities {
  /** Protocol versions supported (the highest common one is used). */
  readonly versions: readonly number[];
  /** Self-chosen agent name, informational only (1–64 characters of `[A-Za-z0-9._:/+-]`). */
  readonly agentId: string;
  /** Payload codecs, `@m2m/codec` v2 algorithm names (`auto`, `dict`, `brotli`, `none`); frames are self-describing. */
  readonly algorithms: readonly string[];
  /** Tokenizers for token-native payloads (`cl100k`, `o200k`, `llama3`). May be empty. */
  readonly tokenizers: readonly string[];
  /** Dictionary ids both ends must hold to use dictionary codecs. May be empty. */
  readonly dictionaries: readonly string[];
  /** Acceptable security modes. List only `aead` to require authentication. */
  readonly securityModes: readonly SecurityMode[];
  /** Optional features (`delta`: session-scoped delta coding of DATA payloads). */
  readonly features: readonly string[];
  /** Largest DATA payload (application bytes) this end accepts. */
  readonly maxMessageBytes: number;
  /** Close after this long without DATA in either direction (ms). */
  readonly idleTimeoutMs: number;
  /** Send PING after this long without receiving anything (ms). */
  readonly pingIntervalMs: number;
}

/** The result both ends compute identically from the two {@link Capabilities}. */
export interface Negotiated {
  readonly version: number;
  /** Common algorithms, best first; `algorithm` is the first. */
  readonly algorithms: readonly string[];
  readonly algorithm: string;
  /** Best common tokenizer, or null when none is shared. */
  readonly tokenizer: string | null;
  /** Common dictionary ids, sorted. */
  readonly dictionaries: readonly string[];
  readonly securityMode: SecurityMode;
  /** Common features, sorted. */
  readonly features: readonly string[];
  readonly maxMessageBytes: number;
  readonly idleTimeoutMs: number;
  readonly pingIntervalMs: number;
}

/** Defaults: 1 MiB messages, 5 min idle, 60 s ping, no auth (set keys on the session to require it). */
export function defaultCapabilities(): Capabilities {
  return {
    versions: [...SESSION_PROTOCOL_VERSIONS],
    agentId: "m2m-ts",
    algorithms: ["auto", "dict", "brotli", "none"],
    tokenizers: ["cl100k", "o200k"],
    dictionaries: [],
    securityModes: [SecurityMode.NONE],
    features: ["delta"],
    maxMessageBytes: 1024 * 1024,
    idleTimeoutMs: 300_000,
    pingIntervalMs: 60_000,
  };
}

/** Timeout bounds from spec/session.md §6; values outside are refused. */
export const TIMEOUT_BOUNDS: {
  readonly idleTimeoutMs: readonly [number, number];
  readonly pingIntervalMs: readonly [number, number];
} = {
  idleTimeoutMs: [1_000, 86_400_000],
  pingIntervalMs: [100, 3_600_000],
};

function bad(message: string): M2MError {
  return new M2MError(SessionErrorCode.BAD_MESSAGE, message);
}

function checkNames(list: readonly string[], what: string, allowEmpty: boolean): void {
  if (!Array.isArray(list)) throw bad(`${what} must be a list`);
  if (list.length > MAX_CAPABILITY_LIST) throw bad(`${what} has more than ${MAX_CAPABILITY_LIST} entries`);
  if (!allowEmpty && list.length === 0) throw bad(`${what} is empty`);
  const seen = new Set<string>();
  for (const name of list) {
    if (typeof name !== "string" || !NAME_PATTERN.test(name)) throw bad(`${what} has an invalid name`);
    if (seen.has(name)) throw bad(`${what} lists a name twice`);
    seen.add(name);
  }
}

/**
 * Throw `SESSION_BAD_MESSAGE` unless `caps` is well formed (names, list sizes, duplicates, limits).
 *
 * @example
 * validateCapabilities(defaultCapabilities());
 */
export function validateCapabilities(caps: Capabilities): void {
  if (
    !Array.isArray(caps.versions) ||
    caps.versions.length === 0 ||
    caps.versions.length > MAX_CAPABILITY_LIST
  ) {
    throw bad("versions must list 1 to 32 versions");
  }
  for (const v of caps.versions) {
    if (!Number.isInteger(v) || v < 1 || v > 255) throw bad("a version must be an integer 1..255");
  }
  if (new Set(caps.versions).size !== caps.versions.length) throw bad("versions lists a version twice");
  checkNames([caps.agentId], "agentId", false);
  checkNames(caps.algorithms, "algorithms", false);
  checkNames(caps.tokenizers, "tokenizers", true);
  checkNames(caps.dictionaries, "dictionaries", true);
  checkNames(caps.securityModes, "securityModes", false);
  for (const mode of caps.securityModes) {
    if (SECURITY_STRENGTH[mode] === undefined) throw bad("securityModes has an unknown mode");
  }
  checkNames(caps.features, "features", true);
  if (!Number.isSafeInteger(caps.maxMessageBytes) || caps.maxMessageBytes < 1) {
    throw bad("maxMessageBytes must be a positive integer");
  }
  for (const key of ["idleTimeoutMs", "pingIntervalMs"] as const) {
    const [lo, hi] = TIMEOUT_BOUNDS[key];
    const value = caps[key];
    if (!Number.isSafeInteger(value) || value < lo || value > hi) throw bad(`${key} must be in ${lo}..${hi}`);
  }
}

/**
 * Order the names both lists share by the sum of their positions in the two lists, ties broken by
 * name (code-unit order). The sum is symmetric, so both ends get the same order whoever initiated.
 */
function commonRanked(a: readonly string[], b: readonly string[]): string[] {
  const rankB = new Map(b.map((name, i) => [name, i]));
  const scored: Array<[string, number]> = [];
  a.forEach((name, i) => {
    const j = rankB.get(name);
    if (j !== undefined) scored.push([name, i + j]);
  });
  scored.sort((x, y) => x[1] - y[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  return scored.map(([name]) => name);
}

function commonSorted(a: readonly string[], b: readonly string[]): string[] {
  const inB = new Set(b);
  return a.filter((name) => inB.has(name)).sort();
}

/** Why negotiation failed; maps one-to-one to a REJECT code. */
export type NegotiationFailure = "VERSION_MISMATCH" | "NO_COMMON_ALGORITHM" | "SECURITY_POLICY";

/**
 * Negotiate two capability sets. Symmetric: `negotiate(a, b)` equals `negotiate(b, a)` for every
 * input, so the initiator and responder always agree. Security takes the strongest common mode
 * (not the preferred one), so preference order cannot be used to downgrade.
 *
 * @example
 * const result = negotiate(mine, theirs);
 * if (!result.ok) reject(result.failure);
 */
export function negotiate(
  a: Capabilities,
  b: Capabilities,
):
  | { readonly ok: true; readonly negotiated: Negotiated }
  | { readonly ok: false; readonly failure: NegotiationFailure } {
  const versions = a.versions.filter((v) => b.versions.includes(v));
  if (versions.length === 0) return { ok: false, failure: "VERSION_MISMATCH" };
  const version = Math.max(...versions);
  const algorithms = commonRanked(a.algorithms, b.algorithms);
  const algorithm = algorithms[0];
  if (algorithm === undefined) return { ok: false, failure: "NO_COMMON_ALGORITHM" };
  const modes = a.securityModes.filter((m) => b.securityModes.includes(m));
  if (modes.length === 0) return { ok: false, failure: "SECURITY_POLICY" };
  const securityMode = modes.reduce((best, m) =>
    (SECURITY_STRENGTH[m] ?? 0) > (SECURITY_STRENGTH[best] ?? 0) ? m : best,
  );
  return {
    ok: true,
    negotiated: {
      version,
      algorithms,
      algorithm,
      tokenizer: commonRanked(a.tokenizers, b.tokenizers)[0] ?? null,
      dictionaries: commonSorted(a.dictionaries, b.dictionaries),
      securityMode,
      features: commonSorted(a.features, b.features),
      maxMessageBytes: Math.min(a.maxMessageBytes, b.maxMessageBytes),
      idleTimeoutMs: Math.min(a.idleTimeoutMs, b.idleTimeoutMs),
      pingIntervalMs: Math.min(a.pingIntervalMs, b.pingIntervalMs),
    },
  };
}

/** True when two negotiated results are identical field by field. */
export function sameNegotiated(x: Negotiated, y: Negotiated): boolean {
  const list = (p: readonly string[], q: readonly string[]) =>
    p.length === q.length && p.every((v, i) => v === q[i]);
  return (
    x.version === y.version &&
    list(x.algorithms, y.algorithms) &&
    x.algorithm === y.algorithm &&
    x.tokenizer === y.tokenizer &&
    list(x.dictionaries, y.dictionaries) &&
    x.securityMode === y.securityMode &&
    list(x.features, y.features) &&
    x.maxMessageBytes === y.maxMessageBytes &&
    x.idleTimeoutMs === y.idleTimeoutMs &&
    x.pingIntervalMs === y.pingIntervalMs
  );
}
