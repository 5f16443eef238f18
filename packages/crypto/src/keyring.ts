import { M2MError } from "@m2m/wire";
import { assertBytes } from "./bytes.js";
import { CryptoErrorCode, invalidArgument, invalidKey } from "./errors.js";
import { FRAME_KEY_BYTES, type FrameKey, isValidKeyId } from "./frame-key.js";

/** Options of {@link Keyring}. */
export interface KeyringOptions {
  /** Clock in ms since the epoch (default `Date.now`). */
  readonly now?: () => number;
}

interface Entry {
  readonly frameKey: FrameKey;
  /** ms since the epoch after which the key is refused and wiped; Infinity = no expiry. */
  notAfter: number;
}

/**
 * Symmetric frame keys by id. One key is current (used to seal); older keys stay valid for
 * opening until their grace period ends, then are wiped. Keys are copied in, so the caller may
 * wipe its own copy.
 *
 * @example
 * const ring = new Keyring();
 * ring.add("k1", randomBytes(32));
 * sealFrame(frame, ring.current());
 * ring.rotate("k2", randomBytes(32), { graceMs: 10 * 60_000 }); // k1 opens frames for 10 more minutes
 * openFrame(frame, { require: "aead", keys: ring });
 */
export class Keyring {
  private readonly entries = new Map<string, Entry>();
  private currentId: string | undefined;
  private readonly now: () => number;

  constructor(options: KeyringOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  /** Number of keys held (expired ones are dropped lazily). */
  get size(): number {
    this.expire();
    return this.entries.size;
  }

  /** Ids of the keys held, current first. */
  ids(): string[] {
    this.expire();
    const ids = [...this.entries.keys()];
    return this.currentId === undefined ? ids : [this.currentId, ...ids.filter((i) => i !== this.currentId)];
  }

  /**
   * Add a key. The first key added becomes current. `notAfter` (ms since the epoch) bounds its
   * validity. Adding an id that exists is refused: rotate to a new id instead.
   */
  add(id: string, key: Uint8Array, options: { notAfter?: number } = {}): void {
    if (!isValidKeyId(id)) throw invalidKey(`"id" must be 1-64 characters of [A-Za-z0-9._:-]`);
    assertBytes(key, "key", [FRAME_KEY_BYTES], CryptoErrorCode.INVALID_KEY);
    if (this.entries.has(id)) throw invalidArgument(`key id "${id}" is already in the keyring`);
    const notAfter = options.notAfter ?? Number.POSITIVE_INFINITY;
    this.entries.set(id, { frameKey: Object.freeze({ id, key: key.slice() }), notAfter });
    if (this.currentId === undefined) this.currentId = id;
  }

  /**
   * Make a new key current. The previous current key keeps opening frames for `graceMs`
   * (default 5 minutes), then is wiped. Pass `graceMs: 0` to retire it at once.
   */
  rotate(id: string, key: Uint8Array, options: { graceMs?: number } = {}): void {
    const graceMs = options.graceMs ?? 300_000;
    if (!Number.isSafeInteger(graceMs) || graceMs < 0)
      throw invalidArgument(`"graceMs" must be a non-negative integer`);
    const previous = this.currentId;
    this.add(id, key);
    this.currentId = id;
    if (previous !== undefined && previous !== id) {
      const entry = this.entries.get(previous);
      if (entry) {
        entry.notAfter = Math.min(entry.notAfter, this.now() + graceMs);
        if (graceMs === 0) this.remove(previous);
      }
    }
  }

  /** Make an existing key current (for example, to roll back a rotation inside the grace period). */
  setCurrent(id: string): void {
    if (this.get(id) === undefined) throw invalidArgument(`key id "${id}" is not in the keyring`);
    this.currentId = id;
  }

  /** The key to seal with. Throws `CRYPTO_INVALID_KEY` when the ring is empty or the current key expired. */
  current(): FrameKey {
    const key = this.currentId === undefined ? undefined : this.get(this.currentId);
    if (key === undefined) throw new M2MError(CryptoErrorCode.INVALID_KEY, "the keyring has no current key");
    return key;
  }

  /** The key with this id, or undefined when unknown or past its grace period. */
  get(id: string): FrameKey | undefined {
    const entry = this.entries.get(id);
    if (entry === undefined) return undefined;
    if (this.now() > entry.notAfter) {
      this.remove(id);
      return undefined;
    }
    return entry.frameKey;
  }

  /** Every valid key, current first (v1 frames carry no key id, so a receiver tries these). */
  all(): FrameKey[] {
    return this.ids()
      .map((id) => this.get(id))
      .filter((k): k is FrameKey => k !== undefined);
  }

  /** Remove and wipe one key. */
  remove(id: string): void {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    entry.frameKey.key.fill(0);
    this.entries.delete(id);
    if (this.currentId === id) this.currentId = undefined;
  }

  /** Remove and wipe every key. */
  destroy(): void {
    for (const id of [...this.entries.keys()]) this.remove(id);
  }

  private expire(): void {
    const now = this.now();
    for (const [id, entry] of this.entries) if (now > entry.notAfter) this.remove(id);
  }
}
