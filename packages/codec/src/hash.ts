/**
 * FNV-1a 64-bit over bytes, as 8 big-endian bytes. Used to name dictionaries and delta bases by
 * content. It is NOT a cryptographic hash: ids name content, they do not authenticate it (frames
 * are authenticated by `@m2m/crypto`, and every decoded payload is checked by length and CRC-32).
 *
 * @example toHex(fnv1a64(new TextEncoder().encode("a"))) // "af63dc4c8601ec8c"
 */
export function fnv1a64(bytes: Uint8Array): Uint8Array {
  // Two 32-bit halves: 64-bit prime 0x100000001b3 = 2^40 + 0x1b3.
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  for (let i = 0; i < bytes.length; i++) {
    lo = (lo ^ bytes[i]!) >>> 0;
    // (hi:lo) * 0x1b3 + (lo << 40)
    const loMul = lo * 0x1b3;
    const carry = Math.floor(loMul / 0x100000000);
    const newLo = loMul >>> 0;
    hi = (Math.imul(hi, 0x1b3) + carry + ((lo << 8) >>> 0)) >>> 0;
    lo = newLo;
  }
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  view.setUint32(0, hi >>> 0);
  view.setUint32(4, lo >>> 0);
  return out;
}

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

/** Constant-shape equality of two byte arrays. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
