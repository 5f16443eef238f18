import { M2MError } from "@m2m/wire";

/** Deterministic xorshift32 so a failing case can be replayed from its index. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

/** A random mutation of `seed`: flipped/replaced bytes, truncation, insertion, or fresh random bytes. */
export function mutate(seed: Uint8Array, r: () => number): Uint8Array {
  const pick = r();
  const int = (n: number): number => Math.floor(r() * n);
  if (pick < 0.1) return Uint8Array.from({ length: int(64) }, () => int(256));
  const out = seed.slice();
  if (pick < 0.25) return out.subarray(0, int(out.length + 1));
  if (pick < 0.35) {
    const at = int(out.length + 1);
    const extra = Uint8Array.from({ length: 1 + int(8) }, () => int(256));
    const grown = new Uint8Array(out.length + extra.length);
    grown.set(out.subarray(0, at));
    grown.set(extra, at);
    grown.set(out.subarray(at), at + extra.length);
    return grown;
  }
  const flips = 1 + int(3);
  for (let i = 0; i < flips && out.length > 0; i++) {
    const at = int(out.length);
    out[at] = r() < 0.5 ? out[at]! ^ (1 << int(8)) : int(256);
  }
  return out;
}

/** Run `decode` on `count` mutated inputs; anything thrown must be an M2MError. Returns how many decoded. */
export function fuzz(
  count: number,
  seeds: Uint8Array[],
  decode: (input: Uint8Array) => unknown,
  seed = 1,
): number {
  const r = rng(seed);
  let ok = 0;
  for (let i = 0; i < count; i++) {
    const input = mutate(seeds[i % seeds.length]!, r);
    try {
      decode(input);
      ok++;
    } catch (e) {
      if (!M2MError.isInstance(e)) {
        throw new Error(`fuzz case ${i} (seed ${seed}) threw a non-M2MError: ${String(e)}`, { cause: e });
      }
    }
  }
  return ok;
}

/** The `code` of the M2MError `fn` throws, or "no error" when it returns; any other throwable escapes. */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (M2MError.isInstance(e)) return e.code;
    throw e;
  }
  return "no error";
}
