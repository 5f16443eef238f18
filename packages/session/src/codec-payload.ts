import { type Algorithm, compress, DeltaDecoder, DeltaEncoder, decompress } from "@m2m/codec";
import { detectFormat, M2MError, WireFormat } from "@m2m/wire";
import { SessionErrorCode } from "./errors.js";
import type { Negotiated } from "./negotiate.js";
import { type PayloadCodec, type PayloadCodecFactory, rawPayloadCodec } from "./payload.js";

/** Negotiable algorithm names that map to `@m2m/codec` v2 algorithms. */
const SESSION_ALGORITHMS: ReadonlySet<string> = new Set(["auto", "dict", "brotli", "none"]);

function isBinaryV2(frame: Uint8Array): boolean {
  const detected = detectFormat(frame);
  return detected.format === WireFormat.M2M_V2 && detected.form === "binary";
}

/**
 * Payload codecs backed by `@m2m/codec`: the negotiated algorithm (`auto`, `dict`, `brotli`,
 * `none`) for every payload and, when the `delta` feature is negotiated, a per-direction
 * {@link DeltaEncoder}/{@link DeltaDecoder} pair so each message only carries what changed since
 * earlier ones. Frames are self-describing, so the receiver needs no per-message agreement.
 *
 * @example
 * new Session({ role: "initiator", payloadCodecs: codecPayloadCodecs });
 */
export const codecPayloadCodecs: PayloadCodecFactory = (negotiated: Negotiated) => {
  const name = negotiated.algorithm;
  if (!SESSION_ALGORITHMS.has(name)) {
    throw new M2MError(
      SessionErrorCode.NEGOTIATION_FAILED,
      `algorithm "${name}" has no session payload codec`,
    );
  }
  const algorithm = name as Algorithm;
  const limits = { maxDecodedBytes: negotiated.maxMessageBytes };
  const raw = rawPayloadCodec();
  if (algorithm === "none") return { send: raw, receive: raw };
  const delta = negotiated.features.includes("delta");
  const encoder = delta ? new DeltaEncoder({ compress: { algorithm }, limits }) : null;
  const decoder = delta ? new DeltaDecoder({ limits }) : null;
  const send: PayloadCodec = {
    encode(payload: Uint8Array): Uint8Array {
      const frame = encoder !== null ? encoder.encode(payload) : compress(payload, { algorithm, limits });
      // Passthrough output is not a frame: carry it in a RAW v2 frame (the decoder remembers it too).
      return isBinaryV2(frame) ? frame : raw.encode(payload);
    },
    decode(): Uint8Array {
      throw new M2MError(SessionErrorCode.INVALID_STATE, "send codec cannot decode");
    },
  };
  const receive: PayloadCodec = {
    encode(): Uint8Array {
      throw new M2MError(SessionErrorCode.INVALID_STATE, "receive codec cannot encode");
    },
    decode(frame: Uint8Array, maxBytes: number): Uint8Array {
      if (!isBinaryV2(frame))
        throw new M2MError(SessionErrorCode.BAD_MESSAGE, "DATA body is not a binary v2 frame");
      const out =
        decoder !== null
          ? decoder.decode(frame)
          : decompress(frame, { limits: { maxDecodedBytes: maxBytes } });
      return out;
    },
  };
  return { send, receive };
};
