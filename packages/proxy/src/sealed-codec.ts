import { type FrameKey, openFrame, ReplayGuard, sealFrame } from "@m2m/crypto";
import type { PeerCodec } from "./adapters.js";

/**
 * Wrap a peer codec so every frame on the link is sealed with `@m2m/crypto` (XChaCha20-Poly1305,
 * key id, timestamp and nonce in the authenticated header) and every frame received must be
 * sealed with the same key, fresh, and never seen before (ReplayGuard). Unsealed or tampered
 * frames are refused before any decompression.
 *
 * @example
 * const codec = sealedPeerCodec(codecPeerCodec(), { id: "peer", key: secret32 });
 */
export function sealedPeerCodec(
  inner: PeerCodec,
  key: FrameKey,
  guard: ReplayGuard = new ReplayGuard(),
): PeerCodec {
  const policy = { require: "aead" as const, keys: [key], acceptKeyIds: [key.id], replay: guard };
  const seal = (frame: Uint8Array): Uint8Array => sealFrame(frame, key);
  const open = (frame: Uint8Array, maxDecodedBytes: number): Uint8Array =>
    openFrame(frame, { ...policy, limits: { maxFrameBytes: maxDecodedBytes + 1024, maxDecodedBytes } });
  const codec: PeerCodec = {
    name: `${inner.name}+aead`,
    encode: (plain) => seal(inner.encode(plain)),
    decode: (frame, maxDecodedBytes) => inner.decode(open(frame, maxDecodedBytes), maxDecodedBytes),
  };
  const { createDeltaEncoder, createDeltaDecoder, createStreamEncoder, createStreamDecoder } = inner;
  return {
    ...codec,
    ...(createDeltaEncoder
      ? {
          createDeltaEncoder() {
            const e = createDeltaEncoder();
            return { encode: (plain: Uint8Array) => seal(e.encode(plain)) };
          },
        }
      : {}),
    ...(createDeltaDecoder
      ? {
          createDeltaDecoder(maxDecodedBytes: number) {
            const d = createDeltaDecoder(maxDecodedBytes);
            return { decode: (frame: Uint8Array) => d.decode(open(frame, maxDecodedBytes)) };
          },
        }
      : {}),
    ...(createStreamEncoder
      ? {
          createStreamEncoder() {
            const e = createStreamEncoder();
            return { push: (chunk: Uint8Array) => e.push(chunk).map(seal), end: () => e.end().map(seal) };
          },
        }
      : {}),
    ...(createStreamDecoder
      ? {
          createStreamDecoder(maxDecodedBytes: number) {
            const d = createStreamDecoder(maxDecodedBytes);
            return { push: (frame: Uint8Array) => d.push(open(frame, maxDecodedBytes)), end: () => d.end() };
          },
        }
      : {}),
  };
}
