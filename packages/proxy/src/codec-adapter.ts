import {
  type Algorithm,
  compress,
  DeltaDecoder,
  DeltaEncoder,
  decompress,
  SseDecoder,
  SseEncoder,
} from "@m2m/codec";
import type { PeerCodec } from "./adapters.js";

/** Options of {@link codecPeerCodec}. */
export interface CodecPeerOptions {
  /** `@m2m/codec` algorithm for self-contained frames (default `"dict"`: LZR with the trained dictionary). */
  readonly algorithm?: Algorithm;
  /**
   * LZR encoder effort (default `"fast"`: the lazy parse, ~0.1 ms for a 2 KB body and ~3 % larger
   * than `"best"`, whose optimal parse costs ~0.3 µs per byte on the request path).
   */
  readonly effort?: "best" | "fast";
}

/**
 * Payloads each end of a conversation remembers as delta bases, and their byte budget. Both ends
 * must agree (they are this same code); one previous turn is what a growing history needs. With
 * at most {@link DELTA_CONVERSATIONS} conversations per proxy, delta state is bounded by
 * 128 × 2 MiB = 256 MiB in the worst case; a request above 2 MiB is sent as a full frame.
 */
const DELTA_ENTRIES = 2;
const DELTA_BYTES = 2 * 1024 * 1024;
/** Conversations whose delta state a proxy keeps (least recently used dropped first). */
export const DELTA_CONVERSATIONS = 128;

const limitsFor = (maxDecodedBytes: number) => ({ maxDecodedBytes, maxFrameBytes: maxDecodedBytes + 1024 });

/**
 * Peer-link frames made by `@m2m/codec`: `compress`/`decompress` for single bodies (with the
 * decompression-bomb limit), `DeltaEncoder`/`DeltaDecoder` for conversation requests (only what
 * changed since the previous turn travels), and `SseEncoder`/`SseDecoder` for streamed responses.
 *
 * @example
 * const codec = codecPeerCodec();
 * codec.decode(codec.encode(bytes), 1 << 20); // the same bytes
 */
export function codecPeerCodec(options: CodecPeerOptions = {}): PeerCodec {
  const algorithm = options.algorithm ?? "dict";
  const compressOptions = { algorithm, effort: options.effort ?? "fast" } as const;
  return {
    name: `m2m-${algorithm}`,
    encode: (plain) => compress(plain, compressOptions),
    decode: (frame, maxDecodedBytes) => decompress(frame, { limits: limitsFor(maxDecodedBytes) }),
    createDeltaEncoder: () =>
      new DeltaEncoder({ maxEntries: DELTA_ENTRIES, maxBytes: DELTA_BYTES, compress: compressOptions }),
    createDeltaDecoder: (maxDecodedBytes) =>
      new DeltaDecoder({
        maxEntries: DELTA_ENTRIES,
        maxBytes: DELTA_BYTES,
        limits: limitsFor(maxDecodedBytes),
      }),
    createStreamEncoder: () => new SseEncoder(),
    createStreamDecoder: (maxDecodedBytes) => new SseDecoder({ limits: limitsFor(maxDecodedBytes) }),
  };
}
