import { M2MError } from "@m2m/wire";
import { toHex } from "./bytes.js";
import { CryptoErrorCode, invalidArgument } from "./errors.js";

/** Options of {@link ReplayGuard}. */
export interface ReplayGuardOptions {
  /** Accepted clock difference in both directions, in ms (default 120,000 = 2 minutes). */
  readonly skewMs?: number;
  /** Most nonces remembered at once (default 100,000). Memory is bounded by this. */
  readonly maxEntries?: number;
  /** Clock in ms since the epoch (default `Date.now`); inject one in tests. */
  readonly now?: () => number;
}

/**
 * Refuses frames whose authenticated timestamp is outside `now ± skewMs`, and nonces already
 * seen inside that window. Memory is bounded: when full, the oldest entry is evicted and its
 * timestamp becomes a floor, so any frame at or below the floor is refused (fail closed: an
 * evicted nonce can never be replayed). Call it only after the frame has been authenticated,
 * or an attacker could fill it with junk.
 *
 * @example
 * const guard = new ReplayGuard({ skewMs: 60_000 });
 * guard.check("k1", timestamp, nonce); // throws CRYPTO_REPLAY on a repeat
 */
export class ReplayGuard {
  readonly skewMs: number;
  readonly maxEntries: number;
  private readonly now: () => number;
  /** `keyId \0 nonce-hex` → timestamp, in insertion order. */
  private readonly seen = new Map<string, number>();
  private floor = Number.NEGATIVE_INFINITY;
  private insertsSinceSweep = 0;

  constructor(options: ReplayGuardOptions = {}) {
    const skewMs = options.skewMs ?? 120_000;
    const maxEntries = options.maxEntries ?? 100_000;
    if (!Number.isSafeInteger(skewMs) || skewMs < 0)
      throw invalidArgument(`"skewMs" must be a non-negative integer`);
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1)
      throw invalidArgument(`"maxEntries" must be a positive integer`);
    this.skewMs = skewMs;
    this.maxEntries = maxEntries;
    this.now = options.now ?? Date.now;
  }

  /** Nonces currently remembered. */
  get size(): number {
    return this.seen.size;
  }

  /**
   * Accept (and remember) or refuse one authenticated `(keyId, timestamp, nonce)`.
   * Throws `CRYPTO_REPLAY` for a stale, future or repeated frame.
   */
  check(keyId: string, timestamp: number, nonce: Uint8Array): void {
    const now = this.now();
    if (!Number.isFinite(timestamp) || timestamp < now - this.skewMs || timestamp > now + this.skewMs) {
      throw replay("frame timestamp is outside the accepted window");
    }
    if (timestamp <= this.floor) throw replay("frame is older than the replay memory");
    const id = `${keyId}\u0000${toHex(nonce)}`;
    if (this.seen.has(id)) throw replay("frame was already received");
    if (this.seen.size >= this.maxEntries || ++this.insertsSinceSweep >= 1024) this.sweep(now);
    while (this.seen.size >= this.maxEntries) {
      const oldest = this.seen.entries().next().value;
      if (oldest === undefined) break;
      this.seen.delete(oldest[0]);
      if (oldest[1] > this.floor) this.floor = oldest[1];
    }
    // Refuse rather than accept if eviction raised the floor to this frame's timestamp.
    if (timestamp <= this.floor) throw replay("frame is older than the replay memory");
    this.seen.set(id, timestamp);
  }

  /** Forget entries that the skew window refuses anyway. */
  private sweep(now: number): void {
    this.insertsSinceSweep = 0;
    const cutoff = now - this.skewMs;
    for (const [id, ts] of this.seen) if (ts < cutoff) this.seen.delete(id);
  }

  /** Forget everything (the floor stays, so nothing evicted becomes replayable). */
  clear(): void {
    for (const ts of this.seen.values()) if (ts > this.floor) this.floor = ts;
    this.seen.clear();
  }
}

function replay(message: string): M2MError {
  return new M2MError(CryptoErrorCode.REPLAY, message);
}
