import { randomBytes as nobleRandomBytes } from "@noble/hashes/utils.js";

/**
 * Nonces come from a small pool refilled from the platform CSPRNG 4 KiB at a time: one
 * `getRandomValues` call per frame cost several microseconds, a large share of sealing a small
 * frame. Each byte is handed out once and zeroed in the pool as it is taken.
 */
const POOL_BYTES = 4096;
let pool = new Uint8Array(0);
let offset = 0;

/** Write `length` fresh random bytes into `into` at `at`. */
export function fillRandom(into: Uint8Array, at: number, length: number): void {
  if (length > POOL_BYTES) {
    into.set(nobleRandomBytes(length), at);
    return;
  }
  if (offset + length > pool.length) {
    pool = nobleRandomBytes(POOL_BYTES);
    offset = 0;
  }
  into.set(pool.subarray(offset, offset + length), at);
  pool.fill(0, offset, offset + length);
  offset += length;
}
