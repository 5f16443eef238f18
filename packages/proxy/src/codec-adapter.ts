import { type Algorithm, compress, decompress } from "@m2m/codec";
import type { PeerCodec } from "./adapters.js";

/** Options of {@link codecPeerCodec}. */
export interface CodecPeerOptions {
  /** `@m2m/codec` algorithm for each frame (default `"dict"`: the trained dictionary, fast on small JSON). */
  readonly algorithm?: Algorithm;
}

/**
 * Peer-link frames made by `@m2m/codec`: `compress` on the way out, `decompress` (with the
 * decompression-bomb limit) on the way in. Frames are v2 frames; the receiver never guesses the codec.
 *
 * @example
 * const codec = codecPeerCodec();
 * codec.decode(codec.encode(bytes), 1 << 20); // the same bytes
 */
export function codecPeerCodec(options: CodecPeerOptions = {}): PeerCodec {
  const algorithm = options.algorithm ?? "dict";
  return {
    name: `m2m-${algorithm}`,
    encode: (plain) => compress(plain, { algorithm }),
    decode: (frame, maxDecodedBytes) =>
      decompress(frame, { limits: { maxDecodedBytes, maxFrameBytes: maxDecodedBytes + 1024 } }),
  };
}
