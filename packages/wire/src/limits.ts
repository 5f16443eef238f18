import { M2MError, WireErrorCode } from "./errors.js";

/** Limits every decoder checks before allocating. All sizes are in bytes. */
export interface WireLimits {
  /** Largest frame accepted, in any form (default 16 MiB). */
  readonly maxFrameBytes: number;
  /** Largest decoded payload accepted: the decompression-bomb guard (default 16 MiB). */
  readonly maxDecodedBytes: number;
  /** Longest model name or response id kept in a routing header (default 1024). */
  readonly maxModelBytes: number;
  /** Most messages a routing header may describe (default 100,000). */
  readonly maxMessages: number;
  /** Deepest JSON nesting accepted where JSON is parsed (default 64). */
  readonly maxJsonDepth: number;
  /** Longest JSON array accepted where JSON is parsed (default 100,000). */
  readonly maxArrayLength: number;
}

/** The documented defaults. */
export const DEFAULT_LIMITS: WireLimits = Object.freeze({
  maxFrameBytes: 16 * 1024 * 1024,
  maxDecodedBytes: 16 * 1024 * 1024,
  maxModelBytes: 1024,
  maxMessages: 100_000,
  maxJsonDepth: 64,
  maxArrayLength: 100_000,
});

/** Limit objects already validated by {@link resolveLimits}. */
const resolved = new WeakSet<object>();

/**
 * Merge caller overrides over {@link DEFAULT_LIMITS}, rejecting nonsense values. Cheap enough to
 * call per frame: resolved objects are recognised, and only overridden keys are validated.
 */
export function resolveLimits(overrides: Partial<WireLimits> = {}): WireLimits {
  if (overrides === DEFAULT_LIMITS || resolved.has(overrides)) return overrides as WireLimits;
  let merged: Record<string, number> | null = null;
  for (const key in overrides) {
    const value = (overrides as Record<string, number | undefined>)[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new M2MError(WireErrorCode.INVALID_ARGUMENT, `limit "${key}" must be a non-negative integer`);
    }
    merged ??= { ...DEFAULT_LIMITS };
    merged[key] = value;
  }
  if (merged === null) return DEFAULT_LIMITS;
  resolved.add(merged);
  return merged as unknown as WireLimits;
}

/** Throw `WIRE_LIMIT_EXCEEDED` when `actual > limit`. */
export function checkLimit(name: keyof WireLimits | string, actual: number, limit: number): void {
  if (actual > limit) {
    throw new M2MError(WireErrorCode.LIMIT_EXCEEDED, `${name} ${actual} exceeds the limit of ${limit}`, {
      details: { limit: name, actual, max: limit },
    });
  }
}
